"""``/api/v1/integrations/`` for machine clients with an API key (docs/webhooks.md).

A key with the ``receive_webhooks`` scope reads its agency's delivery log and asks for a
delivery again (a receiver that was down). Another agency's delivery is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.api_keys import api_key_has_scope, api_key_of
from isogov.accounts.models import ApiKeyScope
from isogov.core.api import ErrorOutputSerializer, PageNumberPagination

from . import selectors, services
from .models import WebhookEventType


class ReceivesWebhooks(BasePermission):
    """An API key whose scopes include ``receive_webhooks``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return api_key_has_scope(request, ApiKeyScope.RECEIVE_WEBHOOKS)


@extend_schema_serializer(component_name="WebhookDelivery")
class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="delivery.pk")
    event_id = serializers.CharField(source="delivery.event_id")
    event_type = serializers.ChoiceField(
        source="delivery.event_type", choices=WebhookEventType.choices
    )
    subscription = serializers.CharField(source="delivery.subscription.name")
    created_at = serializers.DateTimeField(source="delivery.created_at")
    status = serializers.ChoiceField(choices=["pending", "sent", "failed", ""])
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    replays = serializers.IntegerField(source="delivery.replays")
    payload = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, row: Any) -> Any:
        return json.loads(row.delivery.body)


class WebhookDeliveryListApi(APIView):
    """The key's agency's webhook deliveries, newest first."""

    permission_classes = [ReceivesWebhooks]
    # Named so that the schema shows the paginated envelope the list answers with.
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="webhook_deliveries",
        responses={200: DeliverySerializer(many=True), 403: ErrorOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        key = api_key_of(request)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.webhook_delivery_list_for_agency(agency=key.agency), request, view=self
        )
        rows = selectors.webhook_delivery_rows(list(page or []))
        return paginator.get_paginated_response(DeliverySerializer(rows, many=True).data)


class WebhookDeliveryReplayApi(APIView):
    """Send one delivery again (same body and event id, fresh signature)."""

    permission_classes = [ReceivesWebhooks]

    @extend_schema(
        operation_id="webhook_delivery_replay",
        request=None,
        responses={202: DeliverySerializer, 403: ErrorOutputSerializer, 404: ErrorOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        key = api_key_of(request)
        delivery = selectors.webhook_delivery_get_for_agency(agency=key.agency, pk=pk)
        delivery = services.webhook_delivery_replay(actor=None, delivery=delivery)
        row = selectors.webhook_delivery_rows([delivery])[0]
        return Response(DeliverySerializer(row).data, status=202)

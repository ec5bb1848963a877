"""``/api/v1/`` views of the feedback app: the agency's items (read, scoped to who asks) and the
public submission (no sign-in, throttled per client address like the web form)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import Agency, User
from isogov.core.api import ErrorOutputSerializer, PageNumberPagination
from isogov.core.clientip import client_ip
from isogov.core.errors import ApplicationError, NotFound, ValidationFailed

from . import selectors, services
from .models import FeedbackItem, FeedbackKind
from .throttle import throttle_hit
from .transitions import FeedbackStatus


class FeedbackItemOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The item's code, e.g. PA-261202-7KQ2XM.")
    agency = serializers.CharField(source="agency.code", help_text="The agency's identifier.")
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    kind = serializers.CharField(help_text="procedure or conduct; empty until classified.")
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    origin = serializers.CharField(source="source", help_text="public, rating or kiosk.")
    title = serializers.CharField()
    content = serializers.CharField()
    dossier_code = serializers.CharField()
    received_at = serializers.DateTimeField()
    refuse_due_at = serializers.DateTimeField()
    info_due_at = serializers.DateTimeField()
    answer_due_at = serializers.DateTimeField()
    publish_due_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField()
    answer_rating = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back with every change (409 if stale).")


class FeedbackListApi(APIView):
    """The feedback items the caller handles (their agency's, or their unit's), oldest due
    first."""

    # Named so that the schema shows the paginated envelope the list answers with.
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="feedback_list",
        tags=["feedback"],
        parameters=[
            OpenApiParameter("agency", str, description="An agency's electronic identifier."),
            OpenApiParameter("status", str, enum=FeedbackStatus.values),
            OpenApiParameter("kind", str, enum=FeedbackKind.values),
        ],
        responses={
            200: FeedbackItemOutputSerializer(many=True),
            400: ErrorOutputSerializer,
            404: ErrorOutputSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        params = request.query_params
        for name, allowed in (("status", FeedbackStatus.values), ("kind", FeedbackKind.values)):
            value = params.get(name, "")
            if value and value not in allowed:
                message = _("Choose an item from the list.")
                raise ValidationFailed(f"{name}: {message}", details={name: [message]})
        agency = None
        if params.get("agency"):
            agency = (
                selectors.feedback_agencies(user=user).filter(code=params["agency"][:64]).first()
            )
            if agency is None:
                raise NotFound()
        items = selectors.feedback_list(
            user=user,
            agency=agency,
            status=params.get("status", ""),
            kind=params.get("kind", ""),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(FeedbackItemOutputSerializer(page, many=True).data)


class FeedbackDetailApi(APIView):
    """One feedback item, if the caller handles it."""

    @extend_schema(
        operation_id="feedback_retrieve",
        tags=["feedback"],
        responses={200: FeedbackItemOutputSerializer, 404: ErrorOutputSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        user = request.user
        assert isinstance(user, User)
        item = selectors.feedback_get(user=user, code=code)
        return Response(FeedbackItemOutputSerializer(item).data)


class FeedbackSubmitInputSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="The agency's electronic identifier.")
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=50)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    dossier_code = serializers.CharField(required=False, allow_blank=True, max_length=64)
    title = serializers.CharField(max_length=300)
    content = serializers.CharField(max_length=4000)
    consent_publish = serializers.BooleanField(required=False, default=False)


class FeedbackSubmittedOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    follow_url = serializers.CharField(help_text="The submitter's own link (keep it private).")
    answer_due_at = serializers.DateTimeField()


class FeedbackSubmitApi(APIView):
    """Send a feedback item or petition (phản ánh, kiến nghị) without signing in."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="feedback_submit",
        tags=["feedback"],
        request=FeedbackSubmitInputSerializer,
        responses={
            201: FeedbackSubmittedOutputSerializer,
            400: ErrorOutputSerializer,
            429: ErrorOutputSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        if throttle_hit(
            bucket="feedback-submit",
            key=client_ip(request._request),
            limit=settings.ISOGOV_FEEDBACK_SUBMIT_PER_HOUR,
            window_seconds=3600,
        ):
            error = ApplicationError(
                _("Too many requests from your connection. Please wait a while and try again."),
                code="throttled",
            )
            error.status_code = 429
            raise error
        data: Any = request.data
        code = str(data.get("agency", "")).strip()[:64] if hasattr(data, "get") else ""
        agency = Agency.objects.filter(code=code).first() if code else None
        if agency is None:
            message = _("Choose an item from the list.")
            raise ValidationFailed(f"agency: {message}", details={"agency": [message]})
        item: FeedbackItem = services.feedback_submit(agency=agency, data=data)
        out = {
            "code": item.code,
            "follow_url": services.follow_url(item),
            "answer_due_at": item.answer_due_at,
        }
        return Response(FeedbackSubmittedOutputSerializer(out).data, status=201)


api_urlpatterns: list = [
    path("v1/feedback/", FeedbackListApi.as_view(), name="feedback-list"),
    path("v1/feedback/submit/", FeedbackSubmitApi.as_view(), name="feedback-submit"),
    path("v1/feedback/<str:code>/", FeedbackDetailApi.as_view(), name="feedback-detail"),
]

"""``POST /api/v1/integrations/dossiers/``: a batch of the system of record's dossiers."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.api_keys import api_key_of
from isogov.accounts.models import Agency
from isogov.core.api import ErrorOutputSerializer
from isogov.core.errors import PermissionDenied, ValidationFailed

from . import conf
from .inbound import inbound_import
from .permissions import OTHER_AGENCY, PushDossiers, may_push_for
from .webhooks.api import WebhookDeliveryListApi, WebhookDeliveryReplayApi

TAGS = ["integrations"]
UNKNOWN_AGENCY = _("No agency has this electronic identifier.")


class BatchInputSerializer(serializers.Serializer):
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=64, help_text="The source system's name, e.g. “HT-MCĐT-HP”."
    )
    agency = serializers.CharField(
        max_length=64, help_text="The electronic identifier of the agency the dossiers belong to."
    )
    records = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        default=list,
        max_length=20_000,
        help_text="DongBoHoSoMC-shaped records (every value a string; dates yyyyMMddHHmmss).",
    )
    history = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        default=list,
        max_length=100_000,
        help_text="CapNhatTienDoHoSoMC-shaped processing history entries.",
    )


class UnmappedSerializer(serializers.Serializer):
    MaTTHC = serializers.CharField()
    rows = serializers.ListField(child=serializers.IntegerField())


class BatchOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    history = serializers.IntegerField(help_text="History entries stored (re-sent ones skipped).")
    unmapped = UnmappedSerializer(
        many=True, help_text="Procedure codes with no local procedure: not imported, listed."
    )


class DossierBatchView(APIView):
    permission_classes = [PushDossiers]

    @extend_schema(
        tags=TAGS,
        operation_id="integrations_dossiers_push",
        summary="Import a batch of external dossiers (all or nothing)",
        request=BatchInputSerializer,
        responses={
            200: BatchOutputSerializer,
            400: ErrorOutputSerializer,
            403: ErrorOutputSerializer,
        },
        examples=[
            OpenApiExample(
                "One dossier",
                value={
                    "source": "HT-MCĐT",
                    "agency": "000.00.20.H26",
                    "records": [
                        {
                            "MaHoSo": "000.00.20.H26-261201-0001",
                            "MaTTHC": "1.009374",
                            "ChuHoSo": "Nguyễn Văn An",
                            "TrangThaiHoSo": "10",
                            "NgayTiepNhan": "20261201080000",
                            "NgayHenTra": "20261204170000",
                            "NgayKetThucXuLy": "20261203100000",
                            "NgayTra": "20261203150000",
                        }
                    ],
                    "history": [
                        {
                            "MaHoSo": "000.00.20.H26-261201-0001",
                            "ThoiDiemXuLy": "20261201080000",
                            "TrangThai": "2",
                            "NoiDungXuLy": "Tiếp nhận hồ sơ",
                        }
                    ],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = BatchInputSerializer(data=request.data)
        if not serializer.is_valid():
            details = {
                key: [str(m) for m in (value if isinstance(value, list) else [value])]
                for key, value in serializer.errors.items()
            }
            first = next(iter(details.values()))[0]
            raise ValidationFailed(first, details=details)
        data: dict[str, Any] = serializer.validated_data
        agency = Agency.objects.filter(code=data["agency"]).first()
        if agency is None:
            raise ValidationFailed(UNKNOWN_AGENCY, details={"agency": [str(UNKNOWN_AGENCY)]})
        if not may_push_for(request, agency):
            raise PermissionDenied(OTHER_AGENCY)
        key = api_key_of(request)
        limit = conf.inbound()["MAX_BATCH"]
        if len(data["records"]) > limit:
            message = _("At most %(n)d records per batch.") % {"n": limit}
            raise ValidationFailed(message, details={"records": [str(message)]})
        result = inbound_import(
            agency=agency,
            source=data["source"],
            records=data["records"],
            history=data["history"],
            actor=None if key else request.user,  # type: ignore[arg-type]
            client=key.key_id if key else "",
        )
        return Response(result.as_dict())


api_urlpatterns = [
    path("v1/integrations/dossiers/", DossierBatchView.as_view(), name="integrations-dossiers"),
    path(
        "v1/integrations/webhooks/deliveries/",
        WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "v1/integrations/webhooks/deliveries/<int:pk>/replay/",
        WebhookDeliveryReplayApi.as_view(),
        name="webhook-delivery-replay",
    ),
]

"""Catalogue API: public reads, and writes for catalogue managers.

Business rules live in ``schema``/``services``; serializers here describe shapes (for the
OpenAPI schema and the output), they do not decide what is valid.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import User
from isogov.accounts.selectors import user_primary_agency
from isogov.core.api import PageNumberPagination
from isogov.core.errors import NotFound, PermissionDenied, ValidationFailed

from .models import ProcedureVersion, Sector
from .schema import CHANNEL_KINDS, ONLINE_LEVELS, TIME_UNITS
from .selectors import (
    procedure_agencies,
    procedure_get_for_manager,
    procedure_get_public,
    procedure_search,
    process_as_record,
    user_can_manage_catalog,
    version_actions,
    version_as_record,
    version_get_for_manager,
    version_in_force_detail,
    version_process,
)
from .services import (
    procedure_register,
    process_save_for_draft,
    version_create_draft,
    version_publish,
    version_retire,
    version_update_draft,
)
from .transitions import VersionAction

NOT_A_MANAGER = gettext_lazy("Only catalogue managers may change the catalogue.")


class TimeSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    unit = serializers.ChoiceField(choices=TIME_UNITS)


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount_vnd = serializers.IntegerField(allow_null=True, help_text="Đồng; null: see note.")
    note = serializers.CharField(allow_blank=True)


class ChannelSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CHANNEL_KINDS)
    time = TimeSerializer()
    time_note = serializers.CharField(allow_blank=True, required=False)
    fees = FeeSerializer(many=True, help_text="Fees of this channel only.")


class PaperSerializer(serializers.Serializer):
    name = serializers.CharField()
    template = serializers.CharField(allow_blank=True)
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    is_required = serializers.BooleanField()
    condition = serializers.CharField(allow_blank=True)


class LegalBasisSerializer(serializers.Serializer):
    number = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField(allow_null=True)
    issuer = serializers.CharField(allow_blank=True)


class VersionRecordSerializer(serializers.Serializer):
    """One procedure version in the exchange format (docs/catalog-import.md)."""

    number = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    effective_from = serializers.DateField(allow_null=True, read_only=True)
    effective_to = serializers.DateField(allow_null=True, read_only=True)
    name = serializers.CharField()
    decision_number = serializers.CharField(allow_blank=True)
    decision_date = serializers.DateField(allow_null=True)
    decision_issuer = serializers.CharField(allow_blank=True)
    steps_text = serializers.CharField(allow_blank=True)
    applicants = serializers.CharField(allow_blank=True)
    authority = serializers.CharField(allow_blank=True)
    receiving_address = serializers.CharField(allow_blank=True)
    delegated_agency = serializers.CharField(allow_blank=True)
    coordinating_agencies = serializers.CharField(allow_blank=True)
    result = serializers.CharField(allow_blank=True)
    conditions = serializers.CharField(allow_blank=True)
    online_level = serializers.ChoiceField(choices=ONLINE_LEVELS)
    keywords = serializers.CharField(allow_blank=True)
    related_codes = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(allow_blank=True)
    channels = ChannelSerializer(many=True)
    fees = FeeSerializer(many=True, help_text="Fees of every channel.")
    papers = PaperSerializer(many=True)
    legal_bases = LegalBasisSerializer(many=True)


class VersionOutputSerializer(VersionRecordSerializer):
    """A version as its manager reads it: the record, its edit counter and what may run now."""

    version = serializers.IntegerField(
        read_only=True, help_text="The edit counter to send back with a change (409 if stale)."
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=[a.value for a in VersionAction]),
        read_only=True,
        help_text="The actions of the action table you may run on this version now.",
    )


class SectorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    unit_label = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    allowance = TimeSerializer()
    result_form = serializers.CharField(allow_blank=True)
    is_counted = serializers.BooleanField()


class ProcessSerializer(serializers.Serializer):
    code = serializers.CharField()
    issue_number = serializers.IntegerField()
    title = serializers.CharField()
    approved_by = serializers.CharField(allow_blank=True)
    approved_on = serializers.DateField(allow_null=True)
    is_illustrative = serializers.BooleanField()
    steps = StepSerializer(many=True)


def _sector(sector: Sector) -> dict[str, str]:
    return {"code": sector.code, "name": sector.name}


class ProcedureListApi(APIView):
    """Procedures in force (public), and registering a new procedure (catalogue managers)."""

    # Named so that the schema shows the paginated envelope the list answers with.
    pagination_class = PageNumberPagination

    class ProcedureListItemSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        level = serializers.CharField()
        sector = SectorSerializer()
        online_level = serializers.CharField()
        effective_from = serializers.DateField()
        channels = serializers.ListField(child=serializers.DictField())

    class ProcedureCreateSerializer(serializers.Serializer):
        code = serializers.CharField()
        level = serializers.ChoiceField(choices=["central", "province", "commune", "multiple"])
        sector = serializers.CharField(help_text="Sector code.")
        version = VersionRecordSerializer(help_text="Content of the first (draft) version.")

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="procedures_list",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words; diacritics ignored."),
            OpenApiParameter("sector", OpenApiTypes.STR, description="Sector code."),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=list(CHANNEL_KINDS)),
            OpenApiParameter("level", OpenApiTypes.STR),
            OpenApiParameter("online_level", OpenApiTypes.STR, enum=list(ONLINE_LEVELS)),
            OpenApiParameter(
                "agency", OpenApiTypes.STR, description="Code of the agency carrying it out."
            ),
        ],
        responses={200: ProcedureListItemSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        for name, allowed in (("channel", CHANNEL_KINDS), ("online_level", ONLINE_LEVELS)):
            if name in params and params[name] not in allowed:
                message = _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed)}
                raise ValidationFailed(f"{name}: {message}", details={name: [message]})
        results = procedure_search(
            q=params.get("q", ""),
            sector=params.get("sector", ""),
            channel=params.get("channel", ""),
            level=params.get("level", ""),
            online_level=params.get("online_level", ""),
            agency_code=params.get("agency", ""),
        ).prefetch_related("channels")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(results, request, view=self) or []
        items = [_list_item(v) for v in page]
        return paginator.get_paginated_response(items)

    @extend_schema(
        operation_id="procedures_create",
        request=ProcedureCreateSerializer,
        responses={201: VersionOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        agency = user_primary_agency(user=user)
        if not user_can_manage_catalog(user=user, agency=agency):
            raise PermissionDenied(NOT_A_MANAGER)
        data = request.data
        sector = Sector.objects.filter(code=data.get("sector", "")).first()
        if sector is None:
            raise ValidationFailed(
                _("No sector has this code."), details={"sector": [_("unknown")]}
            )
        version = procedure_register(
            actor=user,
            code=str(data.get("code", "")),
            level=str(data.get("level", "")),
            sector=sector,
            data=data.get("version") or {},
            agency=agency,
        )
        return Response(_version_out(version, user), status=201)


def _list_item(version: ProcedureVersion) -> dict[str, Any]:
    procedure = version.procedure
    return {
        "code": procedure.code,
        "name": version.name,
        "level": procedure.level,
        "sector": _sector(procedure.sector),
        "online_level": version.online_level,
        "effective_from": version.effective_from,
        "channels": [
            {"kind": c.kind, "time": {"value": c.time_value, "unit": c.time_unit}}
            for c in version.channels.all()
        ],
    }


def _version_out(version: ProcedureVersion, user: User) -> dict[str, Any]:
    return {
        **version_as_record(version=version),
        "version": version.version,
        "actions": sorted(version_actions(user=user, version=version)),
    }


class ProcedureDetailApi(APIView):
    """The version in force of one procedure, with every component."""

    permission_classes = [AllowAny]

    class ProcedureDetailSerializer(serializers.Serializer):
        code = serializers.CharField()
        national_code = serializers.CharField()
        local_suffix = serializers.CharField()
        level = serializers.CharField()
        sector = SectorSerializer()
        version = VersionRecordSerializer()
        process = ProcessSerializer(allow_null=True)
        agencies = serializers.ListField(child=serializers.CharField())

    @extend_schema(operation_id="procedures_retrieve", responses={200: ProcedureDetailSerializer})
    def get(self, request: Request, code: str) -> Response:
        procedure = procedure_get_public(code=code)
        version = version_in_force_detail(procedure=procedure)
        process = version_process(version=version)
        return Response(
            {
                "code": procedure.code,
                "national_code": procedure.national_code,
                "local_suffix": procedure.local_suffix,
                "level": procedure.level,
                "sector": _sector(procedure.sector),
                "version": version_as_record(version=version),
                "process": process_as_record(process=process) if process else None,
                "agencies": [a.code for a in procedure_agencies(procedure=procedure)],
            }
        )


class VersionCreateApi(APIView):
    """Start a draft version: the given content, or a copy of the latest version."""

    @extend_schema(
        operation_id="procedure_versions_create",
        request=VersionRecordSerializer,
        responses={201: VersionOutputSerializer},
    )
    def post(self, request: Request, code: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        procedure = procedure_get_for_manager(user=user, code=code)
        data = request.data if request.data else None
        version = version_create_draft(actor=user, procedure=procedure, data=data)
        return Response(_version_out(version, user), status=201)


class VersionDetailApi(APIView):
    """Any version of a procedure (drafts included), and editing a draft."""

    class VersionUpdateSerializer(serializers.Serializer):
        version = serializers.IntegerField(help_text="The version counter you read (409 if stale).")
        content = VersionRecordSerializer()

    @extend_schema(
        operation_id="procedure_versions_retrieve", responses={200: VersionOutputSerializer}
    )
    def get(self, request: Request, code: str, number: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        return Response(
            _version_out(version_get_for_manager(user=user, code=code, number=number), user)
        )

    @extend_schema(
        operation_id="procedure_versions_update",
        request=VersionUpdateSerializer,
        responses={200: VersionOutputSerializer},
    )
    def put(self, request: Request, code: str, number: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        version = version_get_for_manager(user=user, code=code, number=number)
        content = request.data.get("content")
        if not isinstance(content, dict):
            raise ValidationFailed(
                _("Send the content of the version."), details={"content": [_("is required")]}
            )
        updated = version_update_draft(
            actor=user, version=version, sent_version=request.data.get("version"), data=content
        )
        return Response(_version_out(updated, user))


class VersionPublishApi(APIView):
    class VersionPublishSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        effective_from = serializers.DateField()

    @extend_schema(
        operation_id="procedure_versions_publish",
        request=VersionPublishSerializer,
        responses={200: VersionOutputSerializer},
    )
    def post(self, request: Request, code: str, number: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        version = version_get_for_manager(user=user, code=code, number=number)
        data = self.VersionPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        published = version_publish(
            actor=user,
            version=version,
            effective_from=data.validated_data["effective_from"],
            sent_version=data.validated_data["version"],
        )
        return Response(
            _version_out(
                version_get_for_manager(user=user, code=code, number=published.number), user
            )
        )


class VersionRetireApi(APIView):
    class VersionRetireSerializer(serializers.Serializer):
        effective_to = serializers.DateField(help_text="Last day in force.")
        reason = serializers.CharField(allow_blank=True, required=False)

    @extend_schema(
        operation_id="procedure_versions_retire",
        request=VersionRetireSerializer,
        responses={200: VersionOutputSerializer},
    )
    def post(self, request: Request, code: str, number: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        version = version_get_for_manager(user=user, code=code, number=number)
        data = self.VersionRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        retired = version_retire(
            actor=user,
            version=version,
            effective_to=data.validated_data["effective_to"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(
            _version_out(version_get_for_manager(user=user, code=code, number=retired.number), user)
        )


class VersionProcessApi(APIView):
    """The internal process of a version; catalogue managers set it on a draft."""

    class ProcessInputSerializer(serializers.Serializer):
        code = serializers.CharField()
        issue_number = serializers.IntegerField(min_value=1)
        title = serializers.CharField()
        approved_by = serializers.CharField(allow_blank=True, required=False)
        approved_on = serializers.DateField(allow_null=True, required=False)
        steps = StepSerializer(many=True)

    @extend_schema(
        operation_id="procedure_version_process_retrieve", responses={200: ProcessSerializer}
    )
    def get(self, request: Request, code: str, number: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        version = version_get_for_manager(user=user, code=code, number=number)
        process = version_process(version=version)
        if process is None:
            raise NotFound()
        return Response(process_as_record(process=process))

    @extend_schema(
        operation_id="procedure_version_process_update",
        request=ProcessInputSerializer,
        responses={200: ProcessSerializer},
    )
    def put(self, request: Request, code: str, number: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        version = version_get_for_manager(user=user, code=code, number=number)
        data = request.data if isinstance(request.data, dict) else {}
        process = process_save_for_draft(actor=user, version=version, data=dict(data))
        return Response(process_as_record(process=process))

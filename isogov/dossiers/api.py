"""The dossier API at the one-stop desk: intake, list, queue, detail and one view per action.

Views are thin: they parse the input, call one service or selector and render the dossier's
detail. Every rule (roles, states, versions, deadlines) lives in ``services.py``; a refusal
comes back through ``isogov.core.api.exception_handler`` as ``{"error": {...}}``. The
representations and the intake's nested inputs are in ``api_serializers.py``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import Agency, User
from isogov.accounts.selectors import agency_get, user_primary_agency
from isogov.catalog.models import ChannelKind
from isogov.core.api import CappedPageNumberPagination, ErrorOutputSerializer, FieldsBuiltOnce
from isogov.core.errors import NotFound, ValidationFailed

from . import services
from .actions import SERVICES, dossier_act
from .api_serializers import (
    ApplicantInputSerializer,
    DetailOutputSerializer,
    PaperInputSerializer,
    QueueRowOutputSerializer,
    QueueTabOutputSerializer,
    WriteOutputSerializer,
    write_representation,
)
from .inputs import API_SERIALIZERS, VersionInputSerializer
from .models import Dossier
from .queues import Tab
from .selectors import (
    dossier_get_brief,
    dossier_get_detail,
    dossier_queue_tabs,
    dossier_search,
)
from .transitions import DOSSIER_ACTIONS, Action, Status

TAGS = ["dossiers"]
NO_AGENCY = _("Your account belongs to no agency: name the agency.")
RECEIPT_ONLY_WHEN_RECEIVED = _("A receipt time is given only when the dossier is received.")
ERRORS = {
    400: ErrorOutputSerializer,
    403: ErrorOutputSerializer,
    404: ErrorOutputSerializer,
    409: ErrorOutputSerializer,
}


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated (the default permission) let it through
    return user


# --- the answers: the detail, or the lean representation of a write (api_serializers.py) -------
def _detail(request: Request, code: str, *, status_code: int = status.HTTP_200_OK) -> Response:
    user = _user(request)
    dossier = dossier_get_detail(user=user, code=code)
    return Response(
        DetailOutputSerializer(dossier, context={"user": user}).data, status=status_code
    )


def _written(request: Request, result: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The lean representation of the dossier an action or an intake just wrote."""
    dossier = result if isinstance(result, Dossier) else result.dossier
    return Response(write_representation(dossier, user=_user(request)), status=status_code)


# --- intake and list ----------------------------------------------------------------------------
class DossierCollectionApi(APIView):
    """``GET``: search the dossiers the user may see. ``POST``: receive a dossier at the desk."""

    pagination_class = CappedPageNumberPagination

    @extend_schema_serializer(component_name="DossierSearchFilter")
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, default="")
        status = serializers.ChoiceField(
            choices=["open", *(s.value for s in Status)],
            required=False,
            allow_blank=True,
            default="",
        )

    @extend_schema_serializer(component_name="DossierListItem")
    class ListOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        status = serializers.CharField()
        national_status = serializers.IntegerField()
        applicant_name = serializers.CharField()
        procedure_name = serializers.CharField()
        received_at = serializers.DateTimeField(allow_null=True)
        due_at = serializers.DateTimeField(allow_null=True)
        promised_due_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_serializer(component_name="DossierIntake")
    class IntakeInputSerializer(FieldsBuiltOnce, serializers.Serializer):
        agency = serializers.CharField(
            required=False, help_text="Agency code; by default the user's own agency."
        )
        procedure_code = serializers.CharField(max_length=64)
        channel = serializers.ChoiceField(choices=ChannelKind.choices)
        applicant = ApplicantInputSerializer()
        papers = PaperInputSerializer(many=True, required=False, default=list)
        request_summary = serializers.CharField(required=False, allow_blank=True, default="")
        sets_count = serializers.IntegerField(min_value=1, max_value=100, default=1)
        received_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="A past receipt time: only with the permission to register back-dated "
            "postal or migrated dossiers.",
        )
        decision = serializers.ChoiceField(
            choices=["receive", "incomplete", "refuse"],
            default="receive",
            help_text="receive (form 01), incomplete (form 02 at intake) or refuse (form 03).",
        )
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        items = serializers.ListField(
            child=serializers.CharField(max_length=500), required=False, default=list
        )

    @extend_schema(
        operation_id="dossier_list",
        tags=TAGS,
        description="Search the dossiers the user may see by code, applicant, phone, ID number "
        "or procedure (diacritics ignored); ``status=open`` keeps the unfinished ones.",
        parameters=[FilterSerializer],
        responses={200: ListOutputSerializer(many=True), 400: ErrorOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = dossier_search(user=_user(request), **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        assert page is not None
        return paginator.get_paginated_response(self.ListOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="dossier_intake",
        tags=TAGS,
        description="Receive a dossier at the desk (form 01), or record a visit whose papers "
        "were incomplete (form 02) or a refusal at intake (form 03).",
        request=IntakeInputSerializer,
        responses={201: WriteOutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        data = self.IntakeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        intake = services.IntakeInput(
            agency=self._agency(user, fields.get("agency")),
            procedure_code=fields["procedure_code"].strip(),
            channel_kind=fields["channel"],
            applicant=services.ApplicantInput(**fields["applicant"]),
            papers=[services.PaperInput(**paper) for paper in fields["papers"]],
            request_summary=fields["request_summary"],
            sets_count=fields["sets_count"],
        )
        decision, received_at = fields["decision"], fields["received_at"]
        if decision != "receive" and received_at is not None:
            raise ValidationFailed(
                RECEIPT_ONLY_WHEN_RECEIVED,
                details={"received_at": [str(RECEIPT_ONLY_WHEN_RECEIVED)]},
            )
        if decision == "incomplete":
            dossier = services.dossier_intake_incomplete(
                actor=user, data=intake, reason=fields["reason"], items=fields["items"]
            )
        elif decision == "refuse":
            dossier = services.dossier_intake_refuse(
                actor=user, data=intake, reason=fields["reason"]
            )
        else:
            dossier = services.dossier_receive(actor=user, data=intake, received_at=received_at)
        return _written(request, dossier, status_code=status.HTTP_201_CREATED)

    @staticmethod
    def _agency(user: User, code: str | None) -> Agency:
        if code:
            return agency_get(user=user, code=code.strip())
        agency = user_primary_agency(user=user)
        if agency is None:
            raise ValidationFailed(NO_AGENCY, details={"agency": [str(NO_AGENCY)]})
        return agency


class DossierQueueApi(APIView):
    """The user's work ("Việc của tôi"): the tabs with their counts, and one tab's rows."""

    class FilterSerializer(serializers.Serializer):
        tab = serializers.ChoiceField(
            choices=[tab.value for tab in Tab],
            default=Tab.ALL.value,
            help_text="all; overdue; today (due today); soon (within 1 working day); supplement "
            "(waiting for papers); payment (waiting for fees); unit (leaders and unit heads: "
            "every open dossier of the agency or the unit, with its holder).",
        )

    @extend_schema_serializer(component_name="DossierQueue")
    class OutputSerializer(serializers.Serializer):
        tab = serializers.CharField(help_text="The tab whose rows these are.")
        tabs = QueueTabOutputSerializer(many=True, source="tab_counts")
        results = QueueRowOutputSerializer(many=True, source="rows")

    @extend_schema(
        operation_id="dossier_queue",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, 400: ErrorOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        if request.query_params.get("tab") == "":  # DRF would read an empty value as absent
            raise ValidationFailed(_("Choose a tab."), details={"tab": [str(_("Choose a tab."))]})
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queue = dossier_queue_tabs(user=_user(request), tab=filters.validated_data["tab"])
        return Response(self.OutputSerializer(queue).data)


class DossierDetailApi(APIView):
    """One dossier: status, deadlines, steps, timeline and the actions the user may take."""

    @extend_schema(
        operation_id="dossier_detail",
        tags=TAGS,
        responses={200: DetailOutputSerializer, 404: ErrorOutputSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        return _detail(request, code)


# --- actions: one endpoint per row of the action table, generated ---------------------------
class DossierActionApi(APIView):
    """Base of the generated action views: parse ``{"version", ...}``, run the action, answer."""

    action: ClassVar[Action]

    def post(self, request: Request, code: str) -> Response:
        user = _user(request)
        dossier = dossier_get_brief(user=user, code=code)  # the service reads the rest
        # Only the version here: the action's own fields are checked by its service, after the
        # status (a request in the wrong status is a 409 whatever its input).
        version = VersionInputSerializer(data=request.data)
        version.is_valid(raise_exception=True)
        result = dossier_act(
            name=self.action.name,
            actor=user,
            dossier=dossier,
            version=version.validated_data["version"],
            data=request.data,
        )
        return _written(request, result)


def _action_api(action: Action) -> type[DossierActionApi]:
    """The endpoint of one action, with its own documented ``post`` (drf-spectacular documents
    methods, not classes)."""

    def post(self: DossierActionApi, request: Request, code: str) -> Response:
        return DossierActionApi.post(self, request, code)

    notes = [str(SERVICES[action.name].__doc__ or "").strip()]
    if action.irreversible:
        notes.append("Cannot be undone.")
    notes.append(
        "Allowed in: " + ", ".join(sorted(status.value for status in action.from_statuses)) + "."
    )
    notes.append(
        "By: " + ", ".join(sorted(authority.value for authority in action.authority)) + "."
    )
    documented = extend_schema(
        operation_id=f"dossier_{action.name}",
        tags=TAGS,
        description=" ".join(notes),
        request=API_SERIALIZERS[action.name],
        responses={200: WriteOutputSerializer, **ERRORS},
    )(post)
    name = "Dossier" + "".join(part.capitalize() for part in action.name.split("_")) + "Api"
    return type(name, (DossierActionApi,), {"action": action, "post": documented})


ACTION_APIS: tuple[type[DossierActionApi], ...] = tuple(
    _action_api(action) for action in DOSSIER_ACTIONS
)


@extend_schema(exclude=True)
class DossierUnknownActionApi(APIView):
    """Any other action name: 404 in the API's error shape (not Django's HTML page)."""

    def post(self, request: Request, code: str, action: str) -> Response:
        raise NotFound()

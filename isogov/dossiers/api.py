"""The dossier API at the one-stop desk: intake, list, queue, detail and one view per action.

Views are thin: they parse the input, call one service or selector and render the dossier's
detail. Every rule (roles, states, versions, deadlines) lives in ``services.py``; a refusal
comes back through ``isogov.core.api.exception_handler`` as ``{"error": {...}}``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isogov.accounts.models import Agency, User
from isogov.accounts.selectors import agency_get, user_primary_agency
from isogov.catalog.models import ChannelKind
from isogov.core.api import CappedPageNumberPagination, ErrorOutputSerializer
from isogov.core.errors import NotFound, ValidationFailed

from . import services
from .actions import SERVICES, available_actions, dossier_act, next_action
from .applicants import ApplicantInvalid, applicant_clean
from .inputs import API_SERIALIZERS, VersionInputSerializer
from .models import (
    ApplicantKind,
    Dossier,
)
from .permissions import Held, held_roles
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


# --- the detail representation (returned by intake, detail and every action) ------------------
@extend_schema_serializer(component_name="DossierAgency")
class AgencyOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="DossierProcedure")
class ProcedureOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure_code")
    name = serializers.CharField(source="procedure_name")


@extend_schema_serializer(component_name="DossierLegalTime")
class LegalTimeOutputSerializer(serializers.Serializer):
    value = serializers.DecimalField(source="time_value", max_digits=8, decimal_places=2)
    unit = serializers.CharField(source="time_unit")


@extend_schema_serializer(component_name="DossierApplicant")
class ApplicantOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    kind = serializers.CharField(source="applicant_kind")
    id_number = serializers.CharField(source="applicant_id_number")
    address = serializers.CharField(source="applicant_address")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    representative_name = serializers.CharField()


@extend_schema_serializer(component_name="DossierResult")
class ResultOutputSerializer(serializers.Serializer):
    number = serializers.CharField(source="result_number")
    summary = serializers.CharField(source="result_summary")
    signer = serializers.CharField(source="result_signer")
    approved_by = serializers.CharField(
        source="result_approved_by.username", allow_null=True, default=None
    )
    approved_at = serializers.DateTimeField(source="result_approved_at", allow_null=True)


@extend_schema_serializer(component_name="DossierFee")
class FeeOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount_vnd = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


@extend_schema_serializer(component_name="DossierPayment")
class PaymentOutputSerializer(serializers.Serializer):
    amount_vnd = serializers.IntegerField()
    method = serializers.CharField()
    receipt_number = serializers.CharField()
    paid_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.username")


@extend_schema_serializer(component_name="DossierPaper")
class PaperOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    originals_returned_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="DossierIncident")
class IncidentOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField()
    paper = serializers.IntegerField(source="paper_id", allow_null=True)
    occurred_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="DossierStep")
class StepOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    unit_label = serializers.CharField()
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    late_by_seconds = serializers.IntegerField()


@extend_schema_serializer(component_name="DossierEvent")
class EventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="DossierNextAction")
class NextActionOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The action's name (its endpoint).")
    words = serializers.CharField(help_text="The button's words, naming the step.")


@extend_schema_serializer(component_name="DossierDetail")
class DetailOutputSerializer(serializers.Serializer):
    """A dossier as an officer sees it; ``actions`` are those this user may take now."""

    code = serializers.CharField()
    agency = AgencyOutputSerializer()
    procedure = ProcedureOutputSerializer(source="*")
    channel = serializers.CharField(source="channel_kind")
    legal_time = LegalTimeOutputSerializer(source="*")
    ruleset = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    national_status = serializers.IntegerField(
        help_text="The national portal's status code (TrangThaiHoSo, 1–10)."
    )
    version = serializers.IntegerField(help_text="Send it back with every action.")
    applicant = ApplicantOutputSerializer(source="*")
    request_summary = serializers.CharField()
    sets_count = serializers.IntegerField()
    is_backdated = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    intake_due_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    start_counted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="The legal appointment.")
    promised_due_at = serializers.DateTimeField(
        allow_null=True, help_text="The appointment given to the applicant (moved by an apology)."
    )
    service_due_at = serializers.DateTimeField(allow_null=True)
    waiting_seconds = serializers.IntegerField()
    supplement_count = serializers.IntegerField()
    outcome = serializers.CharField()
    late_by_seconds = serializers.IntegerField()
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    return_method = serializers.CharField()
    result_collector_name = serializers.CharField(help_text="Who collected the result.")
    result_collector_id_number = serializers.CharField(
        help_text="In person: the collector's ID number."
    )
    result_tracking_number = serializers.CharField(help_text="By post: the tracking number.")
    result = ResultOutputSerializer(source="*")
    fees = FeeOutputSerializer(many=True, source="fees.all")
    payments = PaymentOutputSerializer(many=True, source="payments.all")
    papers = PaperOutputSerializer(many=True, source="papers.all")
    incidents = IncidentOutputSerializer(many=True, source="incidents.all")
    steps = StepOutputSerializer(many=True, source="steps.all")
    timeline = EventOutputSerializer(many=True, source="events.all")
    actions = serializers.SerializerMethodField()
    next_action = serializers.SerializerMethodField(
        help_text="The one action expected of this user now (the page's primary button), "
        "with its words for the step at hand; null when none is."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, dossier: Dossier) -> list[str]:
        return [action.name for action in self._offered(dossier)[0]]

    @extend_schema_field(NextActionOutputSerializer(allow_null=True))
    def get_next_action(self, dossier: Dossier) -> dict[str, str] | None:
        offered, held = self._offered(dossier)
        chosen = next_action(dossier=dossier, offered=offered, user=self.context["user"], held=held)
        return {"name": chosen[0].name, "words": chosen[1]} if chosen else None

    def _offered(self, dossier: Dossier) -> tuple[list[Action], Held]:
        # Once per dossier, the user's roles read once: both fields read the same list.
        if not hasattr(dossier, "_offered"):
            held = held_roles(user=self.context["user"], agency=dossier.agency)
            offered = available_actions(dossier=dossier, user=self.context["user"], held=held)
            dossier._offered = (offered, held)  # type: ignore[attr-defined]
        return dossier._offered  # type: ignore[attr-defined]


def _detail(request: Request, code: str, *, status_code: int = status.HTTP_200_OK) -> Response:
    user = _user(request)
    dossier = dossier_get_detail(user=user, code=code)
    return Response(
        DetailOutputSerializer(dossier, context={"user": user}).data, status=status_code
    )


# --- the lean answer to a write (intake and every action) ----------------------------------
@extend_schema_serializer(component_name="DossierWriteResult")
class WriteOutputSerializer(serializers.Serializer):
    """What an action (or intake) returns: enough to go on, without the whole detail."""

    code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    national_status = serializers.IntegerField(
        help_text="The national portal's status code (TrangThaiHoSo, 1–10)."
    )
    version = serializers.IntegerField(help_text="Send it back with the next action.")
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="The legal appointment.")
    promised_due_at = serializers.DateTimeField(allow_null=True)
    service_due_at = serializers.DateTimeField(allow_null=True)
    step = serializers.CharField(source="current_step.name", allow_null=True, default=None)
    step_due_at = serializers.DateTimeField(
        source="current_step.due_at", allow_null=True, default=None
    )
    actions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The dossier's full detail.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, dossier: Dossier) -> list[str]:
        user = self.context["user"]
        held = getattr(dossier, "_held", None)
        return [action.name for action in available_actions(dossier=dossier, user=user, held=held)]

    def get_url(self, dossier: Dossier) -> str:
        return reverse("api:dossier-detail", kwargs={"code": dossier.code})


def _written(request: Request, result: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The lean representation of the dossier an action or an intake just wrote."""
    dossier = result if isinstance(result, Dossier) else result.dossier
    return Response(
        WriteOutputSerializer(dossier, context={"user": _user(request)}).data, status=status_code
    )


# --- intake and list ----------------------------------------------------------------------------
@extend_schema_serializer(component_name="DossierApplicantInput")
class ApplicantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.INDIVIDUAL)
    id_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    representative_name = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Phone, ID number and e-mail checked and normalised as at every intake door."""
        try:
            clean = applicant_clean(
                name=attrs["name"],
                kind=attrs["kind"],
                id_number=attrs["id_number"],
                phone=attrs["phone"],
                email=attrs["email"],
            )
        except ApplicantInvalid as error:
            raise serializers.ValidationError(error.errors) from error
        return {
            **attrs,
            "id_number": clean.id_number,
            "phone": clean.phone,
            "email": clean.email,
        }


@extend_schema_serializer(component_name="DossierPaperInput")
class PaperInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=500)
    originals = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    copies = serializers.IntegerField(min_value=0, max_value=1000, default=0)


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
    class IntakeInputSerializer(serializers.Serializer):
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


@extend_schema_serializer(component_name="DossierQueueRow")
class QueueRowOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="dossier.code")
    status = serializers.CharField(source="dossier.status")
    national_status = serializers.IntegerField(source="dossier.national_status")
    applicant_name = serializers.CharField(source="dossier.applicant_name")
    procedure_name = serializers.CharField(source="dossier.procedure_name")
    version = serializers.IntegerField(source="dossier.version")
    step = serializers.CharField(source="step.name", allow_null=True, default=None)
    step_id = serializers.IntegerField(source="step.pk", allow_null=True, default=None)
    is_opinion = serializers.BooleanField(help_text="An opinion asked of the user's unit.")
    step_unit = serializers.CharField(source="step.unit.code", allow_null=True, default=None)
    step_assignee = serializers.CharField(
        source="step.assignee.username", allow_null=True, default=None
    )
    holder = serializers.CharField(help_text="Who holds the work now.")
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="When this work is due (null: waiting for the applicant)."
    )
    step_due_at = serializers.DateTimeField(allow_null=True)
    step_state = serializers.CharField(
        help_text="The step's outcome if finished now: early, on_time or late; empty while "
        "the clock is stopped."
    )
    appointment = serializers.DateTimeField(allow_null=True)
    appointment_state = serializers.CharField(
        help_text="The dossier's outcome if returned now: early, on_time or late; empty "
        "while the clock is stopped."
    )
    urgency = serializers.ChoiceField(
        choices=["overdue", "today", "soon", ""],
        help_text="overdue; due today; due within 1 working day; or nothing pressing.",
    )


@extend_schema_serializer(component_name="DossierQueueTab")
class QueueTabOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(source="label", help_text="The tab's name, translated.")
    count = serializers.IntegerField()


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

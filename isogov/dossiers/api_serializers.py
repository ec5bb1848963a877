"""The dossier API's serializers: the detail representation (intake, detail), the lean answer to
a write (intake and every action), the intake's applicant and papers, and the queue's rows.

The views are in ``api.py``; each serializer names its OpenAPI component.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from .actions import available_actions, next_action
from .applicants import ApplicantInvalid, applicant_clean
from .models import ApplicantKind, Dossier
from .permissions import Held, held_roles
from .transitions import Action


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


# The lean answer's time fields, converted as ``WriteOutputSerializer``'s: one field, built once.
_WRITE_TIME = serializers.DateTimeField(allow_null=True)


def _time(value: Any) -> str | None:
    return None if value is None else _WRITE_TIME.to_representation(value)


def write_representation(dossier: Dossier, *, user: Any) -> dict[str, Any]:
    """``WriteOutputSerializer(dossier, context={"user": user}).data``, without building and
    deep-copying its fields at every write (the schema is the serializer's; a test compares).

    It runs after every intake and action, so it reads nothing more: the actions offered come
    from the dossier the service returned (its steps and the user's roles left on it).
    """
    step = dossier.current_step
    held = getattr(dossier, "_held", None)
    return {
        "code": str(dossier.code),
        "status": str(dossier.status),
        "status_label": str(dossier.get_status_display()),
        "national_status": int(dossier.national_status),
        "version": int(dossier.version),
        "received_at": _time(dossier.received_at),
        "due_at": _time(dossier.due_at),
        "promised_due_at": _time(dossier.promised_due_at),
        "service_due_at": _time(dossier.service_due_at),
        "step": str(step.name) if step is not None else None,
        "step_due_at": _time(step.due_at) if step is not None else None,
        "actions": [a.name for a in available_actions(dossier=dossier, user=user, held=held)],
        "url": reverse("api:dossier-detail", kwargs={"code": dossier.code}),
    }


# --- the intake's applicant and papers -----------------------------------------------------------
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


# --- the queue ---------------------------------------------------------------------------------
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

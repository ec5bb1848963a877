"""Every write on a dossier. Each public function is one transaction with its timeline event,
its audit event and its notifications (sent after commit through the outbox).

Status changes go through ``_transition`` only, which checks ``transitions.ALLOWED``.
Every action on an existing dossier names the version the user read; a stale one is refused
(``ConflictError``, HTTP 409) and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, Unit, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_has_role
from isogov.audit.services import audit_record
from isogov.catalog.intake import (
    IntakePlan,
    IntakePlanError,
    intake_plan,
    intake_plan_for_version,
)
from isogov.core import clock
from isogov.core.errors import (
    ApplicationError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    check_version,
)
from isogov.core.inserts import insert_rows
from isogov.core.sql import execute, fetch_one
from isogov.core.text import fold_vietnamese
from isogov.notifications.services import outbox_enqueue
from isogov.workcal.engine import Unit as TimeUnit
from isogov.workcal.engine import WorkingCalendar
from isogov.workcal.selectors import calendar_for

from . import codes, deadlines
from .models import (
    ClockStop,
    CustodyIncident,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierFee,
    DossierPaper,
    DossierStep,
    Extension,
    Payment,
    StepKind,
)
from .rulesets import CodeFormat, OnSupplement, RuleSet, ruleset_by_code, ruleset_in_force
from .transitions import InvalidTransition, Status, check_transition

DESK_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.AGENCY_LEADER})
HANDLER_ROLES = frozenset(
    {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER}
)
ASSIGNER_ROLES = frozenset({Role.UNIT_HEAD, Role.AGENCY_LEADER})
APPROVER_ROLES = frozenset({Role.UNIT_HEAD, Role.AGENCY_LEADER})
LEADER_ROLES = frozenset({Role.AGENCY_LEADER})

NOT_ALLOWED = gettext_lazy("Your role does not allow this action on this dossier.")
WRONG_STATE = gettext_lazy("This action is not possible while the dossier is “%(status)s”.")
NOT_ASSIGNED = gettext_lazy("This procedure is not carried out by this agency.")
NO_VERSION = gettext_lazy("The procedure has no version in force on that date.")
NO_CHANNEL = gettext_lazy("The procedure cannot be submitted through this channel.")
MISSING_PAPERS = gettext_lazy(
    "Required papers are missing: %(papers)s. Issue a supplement slip (form 02) instead."
)
BACKDATE_FORBIDDEN = gettext_lazy(
    "Only officers allowed to register back-dated postal or migrated dossiers may set a "
    "receipt time in the past."
)
FUTURE_RECEIPT = gettext_lazy("The receipt time cannot be in the future.")
SUPPLEMENT_ONCE = gettext_lazy(
    "A supplement may be requested only once (Decree 118/2025, art. 16.3 and 17.2): this "
    "dossier already had one."
)
SUPPLEMENT_TOO_LATE = gettext_lazy(
    "The supplement request must go out within %(days)d working days of receipt "
    "(Decree 61/2018 art. 19.4)."
)
APOLOGY_ONCE = gettext_lazy("The appointment may be moved only once (Decree 61/2018 art. 19.9).")
APOLOGY_TOO_LATE = gettext_lazy(
    "The apology must be sent at least %(days)d working day before the appointment."
)
APOLOGY_DATE = gettext_lazy("The new appointment must be after the current one.")
RESULT_NOT_APPROVED = gettext_lazy(
    "The result has not been approved for release yet (ISO 9001 §8.6)."
)
RESULT_MISSING = gettext_lazy("Record the result (number and signer) before approving it.")
REASON_REQUIRED = gettext_lazy("Give a reason.")
NOT_DUE_FOR_CLOSING = gettext_lazy("The applicant still has time to supplement the dossier.")
AMOUNT_POSITIVE = gettext_lazy("The amount must be a positive number of đồng.")
NOT_IN_UNIT = gettext_lazy("The officer does not work in the step's unit.")
CLOCK_RESTARTED = gettext_lazy(
    "Full dossier received: the processing time restarts from zero (Decree 61/2018 art. 19.4); "
    "new appointment %(due)s; %(hours).1f working hours spent waiting in all."
)
CLOCK_RESUMED = gettext_lazy(
    "Full dossier received: the clock resumes; new appointment %(due)s; "
    "%(hours).1f working hours spent waiting in all."
)
DECISION_ISSUED = gettext_lazy(
    "The decision (no. %(number)s) has already been issued: the dossier can no longer be "
    "withdrawn or stopped (Decree 118/2025 art. 21)."
)


# --- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApplicantInput:
    name: str
    kind: str = "individual"
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    representative_name: str = ""


@dataclass(frozen=True)
class PaperInput:
    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class IntakeInput:
    agency: Agency
    procedure_code: str
    channel_kind: str
    applicant: ApplicantInput
    papers: list[PaperInput] = field(default_factory=list)
    request_summary: str = ""
    sets_count: int = 1


# --- helpers ------------------------------------------------------------------------------------
def _require(actor: User | None, roles: frozenset[str], agency: Agency) -> None:
    if actor is None or not user_has_role(user=actor, roles=roles, agency=agency):
        raise PermissionDenied(NOT_ALLOWED)


def _require_text(value: str, field: str) -> None:
    if not value.strip():
        raise ValidationFailed(REASON_REQUIRED, details={field: [str(REASON_REQUIRED)]})


def _calendar(dossier: Dossier) -> WorkingCalendar:
    """The agency's calendar, looked up once per dossier object (once per service call)."""
    calendar = getattr(dossier, "_working_calendar", None)
    if calendar is None:
        calendar = calendar_for(agency=dossier.agency)
        dossier._working_calendar = calendar  # type: ignore[attr-defined]
    return calendar


def _ruleset(dossier: Dossier) -> RuleSet:
    return ruleset_by_code(dossier.ruleset)


def _lock(*, code: str, version: int | None) -> Dossier:
    dossier = Dossier.objects.select_for_update().select_related("agency").filter(code=code).first()
    if dossier is None:
        raise NotFound()
    check_version(stored=dossier.version, sent=version)
    return dossier


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


def _event(
    dossier: Dossier,
    *,
    actor: User | None,
    action: str,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    now = clock.now()
    insert_rows(
        [
            DossierEvent(
                dossier=dossier,
                at=now,
                actor=actor,
                action=action,
                message=message,
                from_status=from_status,
                to_status=to_status,
                data=data or {},
            )
        ]
    )
    audit_record(
        actor=actor,
        action=f"dossier.{action}",
        target=dossier,
        agency=dossier.agency,
        before={"status": from_status} if from_status else None,
        after={"status": to_status or dossier.status, **(data or {})},
        reason=reason or message,
    )


def _transition(
    dossier: Dossier,
    *,
    to: Status,
    actor: User | None,
    action: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
    resume: bool = False,
) -> None:
    """The one place that changes a dossier's status (checked against the table)."""
    from_status = Status(dossier.status)
    try:
        check_transition(from_status, to, resume=resume)
    except InvalidTransition as error:
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        ) from error
    dossier.status = to
    _event(
        dossier,
        actor=actor,
        action=action,
        message=message,
        from_status=from_status,
        to_status=to,
        data=data,
        reason=reason,
    )


def _move(
    *,
    actor: User,
    code: str,
    version: int | None,
    roles: frozenset[str],
    to: Status,
    action: str,
    reason: str = "",
    check: Callable[[Dossier], None] | None = None,
) -> Dossier:
    """A status change with nothing else to record but its reason (``check`` may refuse it)."""
    dossier = _lock(code=code, version=version)
    _require(actor, roles, dossier.agency)
    if check is not None:
        check(dossier)
    _transition(dossier, to=to, actor=actor, action=action, message=reason, reason=reason)
    _save(dossier, "status")
    return dossier


def _notify(dossier: Dossier, *, subject: str, body: str) -> None:
    """Tell the applicant by e-mail and SMS (through the outbox, after commit)."""
    common = {
        "agency_code": dossier.agency.code,
        "object_type": "dossiers.dossier",
        "object_id": str(dossier.pk),
    }
    if dossier.applicant_email:
        outbox_enqueue(
            channel="email", recipient=dossier.applicant_email, subject=subject, body=body, **common
        )
    if dossier.applicant_phone:
        outbox_enqueue(
            channel="sms",
            recipient=dossier.applicant_phone,
            body=f"{subject}: {dossier.code}",
            **common,
        )


def _local(value: dt.datetime | None) -> str:
    return clock.to_local(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _next_number(agency: Agency, scope: str) -> int:
    """The next number of a per-agency counter; safe under concurrent intake on both databases."""
    # One statement that both creates the row and takes its lock: the row stays locked until
    # the intake commits, so concurrent desks queue here and numbers never repeat or skip.
    table = DossierCounter._meta.db_table
    row = fetch_one(
        f"INSERT INTO {table} (agency_id, scope, last) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (agency_id, scope) DO UPDATE SET last = {table}.last + 1 "
        "RETURNING last",
        [agency.pk, scope],
    )
    assert row is not None  # an upsert always returns its row
    return int(row[0])


def _new_code(agency: Agency, ruleset: RuleSet, at: dt.datetime) -> str:
    day = clock.to_local(at).date()
    sequence = _next_number(agency, f"day:{day.isoformat()}")
    # A deployment on a national centralised system uses the Circular 04/2025 format.
    configured = settings.ISOGOV_DOSSIER_CODE_FORMAT
    return codes.dossier_code(
        code_format=CodeFormat(configured) if configured else ruleset.code_format,
        system_id=settings.ISOGOV_DOSSIER_SYSTEM_ID,
        agency_code=agency.code,
        received_on=day,
        sequence=sequence,
    )


def refresh_deadline(dossier: Dossier, *, is_new: bool = False) -> None:
    """Derive the due times from the stored facts (receipt, clock stops, apology).

    ``is_new``: the dossier is being received in this transaction and has no stop or apology.
    """
    if dossier.received_at is None:
        return
    extension = None if is_new else dossier.extensions.order_by("-created_at").first()
    stops = (
        []
        if is_new
        else [
            deadlines.ClockStop(stop.started_at, stop.ended_at, stop.reason)
            for stop in dossier.clock_stops.order_by("started_at")
        ]
    )
    result = deadlines.compute_deadline(
        calendar=_calendar(dossier),
        received_at=dossier.received_at,
        amount=dossier.time_value,
        unit=dossier.time_unit,
        stops=stops,
        on_supplement=_ruleset(dossier).on_supplement,
        extended_due_at=extension.new_due_at if extension else None,
        service_amount=dossier.service_time_value,
        service_unit=dossier.service_time_unit or TimeUnit.WORKING_DAYS,
    )
    dossier.start_counted_at = result.start_counted_at
    dossier.due_at = result.legal_due_at
    dossier.promised_due_at = result.promised_due_at
    dossier.service_due_at = result.service_due_at
    dossier.waiting_seconds = result.waiting_us // 1_000_000


DEADLINE_FIELDS = (
    "start_counted_at",
    "due_at",
    "promised_due_at",
    "service_due_at",
    "waiting_seconds",
)


def transfer_due_at(calendar: WorkingCalendar, received_at: dt.datetime) -> dt.datetime:
    """Decree 61/2018 art. 18.2: transfer the same working day, or at the start of the next
    working day when received after 15:00. [A] "At the start" is read as by the end of that
    morning's office period.
    """
    same_day = calendar.add(received_at, 0, TimeUnit.SAME_DAY).due_at
    local = clock.to_local(received_at)
    cutoff_minutes = calendar.spec.cutoff // 60_000_000
    if calendar.is_working_day(local.date()) and local.hour * 60 + local.minute < cutoff_minutes:
        return same_day
    morning = clock.to_local(same_day).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = calendar.spec.periods[0]
    return calendar.add_working_us(calendar.next_opening(morning), end - start)


def _start_step(dossier: Dossier, step: DossierStep, at: dt.datetime) -> None:
    calendar = _calendar(dossier)
    step.received_at = at
    if step.is_counted:
        step.due_at = calendar.add(at, step.allowance_value, step.allowance_unit).due_at
    else:
        step.due_at = dossier.promised_due_at
    step.save(update_fields=["received_at", "due_at", "updated_at"])
    dossier.current_step = step
    if step.unit_id:
        dossier.handling_unit_id = step.unit_id


def _finish_step(
    dossier: Dossier, step: DossierStep, *, actor: User | None, at: dt.datetime, note: str = ""
) -> None:
    step.finished_at = at
    step.finished_by = actor
    if note:
        step.note = note
    if step.due_at is not None:
        classified = deadlines.classify(
            calendar=_calendar(dossier), finished_at=at, due_at=step.due_at
        )
        step.outcome = classified.outcome
        step.late_by_seconds = classified.late_by_us // 1_000_000
    step.save(
        update_fields=[
            "finished_at",
            "finished_by",
            "note",
            "outcome",
            "late_by_seconds",
            "updated_at",
        ]
    )


def _next_step(dossier: Dossier, after: DossierStep) -> DossierStep | None:
    return (
        dossier.steps.filter(kind__in=[StepKind.PROCESS, StepKind.REWORK], order__gt=after.order)
        .order_by("order", "id")
        .first()
    )


# --- intake ---------------------------------------------------------------------------------
_PLAN_ERRORS = {
    "not_assigned": ("procedure_code", NOT_ASSIGNED),
    "no_version": ("procedure_code", NO_VERSION),
    "no_channel": ("channel", NO_CHANNEL),
}


def _resolve_procedure(data: IntakeInput, at: dt.datetime) -> IntakePlan:
    """The intake plan: the version in force, its channel, papers, fees and process."""
    try:
        return intake_plan(
            agency=data.agency,
            procedure_code=data.procedure_code,
            channel_kind=data.channel_kind,
            at=at,
        )
    except IntakePlanError as error:
        field_name, message = _PLAN_ERRORS[error.reason]
        raise ValidationFailed(message, details={field_name: [str(message)]}) from error


def _check_received_at(
    actor: User | None, agency: Agency, received_at: dt.datetime | None
) -> tuple[dt.datetime, bool]:
    now = clock.now()
    if received_at is None:
        return now, False
    if received_at > now + dt.timedelta(minutes=1):
        raise ValidationFailed(FUTURE_RECEIPT, details={"received_at": [str(FUTURE_RECEIPT)]})
    backdated = received_at < now - dt.timedelta(minutes=5)
    if backdated and not (
        actor is not None
        and (
            actor.has_perm("dossiers.register_backdated")
            or user_has_role(user=actor, roles=frozenset({Role.SYSTEM_ADMIN}), agency=agency)
        )
    ):
        raise PermissionDenied(BACKDATE_FORBIDDEN)
    return received_at, backdated


def _new_dossier(
    data: IntakeInput,
    *,
    actor: User | None,
    status: Status,
    at: dt.datetime,
    plan: IntakePlan,
    is_backdated: bool = False,
) -> Dossier:
    """A dossier with its code, not saved yet (``_store`` saves it with its papers and fees)."""
    ruleset = ruleset_in_force(clock.to_local(at).date())
    applicant = data.applicant
    if not applicant.name.strip():
        raise ValidationFailed(
            _("Enter the applicant's name."),
            details={"applicant.name": [_("This field is required.")]},
        )
    dossier = Dossier(
        code=_new_code(data.agency, ruleset, at),
        agency=data.agency,
        procedure_version_id=plan.version_id,
        channel_id=plan.channel_id,
        procedure_code=plan.procedure_code,
        procedure_name=plan.version_name,
        channel_kind=plan.channel_kind,
        time_value=plan.time_value,
        time_unit=plan.time_unit,
        service_time_value=plan.promise_value,
        service_time_unit=plan.promise_unit if plan.promise_value is not None else "",
        ruleset=ruleset.code,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number.strip(),
        applicant_address=applicant.address.strip(),
        applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(),
        representative_name=applicant.representative_name.strip(),
        request_summary=data.request_summary or plan.version_name,
        sets_count=max(data.sets_count, 1),
        status=status,
        received_by=actor if status != Status.SUBMITTED_ONLINE else None,
        is_backdated=is_backdated,
    )
    dossier.search_text = fold_vietnamese(
        " ".join(
            [
                dossier.code,
                dossier.applicant_name,
                dossier.applicant_phone,
                dossier.applicant_id_number,
                dossier.procedure_name,
                dossier.procedure_code,
            ]
        )
    )
    dossier._plan = plan  # type: ignore[attr-defined]  # read by _plan_steps
    return dossier


def _store(dossier: Dossier, data: IntakeInput, plan: IntakePlan) -> None:
    """Insert a new dossier with the papers handed in and the fees of its channel."""
    insert_rows([dossier])
    insert_rows(
        [
            DossierPaper(dossier=dossier, name=p.name, originals=p.originals, copies=p.copies)
            for p in data.papers
        ]
    )
    insert_rows(
        [
            DossierFee(dossier=dossier, name=fee.name, amount_vnd=fee.amount_vnd, note=fee.note)
            for fee in plan.fees
        ]
    )


def _create(
    data: IntakeInput,
    *,
    actor: User | None,
    status: Status,
    at: dt.datetime,
    plan: IntakePlan,
) -> Dossier:
    dossier = _new_dossier(data, actor=actor, status=status, at=at, plan=plan)
    _store(dossier, data, plan)
    return dossier


def _check_papers(plan: IntakePlan, papers: list[PaperInput]) -> list[str]:
    return plan.missing_papers([p.name for p in papers if p.originals + p.copies > 0])


def _plan_steps(dossier: Dossier, at: dt.datetime) -> list[DossierStep]:
    """The dossier's steps from its internal process, the first one started (not saved)."""
    plan: IntakePlan | None = getattr(dossier, "_plan", None)
    if plan is None:  # a dossier read back from the database: its pinned version
        plan = intake_plan_for_version(
            agency=dossier.agency,
            version_id=dossier.procedure_version_id,
            channel_kind=dossier.channel_kind,
        )
    rows = [
        DossierStep(
            dossier=dossier,
            order=step.order,
            name=step.name,
            unit_id=step.unit_id,
            unit_label=step.unit_label,
            allowance_value=step.allowance_value,
            allowance_unit=step.allowance_unit,
            is_counted=step.is_counted,
        )
        for step in plan.steps
    ]
    if not rows:
        # No internal process: one handling step with the whole legal time, then the return.
        rows = [
            DossierStep(
                dossier=dossier,
                order=1,
                name=_("Handle the dossier"),
                allowance_value=dossier.time_value,
                allowance_unit=dossier.time_unit
                if dossier.time_unit in ("working_days", "working_hours")
                else "working_days",
            ),
            DossierStep(
                dossier=dossier,
                order=2,
                name=_("Return the result"),
                allowance_value=Decimal(0),
                allowance_unit="working_days",
                is_counted=False,
            ),
        ]
    first = rows[0]
    calendar = _calendar(dossier)
    first.received_at = at
    first.due_at = calendar.add(at, first.allowance_value, first.allowance_unit).due_at
    # The desk's first step must also respect the transfer rule (art. 18.2).
    first.due_at = min(first.due_at, transfer_due_at(calendar, at))
    if first.unit_id:
        dossier.handling_unit_id = first.unit_id
    return rows


def _open_steps(dossier: Dossier, rows: list[DossierStep]) -> None:
    """Insert the steps; the first one becomes the current step."""
    insert_rows(rows)
    dossier.current_step = rows[0]


def _mark_received(dossier: Dossier, *, actor: User | None, at: dt.datetime) -> list[DossierStep]:
    """Receipt time, appointment, register line and the steps to open (nothing saved)."""
    dossier.received_at = at
    dossier.received_by = actor
    refresh_deadline(dossier, is_new=True)
    dossier.register_line = _next_number(dossier.agency, f"register:{clock.to_local(at).year}")
    return _plan_steps(dossier, at)


def _promise_sentence(dossier: Dossier) -> str:
    """The sentence on the agency's own promise, when it ends before the legal appointment."""
    if dossier.service_due_at is None:
        return ""
    return " " + _("The agency promises the result by %(date)s.") % {
        "date": _local(dossier.service_due_at)
    }


def _receipt_notice(dossier: Dossier) -> None:
    with translation.override("vi"):
        body = _(
            "Your dossier %(code)s (%(procedure)s) was received at %(received)s. "
            "Appointment for the result: %(due)s."
        ) % {
            "code": dossier.code,
            "procedure": dossier.procedure_name,
            "received": _local(dossier.received_at),
            "due": _local(dossier.promised_due_at),
        }
        _notify(
            dossier,
            subject=_("Dossier %(code)s received") % {"code": dossier.code},
            body=body + _promise_sentence(dossier),
        )


@transaction.atomic
def dossier_receive(
    *, actor: User, data: IntakeInput, received_at: dt.datetime | None = None
) -> Dossier:
    """Receive a complete dossier at the desk: code, appointment, steps (form 01)."""
    _require(actor, DESK_ROLES, data.agency)
    at, backdated = _check_received_at(actor, data.agency, received_at)
    plan = _resolve_procedure(data, at)
    missing = _check_papers(plan, data.papers)
    if missing:
        message = MISSING_PAPERS % {"papers": "; ".join(missing)}
        raise ValidationFailed(message, details={"papers": [message]})
    dossier = _new_dossier(
        data, actor=actor, status=Status.RECEIVED, at=at, plan=plan, is_backdated=backdated
    )
    steps = _mark_received(dossier, actor=actor, at=at)
    _store(dossier, data, plan)
    _open_steps(dossier, steps)
    # The one column not known before the steps existed.
    execute(
        f"UPDATE {Dossier._meta.db_table} SET current_step_id = %s WHERE id = %s",  # noqa: S608
        [dossier.current_step_id, dossier.pk],
    )
    _event(
        dossier,
        actor=actor,
        action="receive",
        to_status=Status.RECEIVED,
        message=_("Received; appointment %(due)s.") % {"due": _local(dossier.promised_due_at)}
        + _promise_sentence(dossier),
        data={
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            "service_due_at": (
                dossier.service_due_at.isoformat() if dossier.service_due_at else None
            ),
            "backdated": backdated,
        },
    )
    _receipt_notice(dossier)
    return dossier


@transaction.atomic
def dossier_intake_incomplete(
    *, actor: User, data: IntakeInput, reason: str, items: list[str]
) -> Dossier:
    """Record a visit whose papers were incomplete (form 02 at intake; the clock does not start)."""
    _require(actor, DESK_ROLES, data.agency)
    _require_text(reason, "reason")
    at = clock.now()
    plan = _resolve_procedure(data, at)
    dossier = _create(data, actor=actor, status=Status.INCOMPLETE_AT_INTAKE, at=at, plan=plan)
    _event(
        dossier,
        actor=actor,
        action="intake_incomplete",
        to_status=Status.INCOMPLETE_AT_INTAKE,
        message=reason,
        data={"items": items},
        reason=reason,
    )
    return dossier


@transaction.atomic
def dossier_intake_refuse(*, actor: User, data: IntakeInput, reason: str) -> Dossier:
    """Refuse a dossier at intake, e.g. outside the agency's competence (form 03)."""
    _require(actor, DESK_ROLES, data.agency)
    _require_text(reason, "reason")
    at = clock.now()
    plan = _resolve_procedure(data, at)
    dossier = _create(data, actor=actor, status=Status.NOT_RECEIVED, at=at, plan=plan)
    _event(
        dossier,
        actor=actor,
        action="intake_refuse",
        to_status=Status.NOT_RECEIVED,
        message=reason,
        reason=reason,
    )
    return dossier


@transaction.atomic
def dossier_submit_online(*, data: IntakeInput) -> Dossier:
    """A citizen's online submission: not received yet; the desk must decide in time."""
    at = clock.now()
    plan = _resolve_procedure(data, at)
    dossier = _new_dossier(data, actor=None, status=Status.SUBMITTED_ONLINE, at=at, plan=plan)
    dossier.submitted_at = at
    ruleset = _ruleset(dossier)
    if ruleset.online_decision_within_working_hours:
        dossier.intake_due_at = (
            _calendar(dossier)
            .add(at, ruleset.online_decision_within_working_hours, TimeUnit.WORKING_HOURS)
            .due_at
        )
    _store(dossier, data, plan)
    _event(dossier, actor=None, action="submit_online", to_status=Status.SUBMITTED_ONLINE)
    return dossier


def _accept(dossier: Dossier, actor: User, action: str) -> Dossier:
    _require(actor, DESK_ROLES, dossier.agency)
    at = clock.now()
    _transition(dossier, to=Status.RECEIVED, actor=actor, action=action)
    _open_steps(dossier, _mark_received(dossier, actor=actor, at=at))
    _save(
        dossier,
        "status",
        "received_at",
        "received_by",
        "register_line",
        "current_step",
        "handling_unit",
        *DEADLINE_FIELDS,
    )
    _receipt_notice(dossier)
    return dossier


@transaction.atomic
def dossier_accept(*, actor: User, code: str, version: int | None) -> Dossier:
    """Receive an online submission, or a dossier completed after form 02 (the clock starts)."""
    return _accept(_lock(code=code, version=version), actor, "accept")


@transaction.atomic
def dossier_return_incomplete(
    *, actor: User, code: str, version: int | None, reason: str, items: list[str]
) -> Dossier:
    """Return an online submission for completion (form 02, before receipt)."""
    dossier = _lock(code=code, version=version)
    _require(actor, DESK_ROLES, dossier.agency)
    _require_text(reason, "reason")
    _transition(
        dossier,
        to=Status.INCOMPLETE_AT_INTAKE,
        actor=actor,
        action="return_incomplete",
        message=reason,
        data={"items": items},
        reason=reason,
    )
    _save(dossier, "status")
    with translation.override("vi"):
        _notify(
            dossier,
            subject=_("Dossier %(code)s needs completing") % {"code": dossier.code},
            body=reason,
        )
    return dossier


@transaction.atomic
def dossier_refuse_intake(*, actor: User, code: str, version: int | None, reason: str) -> Dossier:
    """Refuse an online submission (form 03)."""
    _require_text(reason, "reason")
    return _move(
        actor=actor,
        code=code,
        version=version,
        roles=DESK_ROLES,
        to=Status.NOT_RECEIVED,
        action="refuse_intake",
        reason=reason,
    )


# --- handling -----------------------------------------------------------------------------------
@transaction.atomic
def dossier_step_complete(
    *, actor: User, code: str, version: int | None, note: str = ""
) -> Dossier:
    """Finish the current step and hand the dossier to the next one (form 05 row)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    if dossier.status not in (Status.RECEIVED, Status.IN_PROCESS) or dossier.current_step is None:
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        )
    now = clock.now()
    step = dossier.current_step
    _finish_step(dossier, step, actor=actor, at=now, note=note)
    following = _next_step(dossier, step)
    if dossier.status == Status.RECEIVED:
        _transition(
            dossier, to=Status.IN_PROCESS, actor=actor, action="transfer", message=step.name
        )
    if following is None or not following.is_counted:
        _transition(
            dossier, to=Status.FINISHED, actor=actor, action="finish", message=note or step.name
        )
        dossier.finished_at = now
        if following is not None:
            _start_step(dossier, following, now)
        _save(dossier, "status", "finished_at", "current_step", "handling_unit")
        return dossier
    _start_step(dossier, following, now)
    _event(
        dossier,
        actor=actor,
        action="handover",
        message=_("%(from)s → %(to)s") % {"from": step.name, "to": following.name},
        data={"step": step.pk, "outcome": step.outcome},
    )
    _save(dossier, "status", "current_step", "handling_unit")
    return dossier


def _finished_notice(dossier: Dossier) -> None:
    early = (
        dossier.due_at is not None
        and dossier.finished_at is not None
        and deadlines.classify(
            calendar=_calendar(dossier), finished_at=dossier.finished_at, due_at=dossier.due_at
        ).outcome
        == deadlines.Outcome.EARLY
    )
    with translation.override("vi"):
        subject = (
            _("The result of dossier %(code)s is ready early")
            if early
            else _("The result of dossier %(code)s is ready")
        ) % {"code": dossier.code}
        _notify(dossier, subject=subject, body=subject)


@transaction.atomic
def dossier_step_assign(*, actor: User, code: str, version: int | None, assignee: User) -> Dossier:
    """A unit head assigns the current step to an officer of the unit."""
    dossier = _lock(code=code, version=version)
    _require(actor, ASSIGNER_ROLES, dossier.agency)
    step = dossier.current_step
    if step is None or dossier.status not in (Status.RECEIVED, Status.IN_PROCESS):
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        )
    if (
        step.unit_id
        and not assignee.role_assignments.filter(
            agency=dossier.agency, unit_id=step.unit_id
        ).exists()
        and not assignee.role_assignments.filter(agency=dossier.agency, unit__isnull=True).exists()
    ):
        raise ValidationFailed(NOT_IN_UNIT, details={"assignee": [str(NOT_IN_UNIT)]})
    step.assignee = assignee
    step.save(update_fields=["assignee", "updated_at"])
    _event(
        dossier,
        actor=actor,
        action="assign",
        message=_("%(step)s assigned to %(officer)s")
        % {"step": step.name, "officer": assignee.display_name},
        data={"assignee": assignee.username},
    )
    _save(dossier)
    return dossier


@transaction.atomic
def dossier_step_send_back(*, actor: User, code: str, version: int | None, reason: str) -> Dossier:
    """Send the dossier back to the previous step for rework, then on to this step again."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    _require_text(reason, "reason")
    step = dossier.current_step
    if dossier.status != Status.IN_PROCESS or step is None:
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        )
    previous = (
        dossier.steps.filter(kind__in=[StepKind.PROCESS, StepKind.REWORK], order__lt=step.order)
        .order_by("-order", "-id")
        .first()
    )
    if previous is None:
        raise ApplicationError(_("There is no earlier step to send the dossier back to."))
    now = clock.now()
    _finish_step(dossier, step, actor=actor, at=now, note=reason)
    dossier.steps.filter(order__gt=step.order).update(order=F("order") + 2)
    rework = DossierStep.objects.create(
        dossier=dossier,
        order=step.order + 1,
        kind=StepKind.REWORK,
        name=_("Rework: %(step)s") % {"step": previous.name},
        unit=previous.unit,
        unit_label=previous.unit_label,
        allowance_value=previous.allowance_value,
        allowance_unit=previous.allowance_unit,
        assignee=previous.assignee,
    )
    DossierStep.objects.create(
        dossier=dossier,
        order=step.order + 2,
        kind=StepKind.PROCESS,
        name=step.name,
        unit=step.unit,
        unit_label=step.unit_label,
        allowance_value=step.allowance_value,
        allowance_unit=step.allowance_unit,
        assignee=step.assignee,
    )
    _start_step(dossier, rework, now)
    _event(
        dossier,
        actor=actor,
        action="send_back",
        message=reason,
        reason=reason,
        data={"from_step": step.pk, "to_step": rework.pk},
    )
    _save(dossier, "current_step", "handling_unit")
    return dossier


@transaction.atomic
def dossier_request_opinion(
    *,
    actor: User,
    code: str,
    version: int | None,
    unit: Unit,
    question: str,
    allowance_value: Decimal,
    allowance_unit: str = "working_days",
) -> DossierStep:
    """Ask another unit for its opinion, with its own deadline (the dossier stays here)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    if dossier.status != Status.IN_PROCESS or dossier.current_step is None:
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        )
    _require_text(question, "question")
    step = DossierStep.objects.create(
        dossier=dossier,
        order=dossier.current_step.order,
        kind=StepKind.OPINION,
        name=_("Opinion of %(unit)s") % {"unit": unit.name},
        unit=unit,
        unit_label=unit.name,
        allowance_value=allowance_value,
        allowance_unit=allowance_unit,
        note=question,
    )
    now = clock.now()
    step.received_at = now
    step.due_at = _calendar(dossier).add(now, allowance_value, allowance_unit).due_at
    step.save(update_fields=["received_at", "due_at"])
    _event(
        dossier,
        actor=actor,
        action="request_opinion",
        message=question,
        data={"step": step.pk, "unit": unit.code},
    )
    _save(dossier)
    return step


@transaction.atomic
def dossier_answer_opinion(
    *, actor: User, code: str, version: int | None, step_id: int, answer: str
) -> Dossier:
    """The consulted unit answers; its step is classified against its own deadline."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    step = dossier.steps.filter(pk=step_id, kind=StepKind.OPINION, finished_at__isnull=True).first()
    if step is None:
        raise NotFound()
    _finish_step(dossier, step, actor=actor, at=clock.now(), note=f"{step.note}\n— {answer}")
    _event(
        dossier,
        actor=actor,
        action="answer_opinion",
        message=answer,
        data={"step": step.pk, "outcome": step.outcome},
    )
    _save(dossier)
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *,
    actor: User,
    code: str,
    version: int | None,
    reason: str,
    items: list[str],
    legal_basis: str = "",
) -> Dossier:
    """Ask the applicant to supplement the dossier (form 02): the clock stops."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    _require_text(reason, "reason")
    ruleset = _ruleset(dossier)
    if (
        ruleset.supplement_limit is not None
        and dossier.supplement_count >= ruleset.supplement_limit
    ):
        raise ApplicationError(SUPPLEMENT_ONCE, code="supplement_limit")
    now = clock.now()
    calendar = _calendar(dossier)
    assert dossier.received_at is not None
    limit_us = calendar.amount_to_us(ruleset.supplement_within_working_days, TimeUnit.WORKING_DAYS)
    if calendar.working_us_between(dossier.received_at, now) > limit_us:
        raise ApplicationError(
            SUPPLEMENT_TOO_LATE % {"days": ruleset.supplement_within_working_days},
            code="supplement_too_late",
        )
    _transition(
        dossier,
        to=Status.SUPPLEMENT_REQUESTED,
        actor=actor,
        action="request_supplement",
        message=reason,
        data={"items": items},
        reason=reason,
    )
    ClockStop.objects.create(
        dossier=dossier,
        started_at=now,
        reason=reason,
        legal_basis=legal_basis,
        items=items,
        requested_by=actor,
    )
    dossier.supplement_count += 1
    refresh_deadline(dossier)
    _save(dossier, "status", "supplement_count", *DEADLINE_FIELDS)
    with translation.override("vi"):
        _notify(
            dossier,
            subject=_("Dossier %(code)s: please supplement") % {"code": dossier.code},
            body=reason + "\n" + "\n".join(f"- {item}" for item in items),
        )
    return dossier


@transaction.atomic
def dossier_supplement_received(*, actor: User, code: str, version: int | None) -> Dossier:
    """The full dossier arrived: the clock restarts (or resumes, by the rule set)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    now = clock.now()
    stop = dossier.clock_stops.filter(ended_at__isnull=True).order_by("-started_at").first()
    if stop is not None:
        stop.ended_at = now
        stop.save(update_fields=["ended_at"])
    refresh_deadline(dossier)
    # The timeline says how the clock moved and where the appointment is now.
    restarted = _ruleset(dossier).on_supplement == OnSupplement.RESTART
    message = (CLOCK_RESTARTED if restarted else CLOCK_RESUMED) % {
        "due": _local(dossier.promised_due_at),
        "hours": dossier.waiting_seconds / 3600,
    }
    _transition(
        dossier,
        to=Status.IN_PROCESS,
        actor=actor,
        action="supplement_received",
        message=message,
        data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
    )
    if dossier.current_step is not None:
        _start_step(dossier, dossier.current_step, now)
    _save(dossier, "status", "current_step", "handling_unit", *DEADLINE_FIELDS)
    return dossier


def close_unanswered_due(dossier: Dossier, now: dt.datetime) -> bool:
    ruleset = _ruleset(dossier)
    if ruleset.close_unanswered_after_days is None:
        return False
    stop = dossier.clock_stops.filter(ended_at__isnull=True).order_by("-started_at").first()
    return stop is not None and now >= stop.started_at + dt.timedelta(
        days=ruleset.close_unanswered_after_days
    )


@transaction.atomic
def dossier_close_unanswered(*, code: str) -> Dossier:
    """Decree 118/2025 art. 19.5: close a dossier whose supplement went unanswered 15 days."""
    dossier = (
        _lock(code=code, version=None)
        if False
        else Dossier.objects.select_for_update().get(code=code)
    )
    if dossier.status != Status.SUPPLEMENT_REQUESTED or not close_unanswered_due(
        dossier, clock.now()
    ):
        raise ApplicationError(NOT_DUE_FOR_CLOSING, code="not_due")
    _transition(
        dossier,
        to=Status.STOPPED,
        actor=None,
        action="close_unanswered",
        message=_("Closed: the applicant did not supplement the dossier in time."),
    )
    _save(dossier, "status")
    return dossier


@transaction.atomic
def dossier_request_payment(*, actor: User, code: str, version: int | None) -> Dossier:
    """Ask the applicant to pay the fees due."""
    return _move(
        actor=actor,
        code=code,
        version=version,
        roles=HANDLER_ROLES,
        to=Status.PAYMENT_REQUESTED,
        action="request_payment",
    )


def _fees_outstanding(dossier: Dossier) -> int:
    due = dossier.fees.aggregate(total=Sum("amount_vnd"))["total"] or 0
    paid = dossier.payments.aggregate(total=Sum("amount_vnd"))["total"] or 0
    return max(due - paid, 0)


@transaction.atomic
def dossier_record_payment(
    *,
    actor: User,
    code: str,
    version: int | None,
    amount_vnd: int,
    method: str,
    receipt_number: str,
) -> Payment:
    """Record a fee payment; a dossier waiting for payment goes back to processing."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    if amount_vnd <= 0:
        raise ValidationFailed(AMOUNT_POSITIVE, details={"amount_vnd": [str(AMOUNT_POSITIVE)]})
    if not receipt_number.strip():
        raise ValidationFailed(
            _("Enter the receipt number."),
            details={"receipt_number": [_("This field is required.")]},
        )
    payment = Payment.objects.create(
        dossier=dossier,
        amount_vnd=amount_vnd,
        method=method,
        receipt_number=receipt_number.strip(),
        paid_at=clock.now(),
        recorded_by=actor,
    )
    _event(
        dossier,
        actor=actor,
        action="payment",
        data={"amount_vnd": amount_vnd, "receipt_number": receipt_number},
    )
    if dossier.status == Status.PAYMENT_REQUESTED and _fees_outstanding(dossier) == 0:
        _transition(dossier, to=Status.IN_PROCESS, actor=actor, action="paid")
    _save(dossier, "status")
    return payment


@transaction.atomic
def dossier_apologise(
    *, actor: User, code: str, version: int | None, new_due_at: dt.datetime, reason: str
) -> Dossier:
    """Apologise and set a new appointment (form 04): once, ≥ 1 working day before the due time."""
    dossier = _lock(code=code, version=version)
    _require(actor, LEADER_ROLES, dossier.agency)
    if dossier.status not in (Status.RECEIVED, Status.IN_PROCESS, Status.PAYMENT_REQUESTED):
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        )
    _require_text(reason, "reason")
    ruleset = _ruleset(dossier)
    if dossier.appointment_moves >= ruleset.max_appointment_moves:
        raise ApplicationError(APOLOGY_ONCE, code="apology_limit")
    current = dossier.promised_due_at
    assert current is not None
    calendar = _calendar(dossier)
    margin = calendar.amount_to_us(ruleset.apology_min_working_days_before, TimeUnit.WORKING_DAYS)
    if calendar.working_us_between(clock.now(), current) < margin:
        raise ApplicationError(
            APOLOGY_TOO_LATE % {"days": ruleset.apology_min_working_days_before},
            code="apology_too_late",
        )
    if new_due_at <= current:
        raise ValidationFailed(APOLOGY_DATE, details={"new_due_at": [str(APOLOGY_DATE)]})
    Extension.objects.create(
        dossier=dossier,
        previous_due_at=current,
        new_due_at=new_due_at,
        reason=reason,
        approved_by=actor,
        created_at=clock.now(),
    )
    dossier.appointment_moves += 1
    refresh_deadline(dossier)
    _event(
        dossier,
        actor=actor,
        action="apologise",
        reason=reason,
        message=_("New appointment %(due)s: %(reason)s")
        % {"due": _local(new_due_at), "reason": reason},
    )
    _save(dossier, "appointment_moves", *DEADLINE_FIELDS)
    with translation.override("vi"):
        _notify(
            dossier,
            subject=_("Apology and new appointment for dossier %(code)s") % {"code": dossier.code},
            body=_("We apologise: %(reason)s. New appointment: %(due)s.")
            % {"reason": reason, "due": _local(new_due_at)},
        )
    return dossier


@transaction.atomic
def dossier_refuse(*, actor: User, code: str, version: int | None, reason: str) -> Dossier:
    """Refuse after appraisal, with the reasons; the refusal is returned like a result."""
    dossier = _lock(code=code, version=version)
    _require(actor, APPROVER_ROLES, dossier.agency)
    _require_text(reason, "reason")
    now = clock.now()
    _transition(
        dossier, to=Status.REFUSED, actor=actor, action="refuse", message=reason, reason=reason
    )
    if dossier.current_step is not None:
        _finish_step(dossier, dossier.current_step, actor=actor, at=now, note=reason)
    dossier.finished_at = now
    dossier.result_summary = reason
    _save(dossier, "status", "finished_at", "result_summary")
    return dossier


@transaction.atomic
def dossier_record_result(
    *,
    actor: User,
    code: str,
    version: int | None,
    number: str,
    summary: str,
    signer: str,
    file: UploadedFile | None = None,
) -> Dossier:
    """Record the result document (number, what it decides, who signed, the signed file)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    if dossier.status not in (Status.IN_PROCESS, Status.FINISHED):
        raise ApplicationError(
            WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
        )
    if not number.strip() or not signer.strip():
        raise ValidationFailed(RESULT_MISSING, details={"number": [str(RESULT_MISSING)]})
    dossier.result_number, dossier.result_summary, dossier.result_signer = (
        number.strip(),
        summary.strip(),
        signer.strip(),
    )
    dossier.result_approved_by = None
    dossier.result_approved_at = None
    if file is not None:
        dossier.result_file.save(f"{dossier.code}-{file.name}", file, save=False)
    _event(dossier, actor=actor, action="record_result", data={"number": dossier.result_number})
    _save(
        dossier,
        "result_file",
        "result_number",
        "result_summary",
        "result_signer",
        "result_approved_by",
        "result_approved_at",
    )
    return dossier


@transaction.atomic
def dossier_approve_result(*, actor: User, code: str, version: int | None) -> Dossier:
    """Approve the result for release (ISO 9001 §8.6)."""
    dossier = _lock(code=code, version=version)
    _require(actor, APPROVER_ROLES, dossier.agency)
    if not dossier.result_number:
        raise ApplicationError(RESULT_MISSING, code="result_missing")
    dossier.result_approved_by = actor
    dossier.result_approved_at = clock.now()
    _event(dossier, actor=actor, action="approve_result")
    if dossier.status == Status.FINISHED:
        # The applicant hears of the result once it may be released (ISO 9001 §8.6).
        _finished_notice(dossier)
    _save(dossier, "result_approved_by", "result_approved_at")
    return dossier


@transaction.atomic
def dossier_return_result(*, actor: User, code: str, version: int | None, method: str) -> Dossier:
    """Hand the result over (at the desk, by post or online); classify the outcome."""
    dossier = _lock(code=code, version=version)
    _require(actor, DESK_ROLES, dossier.agency)
    if dossier.status == Status.FINISHED and dossier.result_approved_at is None:
        raise ApplicationError(RESULT_NOT_APPROVED, code="result_not_approved")
    now = clock.now()
    _transition(
        dossier, to=Status.RETURNED, actor=actor, action="return_result", data={"method": method}
    )
    if dossier.current_step is not None and dossier.current_step.finished_at is None:
        _finish_step(dossier, dossier.current_step, actor=actor, at=now)
    dossier.returned_at = now
    dossier.return_method = method
    if dossier.due_at is not None and dossier.finished_at is not None:
        classified = deadlines.classify(
            calendar=_calendar(dossier), finished_at=dossier.finished_at, due_at=dossier.due_at
        )
        dossier.outcome = classified.outcome
        dossier.late_by_seconds = classified.late_by_us // 1_000_000
        if dossier.appointment_moves:
            # A dossier whose appointment was moved by an apology "is still late"
            # (vn-one-stop-rules.md §3.6), even if it was finished before the legal due time.
            dossier.outcome = deadlines.Outcome.LATE
    _save(dossier, "status", "returned_at", "return_method", "outcome", "late_by_seconds")
    return dossier


def _refuse_after_decision(dossier: Dossier) -> None:
    """Decree 118/2025 art. 21: withdrawal and stop only until the decision is issued."""
    if dossier.result_number:
        message = DECISION_ISSUED % {"number": dossier.result_number}
        raise ApplicationError(message, code="decision_issued")


@transaction.atomic
def dossier_request_withdrawal(
    *, actor: User, code: str, version: int | None, reason: str
) -> Dossier:
    """The applicant asks to stop (Decree 118/2025 art. 21)."""
    return _move(
        actor=actor,
        code=code,
        version=version,
        roles=DESK_ROLES,
        to=Status.WITHDRAWAL_REQUESTED,
        action="request_withdrawal",
        reason=reason,
        check=_refuse_after_decision,
    )


@transaction.atomic
def dossier_stop(*, actor: User, code: str, version: int | None, reason: str = "") -> Dossier:
    """Stop the dossier at the applicant's request before any decision (stop notice)."""
    return _move(
        actor=actor,
        code=code,
        version=version,
        roles=APPROVER_ROLES | DESK_ROLES,
        to=Status.STOPPED,
        action="stop",
        reason=reason,
        check=_refuse_after_decision,
    )


@transaction.atomic
def dossier_cancel_withdrawal(*, actor: User, code: str, version: int | None) -> Dossier:
    """The applicant takes the withdrawal request back: the dossier returns to where it was."""
    dossier = _lock(code=code, version=version)
    _require(actor, DESK_ROLES, dossier.agency)
    request = dossier.events.filter(action="request_withdrawal").order_by("-at", "-id").first()
    back = Status(request.from_status) if request and request.from_status else Status.IN_PROCESS
    _transition(dossier, to=back, actor=actor, action="cancel_withdrawal", resume=True)
    _save(dossier, "status")
    return dossier


# --- papers in custody ------------------------------------------------------------------------
@transaction.atomic
def dossier_return_originals(
    *, actor: User, code: str, version: int | None, paper_id: int
) -> DossierPaper:
    """Hand the applicant's original papers back (ISO 9001 §8.5.3)."""
    dossier = _lock(code=code, version=version)
    _require(actor, DESK_ROLES, dossier.agency)
    paper = dossier.papers.filter(pk=paper_id, originals_returned_at__isnull=True).first()
    if paper is None:
        raise NotFound()
    paper.originals_returned_at = clock.now()
    paper.save(update_fields=["originals_returned_at"])
    _event(dossier, actor=actor, action="return_originals", message=paper.name)
    _save(dossier)
    return paper


@transaction.atomic
def dossier_record_incident(
    *,
    actor: User,
    code: str,
    version: int | None,
    kind: str,
    description: str,
    paper_id: int | None = None,
) -> CustodyIncident:
    """Record the loss or damage of papers, or an error in the result (Decree 61/2018 art. 20)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    _require_text(description, "description")
    paper = dossier.papers.filter(pk=paper_id).first() if paper_id else None
    incident = CustodyIncident.objects.create(
        dossier=dossier,
        paper=paper,
        kind=kind,
        description=description,
        occurred_at=clock.now(),
        recorded_by=actor,
    )
    _event(dossier, actor=actor, action="incident", message=description, data={"kind": kind})
    _save(dossier)
    return incident


@transaction.atomic
def dossier_attach_scan(
    *, actor: User, code: str, version: int | None, paper_id: int, file: UploadedFile
) -> DossierPaper:
    """Store the scan of a submitted paper (Decree 61/2018 art. 17.1: papers are scanned)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    paper = dossier.papers.filter(pk=paper_id).first()
    if paper is None:
        raise NotFound()
    paper.scan.save(f"{dossier.code}-{paper.pk}-{file.name}", file, save=False)
    paper.save(update_fields=["scan"])
    _event(dossier, actor=actor, action="attach_scan", message=paper.name)
    _save(dossier)
    return paper

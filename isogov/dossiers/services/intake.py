"""Intake at the one-stop desk: receipt (form 01), incomplete (form 02), refusal (form 03)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.catalog.intake import (
    IntakePlan,
    IntakePlanError,
    intake_plan,
    intake_plan_for_version,
)
from isogov.core import clock
from isogov.core.errors import (
    PermissionDenied,
    ValidationFailed,
)
from isogov.core.inserts import insert_rows
from isogov.core.sql import execute
from isogov.workcal.engine import Unit as TimeUnit

from .. import codes
from ..applicants import ApplicantInvalid, applicant_clean
from ..models import (
    Dossier,
    DossierCounter,
    DossierFee,
    DossierPaper,
    DossierStep,
    new_access_token,
)
from ..rulesets import ruleset_in_force
from ..search import index_dossier
from ..transitions import BY_NAME, Status
from ._kernel import (
    BACKDATE_FORBIDDEN,
    FUTURE_RECEIPT,
    MISSING_PAPERS,
    NO_CHANNEL,
    NO_VERSION,
    NOT_ASSIGNED,
    _begin,
    _begin_new,
    _calendar,
    _event,
    _local,
    _move,
    _new_code,
    _new_reference,
    _next_number,
    _receipt_numbers,
    _ruleset,
    _save,
    _transition,
    provisional_code,
)
from .clock import DEADLINE_FIELDS, first_step_due_at, refresh_deadline
from .notices import (
    _receipt_notice,
    _receipt_texts,
    _refusal_notice,
    _supplement_notice,
    promise_sentence,
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
    # An online submission's uploaded file (a name in the private storage, uploads.py).
    scan: str = ""
    scan_name: str = ""


@dataclass(frozen=True)
class IntakeInput:
    agency: Agency
    procedure_code: str
    channel_kind: str
    applicant: ApplicantInput
    papers: list[PaperInput] = field(default_factory=list)
    request_summary: str = ""
    sets_count: int = 1


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
    if backdated and not (actor is not None and actor.has_perm("dossiers.register_backdated")):
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
    numbered: bool = True,
) -> Dossier:
    """A dossier with its code, not saved yet (``_store`` saves it with its papers and fees).

    ``numbered=False``: a received dossier gets a provisional code, and its number is taken
    just before the commit (``_number_at_the_end``)."""
    ruleset = ruleset_in_force(clock.to_local(at).date())
    applicant = data.applicant
    try:
        clean = applicant_clean(
            name=applicant.name,
            kind=applicant.kind,
            id_number=applicant.id_number,
            phone=applicant.phone,
            email=applicant.email,
        )
    except ApplicantInvalid as error:
        first = next(iter(error.errors.values()))[0]
        raise ValidationFailed(
            first,
            details={f"applicant.{name}": messages for name, messages in error.errors.items()},
        ) from error
    # Only a received dossier takes a dossier code (Circular 01/2018 art. 19): an online
    # submission and a visit not received get a reference of their own series instead.
    if status == Status.RECEIVED:
        reference = ""
        code = _new_code(data.agency, ruleset, at) if numbered else provisional_code()
    else:
        kind = codes.ONLINE if status == Status.SUBMITTED_ONLINE else codes.SLIP
        reference = code = _new_reference(data.agency, kind, at)
    dossier = Dossier(
        code=code,
        reference=reference,
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
        applicant_name=clean.name,
        applicant_id_number=clean.id_number,
        applicant_address=applicant.address.strip(),
        applicant_phone=clean.phone,
        applicant_email=clean.email,
        representative_name=applicant.representative_name.strip(),
        request_summary=data.request_summary or plan.version_name,
        sets_count=max(data.sets_count, 1),
        status=status,
        received_by=actor if status != Status.SUBMITTED_ONLINE else None,
        is_backdated=is_backdated,
    )
    _index(dossier)
    dossier._plan = plan  # type: ignore[attr-defined]  # read by _plan_steps
    return dossier


def _index(dossier: Dossier) -> None:
    """The folded text searched by code, reference, name, phone, ID number and procedure, and
    the phone and ID number keys (``search.index_dossier``)."""
    index_dossier(dossier)


def receipt_message(promised_due_at: dt.datetime | None, service_due_at: dt.datetime | None) -> str:
    """The timeline line of a receipt: the appointment, and the agency's promise if shorter."""
    return _("Received; appointment %(due)s.") % {
        "due": _local(promised_due_at)
    } + promise_sentence(service_due_at)


def _store(dossier: Dossier, data: IntakeInput, plan: IntakePlan) -> None:
    """Insert a new dossier with the papers handed in and the fees of its channel."""
    insert_rows([dossier])
    insert_rows(
        [
            DossierPaper(
                dossier=dossier,
                name=p.name,
                originals=p.originals,
                copies=p.copies,
                scan=p.scan,
                scan_name=p.scan_name,
                uploaded_at=dossier.submitted_at if p.scan else None,
            )
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
            role=step.role,
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
    first.received_at = at
    first.due_at = first_step_due_at(
        _calendar(dossier),
        _ruleset(dossier),
        at,
        amount=first.allowance_value,
        unit=first.allowance_unit,
    )
    if first.unit_id:
        dossier.handling_unit_id = first.unit_id
    return rows


def _open_steps(dossier: Dossier, rows: list[DossierStep]) -> None:
    """Insert the steps; the first one becomes the current step.

    The dossier keeps them as its prefetched steps (what ``dossier_prefetch_steps`` would read
    back, in the same order): the actions offered in the answer need no query for them.
    """
    insert_rows(rows)
    dossier.current_step = rows[0]
    steps = dossier.steps.all()  # a queryset not run: it becomes the prefetch cache
    steps._result_cache = sorted(rows, key=lambda step: (step.order, step.pk))
    steps._prefetch_done = True  # type: ignore[attr-defined]
    cache = dossier.__dict__.setdefault("_prefetched_objects_cache", {})
    cache["steps"] = steps


def _mark_received(
    dossier: Dossier, *, actor: User | None, at: dt.datetime, numbered: bool = True
) -> list[DossierStep]:
    """Receipt time, code, appointment, register line and the steps to open (nothing saved);
    ``numbered=False`` leaves the register line to ``_number_at_the_end``."""
    if dossier.code == dossier.reference:
        # Received now (an online submission, or a visit completed after form 02): the code
        # carries the receipt date and a number of that day (Circular 01/2018 art. 19); the
        # reference the applicant was given stays on the dossier and still finds it. The rule
        # set is the one in force on the day of receipt.
        ruleset = ruleset_in_force(clock.to_local(at).date())
        dossier.ruleset = ruleset.code
        dossier.code = _new_code(dossier.agency, ruleset, at)
        _index(dossier)
    dossier.received_at = at
    dossier.received_by = actor
    # The receipt prints the rating link beside the lookup link (Decree 61/2018 art. 31).
    dossier.rating_token = dossier.rating_token or new_access_token()
    refresh_deadline(dossier, is_new=True)
    if numbered:
        year = clock.to_local(at).year
        dossier.register_line = _next_number(dossier.agency, DossierCounter.register_scope(year))
    return _plan_steps(dossier, at)


def _number_at_the_end(dossier: Dossier, at: dt.datetime) -> None:
    """Give the stored dossier its code and register line, and its first step as current, in
    one UPDATE. The agency's day and register counters are taken here, after every other row
    of the intake is written, so they stay locked only for the notices and the commit: other
    desks of the agency queue for that much, not for the whole intake (issue 15 §5)."""
    dossier.code, dossier.register_line = _receipt_numbers(dossier.agency, _ruleset(dossier), at)
    _index(dossier)
    execute(
        f"UPDATE {Dossier._meta.db_table} SET code = %s, register_line = %s, "  # noqa: S608
        "search_text = %s, current_step_id = %s WHERE id = %s",
        [
            dossier.code,
            dossier.register_line,
            dossier.search_text,
            dossier.current_step_id,
            dossier.pk,
        ],
    )


@transaction.atomic
def dossier_receive(
    *, actor: User, data: IntakeInput, received_at: dt.datetime | None = None
) -> Dossier:
    """Receive a complete dossier at the desk: code, appointment, steps (form 01)."""
    _values, held = _begin_new("receive", actor=actor, agency=data.agency)
    at, backdated = _check_received_at(actor, data.agency, received_at)
    plan = _resolve_procedure(data, at)
    missing = _check_papers(plan, data.papers)
    if missing:
        message = MISSING_PAPERS % {"papers": "; ".join(missing)}
        raise ValidationFailed(message, details={"papers": [message]})
    dossier = _new_dossier(
        data,
        actor=actor,
        status=Status.RECEIVED,
        at=at,
        plan=plan,
        is_backdated=backdated,
        numbered=False,
    )
    steps = _mark_received(dossier, actor=actor, at=at, numbered=False)
    _store(dossier, data, plan)
    _open_steps(dossier, steps)
    texts = _receipt_texts(dossier)  # read now: no counter is locked yet
    # The timeline event and the audit event (the agency's chain) need no code.
    _event(
        dossier,
        actor=actor,
        action="receive",
        to_status=Status.RECEIVED,
        message=receipt_message(dossier.promised_due_at, dossier.service_due_at),
        data={
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            "service_due_at": (
                dossier.service_due_at.isoformat() if dossier.service_due_at else None
            ),
            "backdated": backdated,
        },
    )
    # Last: the counters, the code and the current step, then the notices that print the code.
    _number_at_the_end(dossier, at)
    _receipt_notice(dossier, texts)
    dossier._held = held  # type: ignore[attr-defined]  # its next actions, without a query
    return dossier


def _not_received(
    name: str, *, actor: User, data: IntakeInput, reason: str, items: list[str]
) -> Dossier:
    """A visit the desk does not receive (forms 02 and 03 at intake): its slip, no dossier code."""
    values, held = _begin_new(
        name, actor=actor, agency=data.agency, data={"reason": reason, "items": items}
    )
    (status,) = BY_NAME[name].leads_to
    at = clock.now()
    plan = _resolve_procedure(data, at)
    dossier = _create(data, actor=actor, status=status, at=at, plan=plan)
    _event(
        dossier,
        actor=actor,
        action=name,
        to_status=status,
        message=values["reason"],
        data={"items": values["items"]} if "items" in values else None,
        reason=values["reason"],
    )
    # The applicant takes form 02 or 03 home; the notice keeps the reasons where they look.
    if status == Status.INCOMPLETE_AT_INTAKE:
        _supplement_notice(dossier, reason=values["reason"], items=values.get("items", []))
    else:
        _refusal_notice(dossier, reason=values["reason"])
    dossier._held = held  # type: ignore[attr-defined]  # its next actions, without a query
    return dossier


@transaction.atomic
def dossier_intake_incomplete(
    *, actor: User, data: IntakeInput, reason: str, items: list[str]
) -> Dossier:
    """Record a visit whose papers were incomplete (form 02 at intake; the clock does not start)."""
    return _not_received("intake_incomplete", actor=actor, data=data, reason=reason, items=items)


@transaction.atomic
def dossier_intake_refuse(*, actor: User, data: IntakeInput, reason: str) -> Dossier:
    """Refuse a dossier at intake, e.g. outside the agency's competence (form 03)."""
    return _not_received("intake_refuse", actor=actor, data=data, reason=reason, items=[])


@transaction.atomic
def dossier_submit_online(*, data: IntakeInput) -> Dossier:
    """A citizen's online submission: not received yet; the desk must decide in time."""
    _begin_new("submit_online", actor=None, agency=data.agency)
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
    at = clock.now()
    _transition(dossier, to=Status.RECEIVED, actor=actor, action=action)
    _open_steps(dossier, _mark_received(dossier, actor=actor, at=at))
    _save(
        dossier,
        "status",
        "code",
        "ruleset",
        "search_text",
        "received_at",
        "received_by",
        "rating_token",
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
    dossier, _values = _begin("accept", actor=actor, code=code, version=version)
    return _accept(dossier, actor, "accept")


@transaction.atomic
def dossier_return_incomplete(
    *, actor: User, code: str, version: int | None, reason: str, items: list[str]
) -> Dossier:
    """Return an online submission for completion (form 02, before receipt)."""
    dossier, values = _begin(
        "return_incomplete",
        actor=actor,
        code=code,
        version=version,
        data={"reason": reason, "items": items},
    )
    reason, items = values["reason"], values["items"]
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
    _supplement_notice(dossier, reason=reason, items=items)
    return dossier


@transaction.atomic
def dossier_refuse_intake(*, actor: User, code: str, version: int | None, reason: str) -> Dossier:
    """Refuse an online submission (form 03)."""
    dossier = _move(
        "refuse_intake", actor=actor, code=code, version=version, data={"reason": reason}
    )
    _refusal_notice(dossier, reason=reason.strip())
    return dossier

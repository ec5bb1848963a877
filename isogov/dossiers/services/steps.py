"""Handling through the internal process: steps, handovers, assignment, rework, opinions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Unit, User
from isogov.core import clock
from isogov.core.errors import ConflictError, ValidationFailed
from isogov.workcal.engine import CalendarRangeError

from .. import deadlines
from ..models import (
    Dossier,
    DossierStep,
    StepKind,
)
from ..permissions import held_roles, next_step, step_refusal
from ..transitions import BEFORE_TRANSFER, Status
from ._kernel import _begin, _calendar, _event, _save, _transition
from .notices import _finished_notice


def _start_step(dossier: Dossier, step: DossierStep, at: dt.datetime) -> None:
    step.received_at = at
    step.due_at = deadlines.step_due_at(
        calendar=_calendar(dossier),
        started_at=at,
        amount=step.allowance_value,
        unit=step.allowance_unit,
        is_counted=step.is_counted,
        promised_due_at=dossier.promised_due_at,
    )
    step.save(update_fields=["received_at", "due_at"])
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
        classified = deadlines.step_outcome(
            calendar=_calendar(dossier),
            finished_at=at,
            due_at=step.due_at,
            amount=step.allowance_value,
            unit=step.allowance_unit,
            is_counted=step.is_counted,
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
        ]
    )


def _next_step(dossier: Dossier, after: DossierStep) -> DossierStep | None:
    return (
        dossier.steps.filter(kind__in=[StepKind.PROCESS, StepKind.REWORK], order__gt=after.order)
        .order_by("order", "id")
        .first()
    )


NOT_IN_UNIT = gettext_lazy("The officer does not hold the step's role in the step's unit.")
STEP_CLOSED = gettext_lazy("This step is finished or not part of the process any more.")
NO_EARLIER_STEP = gettext_lazy("There is no earlier step to send the dossier back to.")
OPINION_DUE_OUT_OF_RANGE = gettext_lazy(
    "The answer would be due after the last year of the working calendar: give fewer days."
)


# --- handling -----------------------------------------------------------------------------------
@transaction.atomic
def dossier_step_complete(
    *, actor: User, code: str, version: int | None, note: str = ""
) -> Dossier:
    """Finish the current step and hand the dossier to the next one (form 05 row)."""
    dossier, values = _begin(
        "complete_step", actor=actor, code=code, version=version, data={"note": note}
    )
    _complete_current(dossier, actor=actor, note=values.get("note") or "")
    return dossier


def _complete_current(dossier: Dossier, *, actor: User, note: str) -> None:
    """Finish the current step and start the next one (or finish the dossier); saves it."""
    step = dossier.current_step
    if step is None:
        raise ConflictError(STEP_CLOSED, code="step_closed")
    now = clock.now()
    _finish_step(dossier, step, actor=actor, at=now, note=note)
    following = _next_step(dossier, step)
    if dossier.status in BEFORE_TRANSFER:
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
        if dossier.result_approved_at is not None:
            # Approved on the signing step: released now that it is ready (ISO 9001 §8.6).
            _finished_notice(dossier)
        return
    _start_step(dossier, following, now)
    _event(
        dossier,
        actor=actor,
        action="handover",
        message=handover_message(step.name, following.name),
        data={"step": step.pk, "outcome": step.outcome},
    )
    _save(dossier, "status", "current_step", "handling_unit")


def handover_message(from_step: str, to_step: str) -> str:
    """The timeline line of a handover from one step to the next."""
    return _("%(from)s → %(to)s") % {"from": from_step, "to": to_step}


def _assignable(dossier: Dossier, step: DossierStep) -> bool:
    """The current step, or a later process step not started yet."""
    current = dossier.current_step
    if step.finished_at is not None or step.kind == StepKind.OPINION or current is None:
        return False
    return step.pk == current.pk or (step.received_at is None and step.order > current.order)


def _holds_step_role(dossier: Dossier, step: DossierStep, officer: User) -> bool:
    # The same rule as ``permissions.step_refusal``, for the officer being named.
    held = held_roles(user=officer, agency=dossier.agency)
    unassigned = DossierStep(role=step.role, unit_id=step.unit_id)
    return step_refusal(unassigned, held) is None


def _record_assignment(dossier: Dossier, step: DossierStep, officer: User, *, actor: User) -> None:
    """Record ``officer`` on ``step`` (the one named), if they hold the step's role in its unit."""
    if not _holds_step_role(dossier, step, officer):
        raise ValidationFailed(NOT_IN_UNIT, details={"assignee": [str(NOT_IN_UNIT)]})
    step.assignee = officer
    step.save(update_fields=["assignee"])
    _event(
        dossier,
        actor=actor,
        action="assign",
        message=_("%(step)s assigned to %(officer)s")
        % {"step": step.name, "officer": officer.display_name},
        data={"assignee": officer.username, "step": step.pk},
    )


@transaction.atomic
def dossier_step_assign(
    *,
    actor: User,
    code: str,
    version: int | None,
    assignee: User | str,
    step_id: int | DossierStep | None = None,
) -> Dossier:
    """The unit head assigns a step of the unit (the current one or a later one) to an officer
    of the unit who holds the step's role; that officer, on that step, is what is recorded."""
    dossier, values = _begin(
        "assign",
        actor=actor,
        code=code,
        version=version,
        data={"assignee": assignee, "step_id": step_id},
    )
    officer: User = values["assignee"]
    step: DossierStep | None = values.get("step_id") or dossier.current_step
    if step is None or not _assignable(dossier, step):
        raise ConflictError(STEP_CLOSED, code="step_closed")
    _record_assignment(dossier, step, officer, actor=actor)
    _save(dossier)
    return dossier


@transaction.atomic
def dossier_step_assign_handover(
    *, actor: User, code: str, version: int | None, assignee: User | str, note: str = ""
) -> Dossier:
    """The unit head, on the step where they distribute the work, assigns the next step to an
    officer of the unit who holds its role and hands the dossier over, in one transaction."""
    dossier, values = _begin(
        "assign_handover",
        actor=actor,
        code=code,
        version=version,
        data={"assignee": assignee, "note": note},
    )
    officer: User = values["assignee"]
    following = next_step(dossier)
    if following is None:
        raise ConflictError(STEP_CLOSED, code="step_closed")
    _record_assignment(dossier, following, officer, actor=actor)
    _complete_current(dossier, actor=actor, note=values.get("note") or "")
    return dossier


@transaction.atomic
def dossier_step_send_back(*, actor: User, code: str, version: int | None, reason: str) -> Dossier:
    """Send the dossier back to the previous step for rework, then on to this step again."""
    dossier, values = _begin(
        "send_back", actor=actor, code=code, version=version, data={"reason": reason}
    )
    reason = values["reason"]
    step = dossier.current_step
    if step is None:
        raise ConflictError(STEP_CLOSED, code="step_closed")
    previous = (
        dossier.steps.filter(kind__in=[StepKind.PROCESS, StepKind.REWORK], order__lt=step.order)
        .order_by("-order", "-id")
        .first()
    )
    if previous is None:
        raise ConflictError(NO_EARLIER_STEP, code="no_earlier_step")
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
        role=previous.role,
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
        role=step.role,
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
    unit: Unit | str,
    question: str,
    allowance_value: Decimal | str,
) -> DossierStep:
    """Ask another unit for its opinion, with its own deadline (the dossier stays here)."""
    dossier, values = _begin(
        "request_opinion",
        actor=actor,
        code=code,
        version=version,
        data={"unit": unit, "question": question, "allowance_value": allowance_value},
    )
    consulted: Unit = values["unit"]
    question, allowance = values["question"], values["allowance_value"]
    current = dossier.current_step
    if current is None:
        raise ConflictError(STEP_CLOSED, code="step_closed")
    now = clock.now()
    try:
        due_at = _calendar(dossier).add(now, allowance, "working_days").due_at
    except CalendarRangeError as error:
        message = str(OPINION_DUE_OUT_OF_RANGE)
        raise ValidationFailed(message, details={"allowance_value": [message]}) from error
    step = DossierStep.objects.create(
        dossier=dossier,
        order=current.order,
        kind=StepKind.OPINION,
        name=_("Opinion of %(unit)s") % {"unit": consulted.name},
        unit=consulted,
        unit_label=consulted.name,
        allowance_value=allowance,
        allowance_unit="working_days",
        note=question,
        received_at=now,
        due_at=due_at,
    )
    _event(
        dossier,
        actor=actor,
        action="request_opinion",
        message=question,
        data={"step": step.pk, "unit": consulted.code},
    )
    _save(dossier)
    return step


@transaction.atomic
def dossier_answer_opinion(
    *, actor: User, code: str, version: int | None, step_id: int | DossierStep, answer: str
) -> Dossier:
    """The consulted unit answers; its step is classified against its own deadline."""
    dossier, values = _begin(
        "answer_opinion",
        actor=actor,
        code=code,
        version=version,
        data={"step_id": step_id, "answer": answer},
    )
    step: DossierStep = values["step_id"]
    answer = values["answer"]
    if step.kind != StepKind.OPINION or step.finished_at is not None:
        raise ConflictError(STEP_CLOSED, code="step_closed")
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

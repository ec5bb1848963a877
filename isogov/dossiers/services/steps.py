"""Handling through the internal process: steps, handovers, assignment, rework, opinions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from isogov.accounts.models import Unit, User
from isogov.core import clock
from isogov.core.errors import (
    ApplicationError,
    NotFound,
    ValidationFailed,
)

from .. import deadlines
from ..models import (
    Dossier,
    DossierStep,
    StepKind,
)
from ..transitions import Status
from ._kernel import (
    ASSIGNER_ROLES,
    HANDLER_ROLES,
    NOT_IN_UNIT,
    WRONG_STATE,
    _calendar,
    _event,
    _lock,
    _require,
    _require_text,
    _save,
    _transition,
)


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
        calendar = _calendar(dossier)
        # A step of less than a day (0.25 day, 2 hours) is early when finished before its due
        # time; longer ones are judged by day. The return step is due at the appointment.
        by_day = not step.is_counted or not deadlines.is_shorter_than_a_day(
            calendar, step.allowance_value, step.allowance_unit
        )
        classified = deadlines.classify(
            calendar=calendar, finished_at=at, due_at=step.due_at, by_day=by_day
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

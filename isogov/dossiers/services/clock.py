"""The legal clock: deadlines, supplements, closure of unanswered requests, apologies."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import (
    ApplicationError,
    ValidationFailed,
)
from isogov.workcal.engine import Unit as TimeUnit
from isogov.workcal.engine import WorkingCalendar

from .. import deadlines
from ..models import (
    ClockStop,
    Dossier,
    Extension,
)
from ..rulesets import OnSupplement
from ..transitions import Status
from ._kernel import (
    APOLOGY_DATE,
    APOLOGY_ONCE,
    APOLOGY_TOO_LATE,
    CLOCK_RESTARTED,
    CLOCK_RESUMED,
    NOT_DUE_FOR_CLOSING,
    SUPPLEMENT_ONCE,
    SUPPLEMENT_TOO_LATE,
    _begin,
    _calendar,
    _event,
    _local,
    _ruleset,
    _save,
    _transition,
)
from .notices import _notify
from .steps import _start_step


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
    dossier, values = _begin(
        "request_supplement",
        actor=actor,
        code=code,
        version=version,
        data={"reason": reason, "items": items, "legal_basis": legal_basis},
    )
    reason, items, legal_basis = values["reason"], values["items"], values["legal_basis"]
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
    dossier, _values = _begin("supplement_received", actor=actor, code=code, version=version)
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
    dossier, _values = _begin("close_unanswered", actor=None, code=code, version=None)
    if not close_unanswered_due(dossier, clock.now()):
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
def dossier_apologise(
    *, actor: User, code: str, version: int | None, new_due_at: dt.datetime, reason: str
) -> Dossier:
    """Apologise and set a new appointment (form 04): once, ≥ 1 working day before the due time."""
    dossier, values = _begin(
        "apologise",
        actor=actor,
        code=code,
        version=version,
        data={"new_due_at": new_due_at, "reason": reason},
    )
    new_due_at, reason = values["new_due_at"], values["reason"]
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

"""The legal clock: deadlines, supplements, closure of unanswered requests, apologies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import (
    ApplicationError,
    ValidationFailed,
)
from isogov.workcal.engine import HOUR_US, CalendarRangeError, WorkingCalendar
from isogov.workcal.engine import Unit as TimeUnit

from .. import deadlines
from ..models import (
    ClockStop,
    Dossier,
    Extension,
)
from ..rulesets import OnSupplement, RuleSet
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
    _outgoing_number,
    _ruleset,
    _save,
    _transition,
)
from .notices import _apology_notice, _receipt_notice, _supplement_notice
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
    ruleset = _ruleset(dossier)
    result = deadlines.compute_deadline(
        calendar=_calendar(dossier),
        received_at=dossier.received_at,
        amount=dossier.time_value,
        unit=dossier.time_unit,
        stops=stops,
        on_supplement=ruleset.on_supplement,
        extended_due_at=extension.new_due_at if extension else None,
        service_amount=dossier.service_time_value,
        service_unit=dossier.service_time_unit or TimeUnit.WORKING_DAYS,
        pauses=[] if is_new or ruleset.payment_time_counts else _payment_waits(dossier),
    )
    dossier.start_counted_at = result.start_counted_at
    dossier.due_at = result.legal_due_at
    dossier.promised_due_at = result.promised_due_at
    dossier.service_due_at = result.service_due_at
    dossier.waiting_seconds = result.waiting_us // 1_000_000


APOLOGY_NOT_WORKING_TIME = gettext_lazy(
    "The new appointment must fall within office hours on a working day."
)
APOLOGY_CLOCK_STOPPED = gettext_lazy(
    "The clock is stopped: there is no appointment to move until it runs again."
)
UNANSWERED_CLOSED = gettext_lazy(
    "Closed: the supplement request of %(requested)s (form 02) was not answered within "
    "%(days)d days (Decree 118/2025 art. 19.5); the period ended at %(end)s."
)


def _payment_waits(dossier: Dossier) -> list[deadlines.ClockStop]:
    """The times a fee payment was awaited: each payment request until the fees were paid."""
    waits: list[deadlines.ClockStop] = []
    requested_at: dt.datetime | None = None
    events = dossier.events.filter(action__in=("request_payment", "paid")).order_by("at", "id")
    for action, at in events.values_list("action", "at"):
        if action == "request_payment" and requested_at is None:
            requested_at = at
        elif action == "paid" and requested_at is not None:
            waits.append(deadlines.ClockStop(requested_at, at, "payment"))
            requested_at = None
    if requested_at is not None:
        waits.append(deadlines.ClockStop(requested_at, None, "payment"))
    return waits


DEADLINE_FIELDS = (
    "start_counted_at",
    "due_at",
    "promised_due_at",
    "service_due_at",
    "waiting_seconds",
)


def transfer_due_at(
    calendar: WorkingCalendar, received_at: dt.datetime, *, next_day_working_hours: int = 1
) -> dt.datetime:
    """Decree 61/2018 art. 18.2 (Decree 118/2025 art. 18.2): transfer the same working day, or
    "vào đầu giờ ngày làm việc tiếp theo" when received after 15:00. [A] "Đầu giờ" is read as
    within the first ``next_day_working_hours`` working hours of that day (the rule set's
    ``transfer_next_day_working_hours``: by 08:30 with the default 07:30 opening).
    """
    local = clock.to_local(received_at)
    cutoff_minutes = calendar.spec.cutoff // 60_000_000
    if calendar.is_working_day(local.date()) and local.hour * 60 + local.minute < cutoff_minutes:
        return calendar.add(received_at, 0, TimeUnit.SAME_DAY).due_at
    next_day = calendar.working_day_after(local.date(), 1)
    opening = calendar.next_opening(dt.datetime.combine(next_day, dt.time(), tzinfo=local.tzinfo))
    return calendar.add_working_us(opening, next_day_working_hours * HOUR_US)


def first_step_due_at(
    calendar: WorkingCalendar,
    ruleset: RuleSet,
    received_at: dt.datetime,
    *,
    amount: Decimal | int | str,
    unit: str,
) -> dt.datetime:
    """The desk's first step: its allowance, but no later than the transfer rule (art. 18.2)."""
    due = calendar.add(received_at, amount, unit).due_at
    transfer_due = transfer_due_at(
        calendar, received_at, next_day_working_hours=ruleset.transfer_next_day_working_hours
    )
    return min(due, transfer_due)


def supplement_received_message(
    ruleset: RuleSet, promised_due_at: dt.datetime | None, waiting_seconds: int
) -> str:
    """The timeline line of the full dossier's arrival: how the clock moved, the appointment."""
    restarted = ruleset.on_supplement == OnSupplement.RESTART
    return (CLOCK_RESTARTED if restarted else CLOCK_RESUMED) % {
        "due": _local(promised_due_at),
        "hours": waiting_seconds / 3600,
    }


def apology_message(new_due_at: dt.datetime, reason: str) -> str:
    """The timeline line of an apology (form 04)."""
    return _("New appointment %(due)s: %(reason)s") % {"due": _local(new_due_at), "reason": reason}


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
    assert dossier.received_at is not None
    # "Không quá 03 ngày làm việc kể từ ngày tiếp nhận hồ sơ" (art. 19.4): counted by day, so a
    # request made at any time of the third working day after the day of receipt is in time.
    if not deadlines.within_working_days_of(
        calendar=_calendar(dossier),
        event_at=dossier.received_at,
        at=now,
        days=ruleset.supplement_within_working_days,
        day_count=ruleset.day_count,
    ):
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
    _supplement_notice(dossier, reason=reason, items=items)
    return dossier


@transaction.atomic
def dossier_supplement_received(
    *,
    actor: User,
    code: str,
    version: int | None,
    received_items: list[str] | tuple[str, ...] = (),
) -> Dossier:
    """The full dossier arrived: the papers that came in are recorded, the clock restarts (or
    resumes, by the rule set) and a new receipt (form 01) with the new appointment is issued."""
    dossier, values = _begin(
        "supplement_received",
        actor=actor,
        code=code,
        version=version,
        data={"received_items": received_items},
    )
    received = list(values.get("received_items") or [])
    now = clock.now()
    stop = dossier.clock_stops.filter(ended_at__isnull=True).order_by("-started_at").first()
    if stop is not None:
        stop.ended_at = now
        stop.received_items = received
        stop.save(update_fields=["ended_at", "received_items"])
    refresh_deadline(dossier)
    # The timeline says how the clock moved and where the appointment is now.
    message = supplement_received_message(
        _ruleset(dossier), dossier.promised_due_at, dossier.waiting_seconds
    )
    _transition(
        dossier,
        to=Status.IN_PROCESS,
        actor=actor,
        action="supplement_received",
        message=message,
        data={
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            # The appointment the re-issued receipt (form 01) prints.
            "appointment": dossier.promised_due_at.isoformat() if dossier.promised_due_at else None,
            "received_items": received,
        },
    )
    if dossier.current_step is not None:
        _start_step(dossier, dossier.current_step, now)
    _save(dossier, "status", "current_step", "handling_unit", *DEADLINE_FIELDS)
    # The re-issued receipt reaches the applicant as the first one did: the new appointment.
    _receipt_notice(dossier)
    return dossier


def supplement_period_end(dossier: Dossier, requested_at: dt.datetime) -> dt.datetime | None:
    """When the applicant's time to answer a supplement request has fully run (None: no limit).

    Decree 118/2025 art. 19.5: 15 days after the notice. A period in days (Civil Code 2015 arts.
    147–148, the rule set's ``day_count``): it starts the day after the request and ends at the
    close of office of its last day, or of the next working day when that day is off.
    """
    ruleset = _ruleset(dossier)
    if ruleset.close_unanswered_after_days is None:
        return None
    return deadlines.period_end(
        calendar=_calendar(dossier),
        event_at=requested_at,
        days=ruleset.close_unanswered_after_days,
        working_days=False,
        day_count=ruleset.day_count,
    )


def close_unanswered_due(dossier: Dossier, now: dt.datetime) -> bool:
    """Whether the desk may close the dossier now: its period has run, and ``now`` is office
    time of a working day (the closure is the desk's act and is dated on a working day; an
    hourly job that also runs at night and on holidays waits for the next opening).
    """
    stop = dossier.clock_stops.filter(ended_at__isnull=True).order_by("-started_at").first()
    if stop is None:
        return False
    end = supplement_period_end(dossier, stop.started_at)
    return end is not None and now > end and _calendar(dossier).in_working_time(now)


@transaction.atomic
def dossier_close_unanswered(*, code: str) -> Dossier:
    """Decree 118/2025 art. 19.5: close a dossier whose supplement went unanswered 15 days."""
    dossier, _values = _begin("close_unanswered", actor=None, code=code, version=None)
    now = clock.now()
    if not close_unanswered_due(dossier, now):
        raise ApplicationError(NOT_DUE_FOR_CLOSING, code="not_due")
    stop = dossier.clock_stops.filter(ended_at__isnull=True).order_by("-started_at").first()
    assert stop is not None  # close_unanswered_due found it
    end = supplement_period_end(dossier, stop.started_at)
    # The stop notice (Circular 03/2025 form 05) is an outgoing document with its own number.
    dossier.stop_number, dossier.stop_symbol = _outgoing_number(
        dossier.agency, now, settings.ISOGOV_STOP_NOTICE_SYMBOL
    )
    with translation.override("vi"):
        message = UNANSWERED_CLOSED % {
            "requested": clock.to_local(stop.started_at).strftime("%d/%m/%Y"),
            "days": _ruleset(dossier).close_unanswered_after_days,
            "end": _local(end),
        }
    _transition(
        dossier,
        to=Status.STOPPED,
        actor=None,
        action="close_unanswered",
        message=message,
        data={
            "supplement_requested_at": stop.started_at.isoformat(),
            "supplement_reason": stop.reason,
            "period_ended_at": end.isoformat() if end else None,
            "number": dossier.stop_label,
        },
    )
    _save(dossier, "status", "stopped_at", "stop_number", "stop_symbol")
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
    if current is None:  # the clock is paused (a payment the rule set does not count)
        raise ApplicationError(APOLOGY_CLOCK_STOPPED, code="clock_stopped")
    calendar = _calendar(dossier)
    now = clock.now()
    # "Chậm nhất 01 ngày trước ngày hết hạn" (Decree 61/2018 art. 19.9, Decree 118/2025 art.
    # 19.6): compared by working day, so the whole working day before the due day is in time.
    if not deadlines.at_least_working_days_before(
        calendar=calendar,
        at=now,
        due_at=current,
        days=ruleset.apology_min_working_days_before,
        day_count=ruleset.day_count,
    ):
        raise ApplicationError(
            APOLOGY_TOO_LATE % {"days": ruleset.apology_min_working_days_before},
            code="apology_too_late",
        )
    try:
        in_office = calendar.in_working_time(new_due_at)
    except (CalendarRangeError, ValueError):
        in_office = False
    if not in_office:
        # The applicant comes for the result at the new appointment: the desk must be open.
        raise ValidationFailed(
            APOLOGY_NOT_WORKING_TIME, details={"new_due_at": [str(APOLOGY_NOT_WORKING_TIME)]}
        )
    if new_due_at <= current:
        raise ValidationFailed(APOLOGY_DATE, details={"new_due_at": [str(APOLOGY_DATE)]})
    number, symbol = _outgoing_number(dossier.agency, now, settings.ISOGOV_APOLOGY_SYMBOL)
    Extension.objects.create(
        dossier=dossier,
        previous_due_at=current,
        new_due_at=new_due_at,
        reason=reason,
        approved_by=actor,
        created_at=now,
        outgoing_number=number,
        outgoing_symbol=symbol,
    )
    dossier.appointment_moves += 1
    refresh_deadline(dossier)
    _event(
        dossier,
        actor=actor,
        action="apologise",
        reason=reason,
        message=apology_message(new_due_at, reason),
    )
    _save(dossier, "appointment_moves", *DEADLINE_FIELDS)
    _apology_notice(dossier, reason=reason, new_due_at=new_due_at)
    return dossier

"""Deadlines of a dossier from its stored facts: one pure function, no ORM.

Facts (stored on the dossier): when it was received, the pinned legal time (amount + unit),
the clock stops (supplement requests), the apology's new appointment. Everything else — the
start of counting, the legal due time, the promised due time, the waiting time, the step due
times — is derived here, with a line for every shift so the timeline can explain it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from isogov.core.clock import to_local
from isogov.workcal.engine import Unit, WorkingCalendar

from .rulesets import DayCount, OnSupplement


@dataclass(frozen=True)
class ClockStop:
    """The clock stopped at ``started_at`` (a supplement request) until ``ended_at``."""

    started_at: dt.datetime
    ended_at: dt.datetime | None
    reason: str = ""


class ShiftKind(StrEnum):
    STARTED = "started"  # counting starts (at the next opening after receipt)
    STOPPED = "stopped"  # the clock stops for a supplement
    RESTARTED = "restarted"  # the full dossier arrived: the time restarts from zero
    RESUMED = "resumed"  # the clock resumes (pause rule): due moves by the waiting time
    EXTENDED = "extended"  # the apology's new appointment


@dataclass(frozen=True)
class Shift:
    kind: ShiftKind
    at: dt.datetime
    due_at: dt.datetime | None
    waited_us: int = 0
    reason: str = ""


@dataclass(frozen=True)
class Deadline:
    start_counted_at: dt.datetime
    # The legal appointment; None while the clock is stopped (nobody can say when it ends).
    legal_due_at: dt.datetime | None
    # What the applicant was promised last: the apology's new date, else the legal due time.
    promised_due_at: dt.datetime | None
    waiting_us: int
    shifts: tuple[Shift, ...]
    # The agency's own promise when it ends before the legal appointment (else None).
    service_due_at: dt.datetime | None = None

    @property
    def is_clock_stopped(self) -> bool:
        return self.legal_due_at is None


def compute_deadline(
    *,
    calendar: WorkingCalendar,
    received_at: dt.datetime,
    amount: Decimal | int | str,
    unit: Unit | str,
    stops: Sequence[ClockStop] = (),
    on_supplement: OnSupplement = OnSupplement.RESTART,
    extended_due_at: dt.datetime | None = None,
    extension_reason: str = "",
    service_amount: Decimal | int | str | None = None,
    service_unit: Unit | str = Unit.WORKING_DAYS,
    pauses: Sequence[ClockStop] = (),
) -> Deadline:
    """The dossier's due times from its facts (Decree 61/2018 art. 19; Decree 118/2025).

    ``stops``: supplement requests (restart or pause by ``on_supplement``). ``pauses``: waits
    that only pause the clock, e.g. a fee payment awaited when the rule set does not count it.

    ``service_amount``/``service_unit``: the agency's own, shorter promise. It is counted like
    the legal time (the same stops and restarts), only kept when it ends first, and lapses after
    an apology, when the new appointment is what counts.
    """
    first = calendar.add(received_at, amount, unit)
    shifts = [Shift(ShiftKind.STARTED, first.start_counted_at, first.due_at)]
    due: dt.datetime | None = first.due_at
    waiting_us = 0
    waits = [(stop, False) for stop in stops] + [(pause, True) for pause in pauses]
    for stop, is_pause in sorted(waits, key=lambda item: item[0].started_at):
        shifts.append(Shift(ShiftKind.STOPPED, stop.started_at, None, reason=stop.reason))
        if stop.ended_at is None:
            due = None
            break
        waited = max(calendar.working_us_between(stop.started_at, stop.ended_at), 0)
        waiting_us += waited
        if on_supplement == OnSupplement.RESTART and not is_pause:
            # "Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ" (art. 19.4).
            due = calendar.add(stop.ended_at, amount, unit).due_at
            kind = ShiftKind.RESTARTED
        else:
            assert due is not None
            due = calendar.add_working_us(due, waited) if waited else due
            kind = ShiftKind.RESUMED
        shifts.append(Shift(kind, stop.ended_at, due, waited_us=waited))
    promised = due
    if due is not None and extended_due_at is not None:
        promised = extended_due_at
        shifts.append(
            Shift(ShiftKind.EXTENDED, extended_due_at, extended_due_at, reason=extension_reason)
        )
    service_due_at = None
    if service_amount is not None and due is not None and extended_due_at is None:
        service = compute_deadline(
            calendar=calendar,
            received_at=received_at,
            amount=service_amount,
            unit=service_unit,
            stops=stops,
            on_supplement=on_supplement,
            pauses=pauses,
        ).legal_due_at
        if service is not None and service < due:
            service_due_at = service
    return Deadline(
        first.start_counted_at, due, promised, waiting_us, tuple(shifts), service_due_at
    )


@dataclass(frozen=True)
class StepAllowance:
    amount: Decimal
    unit: Unit
    is_counted: bool = True


def step_due_times(
    *, calendar: WorkingCalendar, start: dt.datetime, allowances: Sequence[StepAllowance]
) -> list[dt.datetime]:
    """Each step's due time when every step uses its whole allowance after the previous one.

    A step that is not counted (the return step) is due when the previous one is.
    """
    dues: list[dt.datetime] = []
    current = calendar.next_opening(start)
    for allowance in allowances:
        if allowance.is_counted:
            current = calendar.add(current, allowance.amount, allowance.unit).due_at
        dues.append(current)
    return dues


class Outcome(StrEnum):
    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


@dataclass(frozen=True)
class Classified:
    outcome: Outcome
    late_by_us: int  # working time after the due time (0 unless late)


def is_shorter_than_a_day(
    calendar: WorkingCalendar, amount: Decimal | int | str, unit: Unit | str
) -> bool:
    """Whether a time allowance is less than one standard working day (e.g. 0.25 day, 2 hours)."""
    unit = Unit(unit)
    if unit not in (Unit.WORKING_DAYS, Unit.WORKING_HOURS):
        return False  # calendar days and "trong ngày" are counted in whole days
    return calendar.amount_to_us(amount, unit) < calendar.standard_day_us


def classify(
    *,
    calendar: WorkingCalendar,
    finished_at: dt.datetime,
    due_at: dt.datetime,
    by_day: bool = True,
) -> Classified:
    """Early, on time or late, as the process control sheet (form 05) records it.

    [A] Late: finished after the due time. ``by_day`` (allowances of a day or more): early when
    finished on a day before the day of the due time, on time on the due day by the due time;
    a day-level "early" keeps "on time" meaningful for indicator 1 of Circular 01/2018 art. 13
    (shorter / equal / longer). Shorter allowances (``by_day=False``) compare instants: early
    when finished before the due time, on time exactly at it.
    """
    if finished_at > due_at:
        late_by = max(calendar.working_us_between(due_at, finished_at), 0)
        return Classified(Outcome.LATE, late_by)
    if by_day:
        early = to_local(finished_at).date() < to_local(due_at).date()
    else:
        early = finished_at < due_at
    return Classified(Outcome.EARLY if early else Outcome.ON_TIME, 0)


def dossier_outcome(
    *,
    calendar: WorkingCalendar,
    finished_at: dt.datetime,
    legal_due_at: dt.datetime,
    promised_due_at: dt.datetime | None,
    appointment_moved: bool,
    late_after_apology: bool,
    amount: Decimal | int | str,
    unit: Unit | str,
) -> Classified:
    """The dossier's outcome at return (indicator 1 of Circular 01/2018 art. 13).

    ``late_after_apology`` (the rule set's): an apology is written for a dossier "quá hạn giải
    quyết" (Decree 61/2018 art. 19.9, Decree 118/2025 art. 19.6) and does not extend the legal
    time, so a dossier whose appointment was moved is late even when finished before the legal
    due time. Without it the dossier is judged against the new appointment.
    """
    judge_by_new = appointment_moved and not late_after_apology and promised_due_at is not None
    due_at = promised_due_at if judge_by_new and promised_due_at else legal_due_at
    classified = classify(
        calendar=calendar,
        finished_at=finished_at,
        due_at=due_at,
        by_day=not is_shorter_than_a_day(calendar, amount, unit),
    )
    if appointment_moved and late_after_apology and classified.outcome != Outcome.LATE:
        return Classified(Outcome.LATE, 0)
    return classified


def step_due_at(
    *,
    calendar: WorkingCalendar,
    started_at: dt.datetime,
    amount: Decimal | int | str,
    unit: Unit | str,
    is_counted: bool,
    promised_due_at: dt.datetime | None,
) -> dt.datetime | None:
    """A step's due time when it starts: its allowance counted from its start; a step that is
    not counted (the return of the result) is due at the dossier's appointment."""
    if is_counted:
        return calendar.add(started_at, amount, unit).due_at
    return promised_due_at


def step_outcome(
    *,
    calendar: WorkingCalendar,
    finished_at: dt.datetime,
    due_at: dt.datetime,
    amount: Decimal | int | str,
    unit: Unit | str,
    is_counted: bool,
) -> Classified:
    """A finished step's outcome (form 05 row). A step of less than a day (0.25 day, 2 hours)
    is early when finished before its due time; longer ones are judged by day; the return step
    is due at the appointment and judged by day."""
    by_day = not is_counted or not is_shorter_than_a_day(calendar, amount, unit)
    return classify(calendar=calendar, finished_at=finished_at, due_at=due_at, by_day=by_day)


# --- periods and windows set in days --------------------------------------------------------
def period_end(
    *,
    calendar: WorkingCalendar,
    event_at: dt.datetime,
    days: int,
    working_days: bool,
    day_count: DayCount = DayCount.CIVIL_CODE,
) -> dt.datetime:
    """The instant a period of ``days`` started by ``event_at`` has fully run.

    Civil Code 2015 arts. 147–148 (``DayCount.CIVIL_CODE``): from the day after the event to
    the close of office of the last day, moved to the next working day when that day is off.
    ``DayCount.FROM_INSTANT``: ``days`` × 24 h, or ``days`` standard working days of working
    time, from the instant.
    """
    if day_count == DayCount.CIVIL_CODE:
        return calendar.period_end(event_at, days, working_days=working_days)
    if working_days:
        return calendar.add_working_us(event_at, days * calendar.standard_day_us)
    return event_at + dt.timedelta(days=days)


def within_working_days_of(
    *,
    calendar: WorkingCalendar,
    event_at: dt.datetime,
    at: dt.datetime,
    days: int,
    day_count: DayCount = DayCount.CIVIL_CODE,
) -> bool:
    """Whether ``at`` is within ``days`` working days of ``event_at`` ("trong N ngày làm việc kể
    từ ngày …", e.g. Decree 61/2018 art. 19.4: the supplement request within 3 working days of
    receipt). By the Civil Code the whole last day counts: the window is compared by day.
    """
    if day_count == DayCount.CIVIL_CODE:
        last_day = calendar.working_day_after(to_local(event_at).date(), days)
        return to_local(at).date() <= last_day
    limit = calendar.amount_to_us(days, Unit.WORKING_DAYS)
    return calendar.working_us_between(event_at, at) <= limit


def at_least_working_days_before(
    *,
    calendar: WorkingCalendar,
    at: dt.datetime,
    due_at: dt.datetime,
    days: int,
    day_count: DayCount = DayCount.CIVIL_CODE,
) -> bool:
    """Whether ``at`` is at least ``days`` working days before ``due_at`` ("chậm nhất 01 ngày
    trước ngày hết hạn", Decree 61/2018 art. 19.9 / Decree 118/2025 art. 19.6). By day: any
    time up to the end of the ``days``-th working day before the due day.
    """
    if day_count == DayCount.CIVIL_CODE:
        latest = calendar.working_day_before(to_local(due_at).date(), days)
        return to_local(at).date() <= latest
    margin = calendar.amount_to_us(days, Unit.WORKING_DAYS)
    return calendar.working_us_between(at, due_at) >= margin

"""Working-calendar arithmetic: pure functions over a precompiled calendar. No ORM here.

Vocabulary (vn-one-stop-rules.md §4):
- *working time* is the union of the office periods of working days (default 07:30–11:30 and
  13:00–17:00, Monday–Friday, minus national holidays and the agency's days off, plus the
  government's make-up Saturdays and the agency's make-up days);
- a *working day* is the agency's standard office day (8 hours by default) and fractions are
  fractions of it: 0.25 day = 2 working hours;
- a due time that falls exactly at the end of an office period is that end (17:00), never the
  next opening.

Internally an instant is an integer number of microseconds of Vietnam local time since
0001-01-01 (Vietnam has kept UTC+7 without daylight saving since 1975), and a *position* is
the number of working microseconds before it. Adding working time is then: position of the
start, plus the amount, mapped back to an instant. Integer arithmetic keeps it exact, so
adding a then b equals adding a+b.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

US = 1_000_000
HOUR_US = 3600 * US
DAY_US = 24 * HOUR_US
VN_OFFSET_US = 7 * HOUR_US
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
_VN = dt.timezone(dt.timedelta(hours=7), "ICT")

Period = tuple[int, int]  # start and end, microseconds after local midnight


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


class DayType(StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    DAY_OFF = "day_off"
    MAKEUP_WORKING_DAY = "makeup_working_day"


class CountFrom(StrEnum):
    # An arrival outside working time starts counting at the next opening.
    NEXT_OPENING = "next_opening"
    # As above, and an arrival after the cut-off hour (15:00) of a working day also starts
    # counting at the next working day's opening (the transfer rule of art. 18 applied to
    # the clock; some agencies choose it for online submissions).
    NEXT_DAY_AFTER_CUTOFF = "next_day_after_cutoff"


class OverrideKind(StrEnum):
    DAY_OFF = "day_off"
    MAKEUP_WORKING_DAY = "makeup_working_day"
    SPECIAL_HOURS = "special_hours"


def hm(hour: int, minute: int = 0) -> int:
    """Microseconds after midnight of a wall-clock time."""
    return (hour * 60 + minute) * 60 * US


DEFAULT_PERIODS: tuple[Period, ...] = ((hm(7, 30), hm(11, 30)), (hm(13), hm(17)))
DEFAULT_CUTOFF = hm(15)


@dataclass(frozen=True)
class Override:
    """An agency's decision about one date."""

    kind: OverrideKind
    name: str
    periods: tuple[Period, ...] | None = None  # for SPECIAL_HOURS (and optional on make-up days)


@dataclass(frozen=True)
class CalendarSpec:
    """Everything a calendar is compiled from."""

    first_year: int
    last_year: int
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    national_workdays: Mapping[dt.date, str] = field(default_factory=dict)
    overrides: Mapping[dt.date, Override] = field(default_factory=dict)
    periods: tuple[Period, ...] = DEFAULT_PERIODS
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())
    count_from: CountFrom = CountFrom.NEXT_OPENING
    cutoff: int = DEFAULT_CUTOFF  # the same-day and transfer rule hour (art. 18: 15:00)


class CalendarRangeError(ValueError):
    """The instant lies outside the years the calendar was compiled for."""


@dataclass(frozen=True)
class Due:
    start_counted_at: dt.datetime
    due_at: dt.datetime


def _to_local_us(value: dt.datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("an aware datetime is required")
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds + VN_OFFSET_US


_LOCAL_EPOCH = dt.datetime(1, 1, 1, tzinfo=_VN)


def _from_local_us(value: int) -> dt.datetime:
    return _LOCAL_EPOCH + dt.timedelta(microseconds=value)


def _day_of(date: dt.date) -> int:
    return date.toordinal() - 1


class WorkingCalendar:
    """A calendar compiled into sorted arrays so each computation is a few bisections."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.standard_day_us = sum(end - start for start, end in spec.periods)
        first = dt.date(spec.first_year, 1, 1)
        last = dt.date(spec.last_year, 12, 31)
        self.first_day = _day_of(first)
        self.last_day = _day_of(last)
        days: list[int] = []
        periods: list[tuple[Period, ...]] = []
        cum: list[int] = []
        cum_end: list[int] = []
        total = 0
        current = first
        one = dt.timedelta(days=1)
        while current <= last:
            day_type, _name, day_periods = self._classify(current)
            if day_type in (DayType.WORKING, DayType.MAKEUP_WORKING_DAY) and day_periods:
                length = sum(end - start for start, end in day_periods)
                days.append(_day_of(current))
                periods.append(day_periods)
                cum.append(total)
                total += length
                cum_end.append(total)
            current += one
        if not days:
            raise ValueError("the calendar has no working day")
        self._days = days
        self._periods = periods
        self._cum = cum
        self._cum_end = cum_end

    # --- classification ---------------------------------------------------------------------
    def _classify(self, date: dt.date) -> tuple[DayType, str, tuple[Period, ...]]:
        spec = self.spec
        override = spec.overrides.get(date)
        if override is not None:
            if override.kind == OverrideKind.DAY_OFF:
                return DayType.DAY_OFF, override.name, ()
            if override.kind == OverrideKind.MAKEUP_WORKING_DAY:
                return DayType.MAKEUP_WORKING_DAY, override.name, override.periods or spec.periods
            return DayType.WORKING, override.name, override.periods or ()
        if date in spec.holidays:
            return DayType.HOLIDAY, spec.holidays[date], ()
        if date in spec.national_workdays:
            # A weekend day worked is a make-up day; a weekday taken off the holidays (a
            # national override, e.g. 24/11) is an ordinary working day that keeps its name.
            kind = DayType.MAKEUP_WORKING_DAY if date.weekday() in spec.weekend else DayType.WORKING
            return kind, spec.national_workdays[date], spec.periods
        if date.weekday() in spec.weekend:
            return DayType.WEEKEND, "", ()
        return DayType.WORKING, "", spec.periods

    def day_info(self, date: dt.date) -> tuple[DayType, str]:
        """The type and name of one date (working, weekend, holiday, day off, make-up day)."""
        day_type, name, day_periods = self._classify(date)
        if day_type == DayType.WORKING and not day_periods:
            return DayType.DAY_OFF, name
        return day_type, name

    def iter_days(self, start: dt.date, end: dt.date) -> Iterator[tuple[dt.date, DayType, str]]:
        current = start
        while current <= end:
            day_type, name = self.day_info(current)
            yield current, day_type, name
            current += dt.timedelta(days=1)

    def is_working_day(self, date: dt.date) -> bool:
        day = _day_of(date)
        index = bisect_left(self._days, day)
        return index < len(self._days) and self._days[index] == day

    # --- positions ----------------------------------------------------------------------------
    def _check(self, local_us: int) -> None:
        day = local_us // DAY_US
        if day < self.first_day or day > self.last_day:
            raise CalendarRangeError(
                f"outside the working calendar ({self.spec.first_year}–{self.spec.last_year})"
            )

    def _position(self, local_us: int) -> int:
        day, time_of_day = divmod(local_us, DAY_US)
        index = bisect_left(self._days, day)
        if index == len(self._days):
            return self._cum_end[-1]
        position = self._cum[index]
        if self._days[index] != day:
            return position
        for start, end in self._periods[index]:
            if time_of_day >= end:
                position += end - start
            else:
                if time_of_day > start:
                    position += time_of_day - start
                break
        return position

    def _instant(self, position: int) -> int:
        """The earliest instant at ``position``; a position that ends a period maps to its end."""
        index = bisect_left(self._cum_end, position)
        if index == len(self._cum_end):
            raise CalendarRangeError(
                f"the result falls after the working calendar ({self.spec.last_year})"
            )
        remaining = position - self._cum[index]
        base = self._days[index] * DAY_US
        for start, end in self._periods[index]:
            if remaining <= end - start:
                return base + start + remaining
            remaining -= end - start
        raise AssertionError("unreachable: cumulative arrays are consistent")

    def _next_opening(self, local_us: int) -> int:
        day, time_of_day = divmod(local_us, DAY_US)
        index = bisect_left(self._days, day)
        if index < len(self._days) and self._days[index] == day:
            for start, end in self._periods[index]:
                if time_of_day < end:
                    return local_us if time_of_day >= start else day * DAY_US + start
            index += 1
        if index == len(self._days):
            raise CalendarRangeError("no working day after this instant in the calendar")
        return self._days[index] * DAY_US + self._periods[index][0][0]

    def _opening_of_next_working_day(self, day: int) -> int:
        index = bisect_right(self._days, day)
        if index == len(self._days):
            raise CalendarRangeError("no working day after this instant in the calendar")
        return self._days[index] * DAY_US + self._periods[index][0][0]

    def _closing_of(self, index: int) -> int:
        return self._days[index] * DAY_US + self._periods[index][-1][1]

    def _start_counted(self, local_us: int) -> int:
        if self.spec.count_from == CountFrom.NEXT_DAY_AFTER_CUTOFF:
            day, time_of_day = divmod(local_us, DAY_US)
            if time_of_day >= self.spec.cutoff:
                return self._opening_of_next_working_day(day)
        return self._next_opening(local_us)

    # --- public API -------------------------------------------------------------------------
    def amount_to_us(self, amount: Decimal | int | float | str, unit: Unit) -> int:
        """A working-time amount in microseconds (working days use the standard day)."""
        if unit == Unit.WORKING_DAYS and isinstance(amount, int) and amount >= 0:
            return amount * self.standard_day_us  # the common case, without Decimal
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        if value < 0:
            raise ValueError("the amount must not be negative")
        if unit == Unit.WORKING_DAYS:
            scaled = value * self.standard_day_us
        elif unit == Unit.WORKING_HOURS:
            scaled = value * HOUR_US
        else:
            raise ValueError(f"{unit} is not an amount of working time")
        return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """The first instant of working time at or after ``at``."""
        local = _to_local_us(at)
        self._check(local)
        return _from_local_us(self._next_opening(local))

    def start_counted_at(self, received_at: dt.datetime) -> dt.datetime:
        """When the clock starts for something received at ``received_at``."""
        local = _to_local_us(received_at)
        self._check(local)
        return _from_local_us(self._start_counted(local))

    def add(self, start: dt.datetime, amount: Decimal | int | float | str, unit: Unit | str) -> Due:
        """The due time of ``amount`` ``unit`` counted from ``start``."""
        unit = Unit(unit)
        local = _to_local_us(start)
        self._check(local)
        if unit == Unit.CALENDAR_DAYS:
            return self._add_calendar_days(local, amount)
        if unit == Unit.SAME_DAY:
            return self._same_day(local)
        counted = self._start_counted(local)
        amount_us = self.amount_to_us(amount, unit)
        if amount_us == 0:
            return Due(_from_local_us(counted), _from_local_us(counted))
        due = self._instant(self._position(counted) + amount_us)
        return Due(_from_local_us(counted), _from_local_us(due))

    def add_working_us(self, start: dt.datetime, amount_us: int) -> dt.datetime:
        """``start`` plus an exact number of working microseconds (for chained step budgets)."""
        local = _to_local_us(start)
        self._check(local)
        counted = self._next_opening(local)
        if amount_us == 0:
            return _from_local_us(counted)
        return _from_local_us(self._instant(self._position(counted) + amount_us))

    def working_us_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working time from ``start`` to ``end`` in microseconds (negative if end < start)."""
        first, second = _to_local_us(start), _to_local_us(end)
        self._check(first)
        self._check(second)
        return self._position(second) - self._position(first)

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> Decimal:
        return Decimal(self.working_us_between(start, end)) / HOUR_US

    def _add_calendar_days(self, local_us: int, amount: Decimal | int | float | str) -> Due:
        # [A] A period in calendar days ends at the close of its last day; when that day is not
        # a working day, at the close of the next working day (the Civil Code's rule for periods
        # ending on a day off). Not confirmed in shared/domain: see docs/decisions/0003.
        value = Decimal(str(amount))
        if value < 0 or value != value.to_integral_value():
            raise ValueError("calendar days must be a whole, non-negative number")
        last_day = local_us // DAY_US + int(value)
        if last_day > self.last_day:
            raise CalendarRangeError(
                f"the result falls after the working calendar ({self.spec.last_year})"
            )
        index = bisect_left(self._days, last_day)
        if index == len(self._days):
            raise CalendarRangeError("no working day after this instant in the calendar")
        return Due(_from_local_us(local_us), _from_local_us(self._closing_of(index)))

    def _same_day(self, local_us: int) -> Due:
        # Received before the cut-off (15:00) on a working day: due at that day's close;
        # otherwise at the close of the next working day (vn-one-stop-rules.md §4 "trong ngày").
        day, time_of_day = divmod(local_us, DAY_US)
        index = bisect_left(self._days, day)
        if index == len(self._days):
            raise CalendarRangeError("no working day after this instant in the calendar")
        if self._days[index] == day and time_of_day >= self.spec.cutoff:
            index += 1
        if index == len(self._days):
            raise CalendarRangeError("no working day after this instant in the calendar")
        counted = self._next_opening(local_us)
        return Due(_from_local_us(counted), _from_local_us(self._closing_of(index)))

    # --- periods counted in days (Civil Code 2015 arts. 147–148) --------------------------------
    def working_day_after(self, date: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``date`` (``date`` itself is not counted)."""
        if count < 1:
            raise ValueError("count working days from 1")
        index = bisect_right(self._days, _day_of(date)) + count - 1
        if index >= len(self._days):
            raise CalendarRangeError("no working day after this instant in the calendar")
        return dt.date.fromordinal(self._days[index] + 1)

    def working_day_before(self, date: dt.date, count: int) -> dt.date:
        """The ``count``-th working day before ``date`` (``date`` itself is not counted)."""
        if count < 1:
            raise ValueError("count working days from 1")
        index = bisect_left(self._days, _day_of(date)) - count
        if index < 0:
            raise CalendarRangeError("no working day before this instant in the calendar")
        return dt.date.fromordinal(self._days[index] + 1)

    def closing_at(self, date: dt.date) -> dt.datetime:
        """The close of office hours of a working day (17:00 by default)."""
        index = bisect_left(self._days, _day_of(date))
        if index == len(self._days) or self._days[index] != _day_of(date):
            raise ValueError(f"{date:%d/%m/%Y} is not a working day")
        return _from_local_us(self._closing_of(index))

    def period_end(self, event_at: dt.datetime, days: int, *, working_days: bool) -> dt.datetime:
        """The end of a period of ``days`` (working or calendar) days started by an event.

        Civil Code 2015 art. 147: the period starts on the day after the event; art. 148: it
        ends at the end of its last day, and when that day is a day off, at the end of the next
        working day. [A] At an office the end of a day is the close of its office hours
        (vn-one-stop-rules.md §4).
        """
        local = _to_local_us(event_at)
        self._check(local)
        day = dt.date.fromordinal(local // DAY_US + 1)
        if working_days:
            return self.closing_at(self.working_day_after(day, days))
        return self._add_calendar_days(local, days).due_at

    def in_working_time(self, at: dt.datetime) -> bool:
        """Whether ``at`` lies inside an office period (its end included) of a working day."""
        local = _to_local_us(at)
        day, time_of_day = divmod(local, DAY_US)
        index = bisect_left(self._days, day)
        if index == len(self._days) or self._days[index] != day:
            return False
        return any(start <= time_of_day <= end for start, end in self._periods[index])


class MemoisedCalendar(WorkingCalendar):
    """The same calendar, remembering each answer: for bulk work (the demo generator) that
    asks the same questions millions of times. Same results as the calendar it copies; it is
    not shared between threads and grows with the distinct questions asked.
    """

    def __init__(self, calendar: WorkingCalendar) -> None:  # shares the compiled arrays
        self.__dict__.update(calendar.__dict__)
        self._adds: dict[tuple[dt.datetime, object, str], Due] = {}
        self._positions: dict[dt.datetime, int] = {}
        self._openings: dict[dt.datetime, int] = {}
        self._instants: dict[int, dt.datetime] = {}
        self._amounts: dict[tuple[object, str], int] = {}

    def amount_to_us(self, amount: Decimal | int | float | str, unit: Unit) -> int:
        key = (amount, unit)
        value = self._amounts.get(key)
        if value is None:
            value = self._amounts[key] = super().amount_to_us(amount, unit)
        return value

    def add(self, start: dt.datetime, amount: Decimal | int | float | str, unit: Unit | str) -> Due:
        key = (start, amount, unit)
        due = self._adds.get(key)
        if due is None:
            due = self._adds[key] = super().add(start, amount, unit)
        return due

    def position(self, at: dt.datetime) -> int:
        """The working time before ``at``, in microseconds since the calendar's first day."""
        position = self._positions.get(at)
        if position is None:
            local = _to_local_us(at)
            self._check(local)
            position = self._positions[at] = self._position(local)
        return position

    def instant(self, position: int) -> dt.datetime:
        """The earliest instant at ``position`` (the inverse of ``position`` in working time)."""
        instant = self._instants.get(position)
        if instant is None:
            instant = self._instants[position] = _from_local_us(self._instant(position))
        return instant

    def add_working_us(self, start: dt.datetime, amount_us: int) -> dt.datetime:
        opening = self._openings.get(start)
        if opening is None:
            local = _to_local_us(start)
            self._check(local)
            opening = self._openings[start] = self._position(self._next_opening(local))
        if amount_us == 0:
            return super().add_working_us(start, 0)
        instant = self._instants.get(opening + amount_us)  # ``instant``, without its call
        return self.instant(opening + amount_us) if instant is None else instant

    def working_us_between(self, start: dt.datetime, end: dt.datetime) -> int:
        return self.position(end) - self.position(start)

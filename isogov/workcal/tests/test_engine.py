"""The working calendar's rules, each test named after the rule it checks.

Times are Vietnam local time. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isogov.workcal.engine import (
    CalendarSpec,
    CountFrom,
    DayType,
    Override,
    OverrideKind,
    WorkingCalendar,
    hm,
)
from isogov.workcal.national import national_days

VN = dt.timezone(dt.timedelta(hours=7))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def build(**kwargs: object) -> WorkingCalendar:
    days_off, workdays = national_days(2018, 2035)
    return WorkingCalendar(
        CalendarSpec(2018, 2035, holidays=days_off, national_workdays=workdays, **kwargs)  # type: ignore[arg-type]
    )


NATIONAL = build()


def due(
    start: dt.datetime, amount: object, unit: str = "working_days", cal: WorkingCalendar = NATIONAL
) -> dt.datetime:
    return cal.add(start, amount, unit).due_at  # type: ignore[arg-type]


# --- national days -----------------------------------------------------------------------------
@pytest.mark.parametrize("day", [16, 17, 18, 19, 20])
def test_tet_2026_days_are_holidays(day: int) -> None:
    assert NATIONAL.day_info(dt.date(2026, 2, day))[0] == DayType.HOLIDAY


def test_tet_2027_days_are_holidays() -> None:
    # Tết 2027: 29 Tết (Thu 4/2) to mùng năm (Wed 10/2) in the holidays package.
    for day in (4, 5, 8, 9, 10):
        assert NATIONAL.day_info(dt.date(2027, 2, day))[0] == DayType.HOLIDAY
    assert NATIONAL.is_working_day(dt.date(2027, 2, 11))


def test_due_date_skips_tet_2026() -> None:
    # Fri 13/2 16:00 + 1 working day: 1 h on Friday, Tết 16–20/2, then 7 h on Mon 23/2.
    assert due(at(2026, 2, 13, 16), 1) == at(2026, 2, 23, 16)


def test_due_date_skips_tet_2027() -> None:
    # Wed 3/2/2027 09:30 + 2 working days (16 h): 6 h left on Wednesday, Thu 4/2 – Wed 10/2
    # off, Thu 11/2 gives 8 h, the last 2 h end on Fri 12/2 at 09:30.
    assert due(at(2027, 2, 3, 9, 30), 2) == at(2027, 2, 12, 9, 30)


def test_swapped_saturday_2025_is_a_working_day() -> None:
    assert NATIONAL.day_info(dt.date(2025, 4, 26))[0] == DayType.MAKEUP_WORKING_DAY
    assert NATIONAL.day_info(dt.date(2025, 5, 2))[0] == DayType.HOLIDAY


def test_swapped_days_2026_saturday_22_8_worked_monday_31_8_off() -> None:
    assert NATIONAL.day_info(dt.date(2026, 8, 22))[0] == DayType.MAKEUP_WORKING_DAY
    assert NATIONAL.day_info(dt.date(2026, 8, 31))[0] == DayType.HOLIDAY
    # Fri 21/8 16:45 + 1 day: 15 min Friday, Saturday 22/8 is worked → Sat 16:45.
    assert due(at(2026, 8, 21, 16, 45), 1) == at(2026, 8, 22, 16, 45)
    # Sat 29/8 is a plain weekend: Fri 28/8 16:00 + 1 day skips Sat, Sun, Mon 31/8 off,
    # Tue 1/9 and Wed 2/9 (National Day) → Thu 3/9 16:00.
    assert due(at(2026, 8, 28, 16), 1) == at(2026, 9, 3, 16)


# --- arrivals outside office hours ----------------------------------------------------------
def test_arrival_at_16_45_on_a_friday_counts_15_minutes_that_day() -> None:
    # Fri 6/3/2026 16:45 + 0.25 day (2 h): 15 min Friday, 1 h 45 min Monday → Mon 9:15.
    result = NATIONAL.add(at(2026, 3, 6, 16, 45), Decimal("0.25"), "working_days")
    assert result.start_counted_at == at(2026, 3, 6, 16, 45)
    assert result.due_at == at(2026, 3, 9, 9, 15)


def test_arrival_on_a_sunday_starts_counting_on_monday_opening() -> None:
    result = NATIONAL.add(at(2026, 3, 8, 10), 1, "working_days")
    assert result.start_counted_at == at(2026, 3, 9, 7, 30)
    assert result.due_at == at(2026, 3, 9, 17)


def test_arrival_at_lunch_starts_counting_at_13_00() -> None:
    assert NATIONAL.start_counted_at(at(2026, 3, 9, 12)) == at(2026, 3, 9, 13)


def test_due_time_at_end_of_period_is_that_end_not_next_opening() -> None:
    # Mon 9/3 07:30 + 0.5 day = exactly the morning: 11:30, not 13:00.
    assert due(at(2026, 3, 9, 7, 30), "0.5") == at(2026, 3, 9, 11, 30)
    # Mon 07:30 + 1 day = 17:00 the same day, not 07:30 on Tuesday.
    assert due(at(2026, 3, 9, 7, 30), 1) == at(2026, 3, 9, 17)


def test_next_day_after_cutoff_rule_moves_a_16_00_arrival_to_next_morning() -> None:
    cal = build(count_from=CountFrom.NEXT_DAY_AFTER_CUTOFF)
    result = cal.add(at(2026, 3, 6, 16), "0.25", "working_days")
    assert result.start_counted_at == at(2026, 3, 9, 7, 30)
    assert result.due_at == at(2026, 3, 9, 9, 30)


# --- fractional allowances ----------------------------------------------------------------
def test_quarter_day_is_two_working_hours() -> None:
    assert due(at(2026, 3, 9, 8), "0.25") == at(2026, 3, 9, 10)


def test_one_and_a_quarter_days_crosses_lunch_and_night() -> None:
    # Mon 10:00 + 10 h: Mon 1.5 h + 4 h = 5.5 h, Tue 4 h (→ 11:30) + 0.5 h → Tue 13:30.
    assert due(at(2026, 3, 9, 10), "1.25") == at(2026, 3, 10, 13, 30)


def test_working_hours_unit() -> None:
    assert due(at(2026, 3, 9, 11), 3, "working_hours") == at(2026, 3, 9, 15, 30)


def test_zero_amount_is_the_counted_start() -> None:
    assert due(at(2026, 3, 8, 12), 0) == at(2026, 3, 9, 7, 30)


def test_cfs_sample_steps_add_up_to_three_days_across_tet() -> None:
    # The CFS internal process: 0.25+0.25+0.5+0.25+0.25+0.25+1.25 = 3 working days.
    start = at(2026, 2, 13, 16)
    current = start
    for allowance in ["0.25", "0.25", "0.5", "0.25", "0.25", "0.25", "1.25"]:
        current = NATIONAL.add(current, allowance, "working_days").due_at
    assert current == due(start, 3) == at(2026, 2, 25, 16)


# --- same day, calendar days -------------------------------------------------------------------
def test_same_day_received_before_15_00_is_due_at_17_00() -> None:
    assert due(at(2026, 3, 9, 14, 59), 0, "same_day") == at(2026, 3, 9, 17)


def test_same_day_received_after_15_00_is_due_next_working_day() -> None:
    # Fri 6/3 15:00 → Mon 9/3 17:00.
    assert due(at(2026, 3, 6, 15), 0, "same_day") == at(2026, 3, 9, 17)


def test_same_day_received_on_a_holiday_is_due_next_working_day() -> None:
    assert due(at(2026, 4, 30, 9), 0, "same_day") == at(2026, 5, 4, 17)


def test_calendar_days_ending_on_a_holiday_move_to_next_working_day() -> None:
    # 20/4/2026 + 10 calendar days = Thu 30/4 (holiday), 1/5 holiday, weekend → Mon 4/5 17:00.
    assert due(at(2026, 4, 20, 9), 10, "calendar_days") == at(2026, 5, 4, 17)


def test_calendar_days_ending_on_a_working_day() -> None:
    assert due(at(2026, 3, 2, 9), 30, "calendar_days") == at(2026, 4, 1, 17)


# --- agency overrides ----------------------------------------------------------------------
def test_agency_extra_day_off_is_skipped() -> None:
    cal = build(overrides={dt.date(2026, 3, 10): Override(OverrideKind.DAY_OFF, "Nghỉ bù")})
    assert cal.day_info(dt.date(2026, 3, 10))[0] == DayType.DAY_OFF
    assert due(at(2026, 3, 9, 7, 30), 2, cal=cal) == at(2026, 3, 11, 17)
    assert due(at(2026, 3, 9, 7, 30), 2) == at(2026, 3, 10, 17)


def test_agency_makeup_saturday_counts() -> None:
    cal = build(
        overrides={dt.date(2026, 3, 14): Override(OverrideKind.MAKEUP_WORKING_DAY, "Làm bù")}
    )
    assert due(at(2026, 3, 13, 7, 30), 2, cal=cal) == at(2026, 3, 14, 17)


def test_agency_special_hours_count_only_those_hours() -> None:
    cal = build(
        overrides={
            dt.date(2026, 3, 9): Override(
                OverrideKind.SPECIAL_HOURS, "Họp", ((hm(7, 30), hm(11, 30)),)
            )
        }
    )
    # Monday has only 4 h: 07:30 + 1 day (8 h) → Tue 11:30.
    assert due(at(2026, 3, 9, 7, 30), 1, cal=cal) == at(2026, 3, 10, 11, 30)


def test_agency_office_hours_change_the_day() -> None:
    cal = build(periods=((hm(7), hm(11)), (hm(13, 30), hm(17, 30))))
    assert due(at(2026, 3, 9, 7), "0.5") == at(2026, 3, 9, 11, 30)  # national: opens 07:30
    assert due(at(2026, 3, 9, 7), "0.5", cal=cal) == at(2026, 3, 9, 11)


def test_working_time_between_two_instants() -> None:
    # Fri 16:00 → Mon 09:00: 1 h + 1.5 h.
    assert NATIONAL.working_hours_between(at(2026, 3, 6, 16), at(2026, 3, 9, 9)) == Decimal("2.5")


def test_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        NATIONAL.add(at(2026, 3, 9, 8), -1, "working_days")


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        NATIONAL.add(dt.datetime(2026, 3, 9, 8), 1, "working_days")


# --- properties --------------------------------------------------------------------------
instants = st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2033, 12, 31)).map(
    lambda value: value.replace(tzinfo=VN)
)
# Allowances as agencies write them: multiples of 1/8 day (one working hour), up to 60 days.
allowances = st.integers(min_value=0, max_value=480).map(lambda eighths: Decimal(eighths) / 8)
# Adding nothing to a due time that ends a period moves it to the next opening (the clock of
# the next step starts there), so the chaining property is about positive amounts.
positive_allowances = st.integers(min_value=1, max_value=480).map(lambda e: Decimal(e) / 8)


@settings(max_examples=300, deadline=None)
@given(start=instants, first=allowances, second=positive_allowances)
def test_adding_a_then_b_equals_adding_a_plus_b(
    start: dt.datetime, first: Decimal, second: Decimal
) -> None:
    step = NATIONAL.add(start, first, "working_days").due_at
    assert NATIONAL.add(step, second, "working_days").due_at == due(start, first + second)


@settings(max_examples=300, deadline=None)
@given(start=instants, amount=allowances)
def test_due_times_fall_inside_office_hours(start: dt.datetime, amount: Decimal) -> None:
    assert NATIONAL.in_working_time(due(start, amount))


@settings(max_examples=300, deadline=None)
@given(start=instants, amount=allowances, more=allowances)
def test_due_time_never_decreases_when_the_amount_grows(
    start: dt.datetime, amount: Decimal, more: Decimal
) -> None:
    assert due(start, amount + more) >= due(start, amount)


@settings(max_examples=200, deadline=None)
@given(start=instants, hours=st.integers(min_value=0, max_value=400))
def test_working_time_between_start_and_due_is_the_amount(start: dt.datetime, hours: int) -> None:
    result = NATIONAL.add(start, hours, "working_hours")
    assert NATIONAL.working_hours_between(result.start_counted_at, result.due_at) == hours

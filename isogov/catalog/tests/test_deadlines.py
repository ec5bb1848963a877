from __future__ import annotations

import datetime as dt

import pytest

from isogov.catalog.deadlines import add_months, iso_update_deadline, publication_deadline


def weekdays(day: dt.date) -> bool:
    return day.weekday() < 5


@pytest.mark.parametrize(
    ("effective_on", "level", "expected"),
    [
        pytest.param(
            dt.date(2026, 3, 16), "province", dt.date(2026, 3, 9), id="province_five_working_days"
        ),
        pytest.param(
            dt.date(2026, 3, 15), "province", dt.date(2026, 3, 9), id="effective_on_a_sunday"
        ),
        pytest.param(
            dt.date(2026, 3, 30), "ministry", dt.date(2026, 3, 2), id="ministry_twenty_working_days"
        ),
    ],
)
def test_publication_deadline(effective_on: dt.date, level: str, expected: dt.date) -> None:
    assert publication_deadline(effective_on, level, is_working_day=weekdays) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(dt.date(2026, 1, 15), dt.date(2026, 4, 15), id="same_day_three_months_later"),
        pytest.param(dt.date(2025, 11, 30), dt.date(2026, 2, 28), id="short_month_takes_last_day"),
        pytest.param(dt.date(2026, 10, 31), dt.date(2027, 1, 31), id="across_the_year"),
    ],
)
def test_iso_update_deadline_is_three_months_after(day: dt.date, expected: dt.date) -> None:
    assert iso_update_deadline(day) == expected
    assert add_months(day, 0) == day

"""Deadlines of the legal change watch (pure).

- Publication: the chairman publishes the changed procedures at least 5 working days
  (provinces) or 20 working days (ministries) before the legal text takes effect
  (Decree 63/2010 as amended by Decree 92/2017, art. 15).
- ISO update: the agency updates its QMS documents within 3 months of the change
  (Decision 19/2014/QĐ-TTg art. 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

PUBLICATION_LEAD_DAYS = {"province": 5, "ministry": 20}
ISO_UPDATE_MONTHS = 3


def working_days_before(
    day: dt.date, count: int, *, is_working_day: Callable[[dt.date], bool]
) -> dt.date:
    """The date ``count`` working days before ``day`` (``day`` itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def publication_deadline(
    effective_on: dt.date, level: str, *, is_working_day: Callable[[dt.date], bool]
) -> dt.date:
    return working_days_before(
        effective_on, PUBLICATION_LEAD_DAYS[level], is_working_day=is_working_day
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month ``months`` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def iso_update_deadline(effective_on: dt.date) -> dt.date:
    return add_months(effective_on, ISO_UPDATE_MONTHS)

"""When generated dossiers arrive: seasonal load with the Tết dip, on the working calendar.

[A] The shape is illustrative, not measured: more dossiers before the year's end and in spring,
fewer in summer; Mondays busier than Fridays; around Tết (the longest run of days off in January
and February, as the working calendar has it) the week before the break and the two weeks after
it are quiet, the first days back the quietest.
"""

from __future__ import annotations

import datetime as dt
import random

from isogov.workcal.engine import MemoisedCalendar

# Relative load by month (January = index 0).
SEASON = (1.0, 0.9, 1.15, 1.1, 1.05, 0.95, 0.85, 0.9, 1.0, 1.1, 1.15, 1.2)
WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.85, 0.6, 0.6)  # a make-up Saturday is quieter
TET_BEFORE_DAYS = 5  # working days before the break
TET_AFTER = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)  # working days after it
TET_BEFORE_FACTOR = 0.7


def tet_breaks(calendar: MemoisedCalendar, first: dt.date, last: dt.date) -> list[dt.date]:
    """The first working day after each Tết break between ``first`` and ``last``: the end of
    the longest run of days off in January–February of each year (five days or more)."""
    ends = []
    for year in range(first.year, last.year + 1):
        best_start, best_length = None, 0
        run_start, run = None, 0
        day = dt.date(year, 1, 1)
        while day <= dt.date(year, 3, 10):
            if calendar.is_working_day(day):
                if run > best_length:
                    best_start, best_length = run_start, run
                run = 0
            else:
                run_start = day if run == 0 else run_start
                run += 1
            day += dt.timedelta(days=1)
        if best_start is not None and best_length >= 5:
            ends.append(best_start + dt.timedelta(days=best_length))
    return ends


def day_weights(
    calendar: MemoisedCalendar, first: dt.date, last: dt.date
) -> list[tuple[dt.date, float]]:
    """Each working day from ``first`` to ``last`` with its relative load."""
    days = []
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    factor = {day: SEASON[day.month - 1] * WEEKDAY[day.weekday()] for day in days}
    index = {day: position for position, day in enumerate(days)}
    for back in tet_breaks(calendar, first, last):
        while back not in index and back <= last:
            back += dt.timedelta(days=1)
        if back not in index:
            continue
        start = index[back]
        for offset, share in enumerate(TET_AFTER):
            if start + offset < len(days):
                factor[days[start + offset]] *= share
        for offset in range(1, TET_BEFORE_DAYS + 1):
            if start - offset >= 0:
                factor[days[start - offset]] *= TET_BEFORE_FACTOR
    return [(day, factor[day]) for day in days]


def daily_counts(
    weights: list[tuple[dt.date, float]], total: int, rng: random.Random
) -> list[tuple[dt.date, int]]:
    """``total`` dossiers shared out over the days by weight (the remainder drawn at random)."""
    whole = sum(weight for _day, weight in weights)
    counts = [int(total * weight / whole) for _day, weight in weights]
    remainder = total - sum(counts)
    if remainder:
        picks = rng.choices(range(len(weights)), [w for _d, w in weights], k=remainder)
        for pick in picks:
            counts[pick] += 1
    return [(day, count) for (day, _w), count in zip(weights, counts, strict=True)]

"""Benchmark: due-time computations per second on one core (target ≥ 100,000/s).

Run with ``make bench`` or ``.venv/bin/python bench/workcal_due.py``. Prints its figures; not a
timed test. Uses the national calendar (2018–2035) compiled once, as the service layer does.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from isogov.workcal.engine import CalendarSpec, WorkingCalendar
from isogov.workcal.national import national_days

VN = dt.timezone(dt.timedelta(hours=7))
N = 200_000
ROUNDS = 5


def main() -> None:
    started = time.perf_counter()
    days_off, workdays = national_days(2018, 2035)
    calendar = WorkingCalendar(CalendarSpec(2018, 2035, days_off, workdays))
    compile_ms = (time.perf_counter() - started) * 1000

    rng = random.Random(42)
    base = dt.datetime(2020, 1, 1, tzinfo=VN)
    starts = [base + dt.timedelta(minutes=rng.randrange(0, 12 * 365 * 24 * 60)) for _ in range(N)]
    # Allowances as agencies write them: 0.25 … 30 working days.
    amounts = [Decimal(rng.randrange(1, 121)) / 4 for _ in range(N)]
    unit = "working_days"

    rates = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for start, amount in zip(starts, amounts, strict=True):
            calendar.add(start, amount, unit)
        rates.append(N / (time.perf_counter() - t0))

    # Precomputed working-time amounts (what the dossier engine does for chained steps).
    amounts_us = [calendar.amount_to_us(a, unit) for a in amounts]
    t0 = time.perf_counter()
    for start, amount_us in zip(starts, amounts_us, strict=True):
        calendar.add_working_us(start, amount_us)
    raw_rate = N / (time.perf_counter() - t0)

    print(f"calendar compile (18 years, national): {compile_ms:.1f} ms")
    print(
        f"due-time computations (add, working days, Decimal amounts): "
        f"median {statistics.median(rates):,.0f}/s, best {max(rates):,.0f}/s over {ROUNDS}×{N:,}"
    )
    print(f"due-time computations (add_working_us, amount precomputed): {raw_rate:,.0f}/s")
    target = 100_000
    verdict = "meets" if statistics.median(rates) >= target else "MISSES"
    print(f"target {target:,}/s on one core: {verdict}")


if __name__ == "__main__":
    main()

"""Benchmark: the leader dashboard's units ranked by their own steps (docs/indicators.md).

``.venv/bin/python bench/units_ranking.py (--db PATH | --database-url URL) [--runs R]``: on a
database with its daily snapshots (``isogov indicators snapshots``), the CPU and wall time of
``registry.evaluate_units`` (the dashboard's call) for this month to date and for last month
whole (both composed from the stored days, today read live), beside the same figures counted
live over the steps (``queries.step_counts_by_unit``, what a period without stored days costs),
and today's live part alone. Median of R runs after one warm-up; prints the load average. Reads
only. Not a timed test.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from _large_db import timed, use_database

DB, URL, RUNS = use_database(
    "bench/units_ranking.py (--db PATH | --database-url URL) [--runs R]", "isogov-bench-units-"
)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from isogov.accounts.models import Agency, Unit  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE  # noqa: E402
from isogov.core import clock  # noqa: E402
from isogov.indicators import queries  # noqa: E402
from isogov.indicators.registry import Context, Scope, codes, evaluate_units  # noqa: E402


def main() -> None:
    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    units = list(Unit.objects.filter(agency=agency, is_active=True))
    today = clock.today()
    month = (today.replace(day=1), today)
    last_to = month[0] - dt.timedelta(days=1)
    last = (last_to.replace(day=1), last_to)
    steps = codes("steps")
    print(
        f"{connection.vendor}: {len(units)} units; {RUNS} runs each after one warm-up; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    checks: list[tuple[str, Callable[[], object]]] = [
        (
            f"ranked, this month {month[0]}–{month[1]} (composed)",
            lambda: evaluate_units(agency, units, *month, only=steps),
        ),
        (
            f"ranked, last month {last[0]}–{last[1]} (composed)",
            lambda: evaluate_units(agency, units, *last, only=steps),
        ),
        (
            f"counted live, last month {last[0]}–{last[1]}",
            lambda: queries.step_counts_by_unit(Context(Scope(agency=agency), *last)),
        ),
        (
            f"today's live unit part {today}",
            lambda: queries.step_counts_by_unit(Context(Scope(agency=agency), today, today)),
        ),
    ]
    for label, call in checks:
        wall, _p95, cpu = timed(call, RUNS)
        print(f"{label}: {wall:,.1f} ms wall, {cpu:,.1f} ms CPU (median)")


if __name__ == "__main__":
    main()

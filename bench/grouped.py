"""Benchmark: the grouped statistics report by unit and indicator 2.2 per procedure, each beside
the query it replaced, on one database, in one run.

``RUNS=3 .venv/bin/python bench/grouped.py PATH`` (PATH: a SQLite database left by
``bench/generate.py --keep``, read only). Period 1 January–30 November 2026, the demo
department. For each: one warm-up and RUNS timed calls of the old way and the new, median and
slowest, and whether both give the same figures:

- by unit: before, the period's dossiers joined with their steps and classified per joined row
  (``stat_annotate`` over the join, ``COUNT(DISTINCT)``); now ``statistics._count_by_unit``;
- 2.2: before, ``evaluate_all(Scope(…, procedure=p), only=["2.2"])`` for each procedure; now
  ``registry.evaluate_by_procedure``.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics as st
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_SQLITE_PATH"] = sys.argv[1]
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db.models import Count  # noqa: E402

from isogov.accounts.models import Agency  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE  # noqa: E402
from isogov.catalog.models import Procedure  # noqa: E402
from isogov.dossiers.listing import STAT_CATEGORIES, stat_bounds  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402
from isogov.indicators import statistics as report  # noqa: E402
from isogov.indicators.registry import Scope, evaluate_all, evaluate_by_procedure  # noqa: E402

AGENCY = Agency.objects.get(code=DEPARTMENT_CODE)
FROM, TO = dt.date(2026, 1, 1), dt.date(2026, 11, 30)
RUNS = int(os.environ.get("RUNS", "3"))
IDS = sorted(
    set(
        Dossier.objects.filter(agency=AGENCY).values_list(
            "procedure_version__procedure_id", flat=True
        )
    )
)


def by_unit_over_the_join() -> dict[Any, dict[str, int]]:
    start, end, cutoff = stat_bounds(FROM, TO)
    found: dict[Any, dict[str, int]] = {}
    for part in report._parts(AGENCY, start, end):
        rows = (
            report._classified(part, start, end, cutoff)
            .filter(steps__received_at__isnull=False)
            .order_by()
            .values("steps__unit_id", *report._CELL_FIELDS)
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts = found.setdefault(row["steps__unit_id"], dict.fromkeys(STAT_CATEGORIES, 0))
            report._add(counts, row["n"], *(row[name] for name in report._CELL_FIELDS))
    return found


def by_unit_grouped() -> dict[Any, dict[str, int]]:
    return report._count_by_unit(AGENCY, FROM, TO)


def average_per_procedure_one_by_one() -> dict[int, Any]:
    return {
        p.pk: evaluate_all(Scope(agency=AGENCY, procedure=p), FROM, TO, only=["2.2"])[0]
        for p in Procedure.objects.filter(pk__in=IDS)
    }


def average_per_procedure_grouped() -> dict[int, Any]:
    return evaluate_by_procedure(Scope(agency=AGENCY), IDS, FROM, TO)


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    call()
    times = []
    result = None
    for _ in range(RUNS):
        started = time.monotonic()
        result = call()
        times.append((time.monotonic() - started) * 1000)
    return result, st.median(times), max(times)


def main() -> None:
    print(
        f"{Dossier.objects.count():,} dossiers, {len(IDS)} procedures, {RUNS} runs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    pairs = (
        ("statistics by unit", by_unit_over_the_join, by_unit_grouped),
        ("2.2 per procedure", average_per_procedure_one_by_one, average_per_procedure_grouped),
    )
    for name, before, after in pairs:
        old, old_median, old_max = timed(before)
        new, new_median, new_max = timed(after)
        print(
            f"{name}: before {old_median:,.0f} / {old_max:,.0f} ms, now {new_median:,.0f} / "
            f"{new_max:,.0f} ms (median / slowest); same figures: {old == new}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()

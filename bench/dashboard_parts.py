"""The leader dashboard's parts at scale, each timed alone (issue 10): the queue's tab counts,
today's live dossier counts, today's live units' steps, the overdue list, and the whole
dashboard's figures (``dashboards.leader_dashboard``, without the page around it).

``.venv/bin/python bench/dashboard_parts.py (--db PATH | --database-url URL) [--runs R]
[--only NAMES]`` (a comma-separated subset of: queue, counts, units, overdue, dashboard). Each
part: one warm-up, then R calls (default 9); the median wall and CPU milliseconds of this
process (on SQLite the database's work is in it too). Reads only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _large_db import option, timed, use_database

_, _, RUNS = use_database(
    "bench/dashboard_parts.py (--db PATH | --database-url URL) [--runs R] [--only NAMES]",
    "isogov-bench-dashboard-parts-",
)

import django  # noqa: E402

django.setup()

from isogov.accounts.models import Agency, User  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE  # noqa: E402
from isogov.core import clock  # noqa: E402
from isogov.dashboards import leader_dashboard  # noqa: E402
from isogov.dossiers.listing import overdue_rows  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402
from isogov.dossiers.queues import dossier_queue_tabs  # noqa: E402
from isogov.indicators import queries  # noqa: E402
from isogov.indicators.registry import Context, Scope  # noqa: E402


def main() -> None:
    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    leader = User.objects.get(username="lanhdao")

    def today() -> Context:
        return Context(Scope(agency=agency), clock.today(), clock.today())

    parts: dict[str, Callable[[], object]] = {
        "queue": lambda: dossier_queue_tabs(user=leader, limit=0),
        "counts": lambda: queries.dossier_counts(today()),
        "units": lambda: queries.step_counts_by_unit(today()),
        "overdue": lambda: overdue_rows(Dossier.objects.filter(agency=agency)),
        "dashboard": lambda: leader_dashboard(agency),
    }
    only = [name for name in option("--only").split(",") if name]
    print(f"{RUNS} calls each after one warm-up")
    print("| part | median wall ms | median CPU ms |")
    print("|---|---:|---:|")
    for name, call in parts.items():
        if only and name not in only:
            continue
        wall, _p95, cpu = timed(call, RUNS)
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()

"""Benchmark: the periodic statistics report, the city dashboard and the bottlenecks over
generated history, beside the same year's on-time count as one hand-written GROUP BY.

``.venv/bin/python bench/reports.py [N] [--db PATH]`` (default N = 100,000 over 12 months). A
fresh temporary SQLite file (WAL) with the demo agencies and catalogue, then ``demo_generate``
of N dossiers (what ``isogov demo generate`` runs, with steps and events); or, with ``--db``, a
database ``bench/generate.py --keep`` left (used read-only: copied first). Times each call
(median and p95 of 5 runs after one warm-up; ``BENCH_RUNS`` changes the 5) over the year to
the end of last month, all from live data (no snapshot), and in the same run the year's
on-time count as one hand-written ``GROUP BY`` over the dossier table; prints the ratio and
the load average. Not a timed test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-reports-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE, seed_catalog  # noqa: E402
from isogov.core import clock  # noqa: E402
from isogov.dossiers.generator import demo_generate  # noqa: E402
from isogov.dossiers.management.commands.demo import ProgressBar  # noqa: E402
from isogov.dossiers.models import Dossier, DossierStep  # noqa: E402
from isogov.indicators import bottlenecks  # noqa: E402
from isogov.indicators.statistics import compute_report  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def timed(call: Callable[[], object]) -> tuple[float, float]:
    call()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[round(0.95 * (len(times) - 1))]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    db = Path(os.environ["ISOGOV_SQLITE_PATH"])
    if "--db" in sys.argv:
        source = sys.argv[sys.argv.index("--db") + 1]
        args.remove(source)
        shutil.copy(source, db)
        agency = Agency.objects.get(code=DEPARTMENT_CODE)
    else:
        count = int(args[0]) if args else 100_000
        call_command("migrate", verbosity=0)
        seed_demo()
        seed_catalog()
        agency = Agency.objects.get(code=DEPARTMENT_CODE)
        started = time.monotonic()
        demo_generate(agency=agency, dossiers=count, months=12, progress=ProgressBar(sys.stderr))
        print(f"generated in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = clock.today()
    date_to = today.replace(day=1) - dt.timedelta(days=1)
    date_from = date_to.replace(month=1, day=1)
    print(
        f"sqlite: {Dossier.objects.count():,} dossiers, {DossierStep.objects.count():,} steps; "
        f"period {date_from}–{date_to}; load average {os.getloadavg()[0]:.1f}"
    )
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=clock.LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=clock.LOCAL_TZ)
    sql = (
        "SELECT COUNT(*) FROM dossiers_dossier WHERE agency_id = %s AND finished_at >= %s "
        "AND finished_at < %s AND finished_at <= due_at GROUP BY agency_id"
    )

    def group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [agency.pk, start, end])
            cursor.fetchall()

    base, base_p95 = timed(group_by)
    print(f"hand-written on-time count (GROUP BY): median {base:.0f} ms, p95 {base_p95:.0f} ms")
    procedure = bottlenecks.procedures_with_steps(agency, date_from, date_to)[0][0]
    calls: list[tuple[str, Callable[[], object]]] = [
        *(
            (
                f"statistics report by {by}",
                lambda by=by: compute_report(agency, date_from, date_to, by),
            )  # type: ignore[misc]
            for by in ("sector", "procedure", "unit")
        ),
        ("city dashboard", lambda: _city(agency, date_to)),
        (
            "bottlenecks: step times",
            lambda: bottlenecks.step_times(agency, procedure, date_from, date_to),
        ),
        ("bottlenecks: late steps", lambda: bottlenecks.late_steps(agency, date_from, date_to)),
    ]
    for name, call in calls:
        median, p95 = timed(call)
        print(
            f"{name}: median {median:,.0f} ms, p95 {p95:,.0f} ms, ratio {median / base:,.1f}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        sys.stdout.flush()
    connection.close()
    shutil.rmtree(TMP, ignore_errors=True)


def _city(agency: Agency, today: dt.date) -> object:
    from isogov.dashboards import city_dashboard

    assert agency.parent is not None
    return city_dashboard(agency.parent, [agency], today)


if __name__ == "__main__":
    main()

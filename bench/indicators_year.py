"""Benchmark: the Decision 766 set for a year over many dossiers (target ≤ 300 ms at 1M).

Run ``.venv/bin/python bench/indicators_year.py [N]`` (default 200,000). Prints its figures; not
a timed test. SQLite in a temporary folder by default; with ``DATABASE_URL`` set (an empty
PostgreSQL database) it runs there. It migrates, seeds the demo agencies and catalogue, receives
one dossier through the services as a template, then bulk-inserts N dossier rows spread over
2025–2026 (about 3 % still open, 5 % late, 30 % online, 1 % with two supplement requests) —
rows only, not the steps and events of real dossiers (that is the generator's job, not built
yet). It then times ``evaluate_all`` for the year 2025 (median and p95 of 9 runs, after one
warm-up) and, in the same run, the year's on-time count as one hand-written query over the
dossier table, and prints the query plans.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

if not os.environ.get("DATABASE_URL"):
    TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-indicators-"))
    os.environ["ISOGOV_DATA_DIR"] = str(TMP)
    os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency, User  # noqa: E402
from isogov.catalog.demo import seed_catalog  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402
from isogov.dossiers.services import (  # noqa: E402
    ApplicantInput,
    IntakeInput,
    PaperInput,
    dossier_receive,
)
from isogov.indicators import queries  # noqa: E402
from isogov.indicators.registry import Context, Scope, compute_all  # noqa: E402

VN = dt.timezone(dt.timedelta(hours=7))
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
RUNS = 9


def template(agency: Agency) -> Dossier:
    data = IntakeInput(
        agency=agency,
        procedure_code="1.014464",
        channel_kind="in_person",
        applicant=ApplicantInput(name="Nguyễn Văn Mẫu", phone="0912345678"),
        papers=[PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
    )
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=VN), tick=False):
        return dossier_receive(actor=User.objects.get(username="motcua"), data=data)


def fill(agency: Agency, count: int) -> None:
    base = template(agency)
    rng = random.Random(766)
    start = dt.datetime(2025, 1, 1, 8, tzinfo=VN)
    span = (dt.datetime(2026, 11, 30, 17, tzinfo=VN) - start).total_seconds()
    skip = {"id", "code", "reference", "current_step", "register_line"}
    fields = {
        f.attname: getattr(base, f.attname)
        for f in Dossier._meta.concrete_fields
        if f.name not in skip
    }
    batch: list[Dossier] = []
    for index in range(count):
        received = start + dt.timedelta(seconds=rng.random() * span)
        due = received + dt.timedelta(days=3)
        row = Dossier(**fields, code=f"BENCH-{index:07d}")
        row.received_at, row.start_counted_at = received, received
        row.due_at = row.promised_due_at = due
        row.channel_kind = "online_full" if rng.random() < 0.3 else "in_person"
        roll = rng.random()
        row.supplement_count = 2 if roll < 0.01 else 0
        if roll < 0.03:  # still open
            row.status, row.finished_at = "in_process", None
        else:
            late = rng.random() < 0.05
            row.finished_at = due + dt.timedelta(hours=5) if late else due - dt.timedelta(hours=9)
            row.returned_at = row.finished_at + dt.timedelta(hours=2)
            row.status = "returned"
            row.outcome = "late" if late else "early"
        batch.append(row)
        if len(batch) == 5000:
            Dossier.objects.bulk_create(batch)
            batch.clear()
    Dossier.objects.bulk_create(batch)


def timed(call: object, runs: int = RUNS) -> tuple[float, float]:
    call()  # type: ignore[operator]  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[round(0.95 * (len(times) - 1))]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    seed_demo()
    seed_catalog()
    agency = Agency.objects.get(code="000.00.15.H26")
    with transaction.atomic():
        fill(agency, count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dossiers_dossier")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {Dossier.objects.count():,} dossiers in "
        f"{time.perf_counter() - started:.0f} s"
    )
    scope = Scope(agency=agency)
    median, p95 = timed(lambda: compute_all(scope, *YEAR))
    print(
        f"Decision 766 set for 2025 (evaluate_all, live): median {median:.0f} ms, p95 {p95:.0f} ms"
    )
    start = dt.datetime(2025, 1, 1, tzinfo=VN)
    end = dt.datetime(2026, 1, 1, tzinfo=VN)
    sql = (
        "SELECT COUNT(*) FROM dossiers_dossier WHERE agency_id = %s AND finished_at >= %s "
        "AND finished_at < %s AND finished_at <= due_at"
    )

    def group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [agency.pk, start, end])
            cursor.fetchone()

    median_sql, p95_sql = timed(group_by)
    print(f"hand-written on-time count for 2025: median {median_sql:.0f} ms, p95 {p95_sql:.0f} ms")
    print(f"ratio (set ÷ one count): {median / median_sql:.1f}")
    ctx = Context(scope, *YEAR)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for number, part in enumerate(queries._parts(ctx), 1):
        query, params = part.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(prefix + query, params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        print(f"part {number} plan: {plan}")


if __name__ == "__main__":
    main()

"""Benchmark: dossiers received per second through ``dossier_receive`` (target ≥ 300/s, SQLite).

Run with ``make bench`` or ``.venv/bin/python bench/dossier_intake.py [N] [--profile]``. Prints its
figures; not a timed test. Builds a temporary file SQLite database with the default settings
(WAL, IMMEDIATE transactions, the Huey queue in the same temporary folder), migrates it, seeds the
demo agencies and catalogue, then receives N dossiers (default 2,000) for the CFS procedure in one
process: code, register line, deadlines, steps, timeline event, audit event and the two receipt
notices (e-mail, SMS) in the outbox, one transaction each, as at the desk.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-intake-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency, User  # noqa: E402
from isogov.catalog.demo import seed_catalog  # noqa: E402
from isogov.dossiers.services import (  # noqa: E402
    ApplicantInput,
    IntakeInput,
    PaperInput,
    dossier_receive,
)
from isogov.notifications.tasks import outbox_deliver_task  # noqa: E402

CFS = "1.014464"
WARM_UP = 20
ROUNDS = 4


def intake(agency: Agency, index: int) -> IntakeInput:
    return IntakeInput(
        agency=agency,
        procedure_code=CFS,
        channel_kind="in_person",
        applicant=ApplicantInput(
            name=f"Nguyễn Thị Hồng Nhung {index}",
            phone=f"09{index:08d}",
            email=f"nhung{index}@example.vn",
            id_number=f"0311900{index:05d}",
            address="Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        ),
        papers=[PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
        request_summary="Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    )


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 2_000
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    seed_demo()
    seed_catalog()
    print(f"database: {connection.vendor} file {TMP / 'bench.sqlite3'}")
    print(f"migrate + seed demo + catalogue: {time.perf_counter() - started:.1f} s")

    officer = User.objects.get(username="motcua")
    agency = Agency.objects.get(code="000.00.15.H26")
    for index in range(WARM_UP):  # compile the working calendar, warm the caches
        dossier_receive(actor=officer, data=intake(agency, index))
    with CaptureQueriesContext(connection) as queries:
        dossier_receive(actor=officer, data=intake(agency, WARM_UP))
    print(f"queries per intake: {len(queries)}")

    profiler = None
    if "--profile" in sys.argv:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    times, rates = [], []
    per_round = max(n // ROUNDS, 1)
    for round_start in range(0, per_round * ROUNDS, per_round):
        t0 = time.perf_counter()
        for index in range(round_start, round_start + per_round):
            t = time.perf_counter()
            dossier_receive(actor=officer, data=intake(agency, WARM_UP + 1 + index))
            times.append(time.perf_counter() - t)
        rates.append(per_round / (time.perf_counter() - t0))
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats("isogov", 30)

    # The split: the after-commit job (one per intake) queued in Huey's own SQLite file.
    enqueue = []
    for _ in range(200):
        t = time.perf_counter()
        outbox_deliver_task()
        enqueue.append(time.perf_counter() - t)

    times.sort()
    total = len(times)
    rate = statistics.median(rates)
    print(
        f"intake through dossier_receive: median {rate:,.0f} dossiers/s, best {max(rates):,.0f}/s "
        f"over {ROUNDS}×{per_round:,} (per intake median "
        f"{statistics.median(times) * 1000:.2f} ms, p95 {times[int(total * 0.95)] * 1000:.2f} ms)"
    )
    print(
        f"  of which the after-commit delivery job queued in SqliteHuey: median "
        f"{statistics.median(enqueue) * 1000:.2f} ms per intake"
    )
    target = 300
    print(f"target {target}/s on SQLite, one process: {'meets' if rate >= target else 'MISSES'}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)

"""Benchmark: the demo history generator (``isogov demo generate``), dossiers per second.

``.venv/bin/python bench/generate.py [N ...] [--months M] [--keep]`` (default N = 100,000 and
1,000,000, M = 12). For each N: a fresh temporary file SQLite database with the default
settings (WAL), migrated and seeded with the demo agencies and catalogue (no dossiers), then
``demo_generate`` of N dossiers over the M months before now, with their steps, timeline events,
clock stops, apologies, papers, fees and one audit event per batch. Prints the rate, the rows
written, the database size, ``isogov audit verify``'s verdict, the CPU seconds of the writing
process and of its workers (``ISOGOV_GENERATE_WORKERS``) and the load average; ``--keep``
leaves the last database (its path is printed) for ``bench/export.py --db``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

PARSER = argparse.ArgumentParser(
    prog="bench/generate.py", description="Dossiers per second of the demo history generator."
)
PARSER.add_argument(
    "sizes", nargs="*", type=int, metavar="N", help="dossiers (default: 100000 1000000)"
)
PARSER.add_argument("--months", type=int, default=12, help="months of history (default: 12)")
PARSER.add_argument("--keep", action="store_true", help="leave the last database in place")
# Parsed before anything is created: --help and a bad option leave nothing behind.
ARGS = PARSER.parse_args()
if any(size < 1 for size in ARGS.sizes) or ARGS.months < 1:
    PARSER.error("N and --months must be at least 1")

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-generate-"))
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
from isogov.audit.services import audit_verify_chain  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE, seed_catalog  # noqa: E402
from isogov.dossiers.generator import default_workers, demo_generate  # noqa: E402
from isogov.dossiers.management.commands.demo import ProgressBar  # noqa: E402
from isogov.dossiers.models import Dossier, DossierEvent, DossierStep  # noqa: E402

DB = TMP / "bench.sqlite3"
SEEDED = TMP / "seeded.sqlite3"


def fresh_database() -> None:
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    shutil.copy(SEEDED, DB)


def main() -> None:
    months = ARGS.months
    sizes = ARGS.sizes or [100_000, 1_000_000]
    keep = ARGS.keep
    call_command("migrate", verbosity=0)
    seed_demo()
    seed_catalog()
    connection.close()
    shutil.copy(DB, SEEDED)
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, {months} months of history"
    )
    try:
        for size in sizes:
            fresh_database()
            agency = Agency.objects.get(code=DEPARTMENT_CODE)
            load_before = os.getloadavg()
            times_before = os.times()
            started = time.monotonic()
            demo_generate(
                agency=agency, dossiers=size, months=months, progress=ProgressBar(sys.stderr)
            )
            seconds = time.monotonic() - started
            times_after = os.times()
            load_after = os.getloadavg()
            # CPU seconds of this (writing) process and of the workers it forked.
            cpu_writer = (times_after.user + times_after.system) - (
                times_before.user + times_before.system
            )
            cpu_workers = (times_after.children_user + times_after.children_system) - (
                times_before.children_user + times_before.children_system
            )
            dossiers = Dossier.objects.count()
            steps = DossierStep.objects.count()
            events = DossierEvent.objects.count()
            verdict = audit_verify_chain()
            size_mb = (
                sum(
                    Path(f"{DB}{s}").stat().st_size
                    for s in ("", "-wal")
                    if Path(f"{DB}{s}").exists()
                )
                / 2**20
            )
            print(
                f"N = {size:>9,}: {dossiers:,} dossiers, {steps:,} steps, {events:,} events in "
                f"{seconds:.1f} s = {dossiers / seconds:,.0f} dossiers/s "
                f"({(dossiers + steps + events) / seconds:,.0f} rows/s); "
                f"database {size_mb:,.0f} MB; "
                f"audit verify: {'OK' if verdict.ok else 'BROKEN'} ({verdict.checked} events); "
                f"CPU {cpu_writer:.1f} s writing + {cpu_workers:.1f} s in "
                f"{default_workers()} workers; "
                f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
            )
            sys.stdout.flush()
    finally:
        connection.close()
        if keep:
            print(f"kept: {DB}")
        else:
            shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()

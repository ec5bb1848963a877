"""The database a read benchmark measures: ``--db PATH`` (a SQLite file left by
``bench/generate.py --keep``) or ``--database-url URL`` (PostgreSQL), and ``--runs R``.

Imported by ``bench/at_scale.py``, ``bench/units_ranking.py`` and ``bench/dashboard_parts.py``
before Django is set up: it points Django at that database, with a data directory of its own
for the run, and the background jobs run inline; ``timed`` is their one timing loop.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def option(name: str) -> str:
    """The value after ``name`` on the command line, or ""."""
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else ""


def use_database(usage: str, prefix: str) -> tuple[str, str, int]:
    """``(path, url, runs)`` from the command line; exits with ``usage`` unless exactly one of
    ``--db`` and ``--database-url`` is given. Sets the environment Django reads."""
    db, url = option("--db"), option("--database-url")
    if bool(db) == bool(url):
        sys.exit(f"usage: {usage}")
    os.environ.pop("DATABASE_URL", None)
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["ISOGOV_SQLITE_PATH"] = str(Path(db).resolve())
    os.environ["ISOGOV_DATA_DIR"] = tempfile.mkdtemp(prefix=prefix)
    # No worker runs beside a benchmark: what a page hands to it (the register's closed months
    # to store, ``dossiers/register_months.py``) runs inline, as the worker would seconds later,
    # so the timed calls after the warm-up see what a served page sees once the worker ran.
    os.environ["ISOGOV_HUEY_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
    return db, url, int(option("--runs") or 9)


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """One warm-up call, then ``runs`` calls: the median and p95 wall milliseconds and the
    median CPU milliseconds of this process (on SQLite the database's work too: it runs in the
    process; a figure that a shared machine's load does not inflate as it does the wall time)."""
    call()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    return statistics.median(wall), wall[round(0.95 * (len(wall) - 1))], statistics.median(cpu)

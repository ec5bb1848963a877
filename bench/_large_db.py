"""The database a read benchmark measures: ``--db PATH`` (a SQLite file left by
``bench/generate.py --keep``) or ``--database-url URL`` (PostgreSQL), and ``--runs R``.

Imported by ``bench/at_scale.py``, ``bench/units_ranking.py`` and ``bench/dashboard_parts.py``
before Django is set up: it points Django at that database, with a data directory of its own
for the run.
"""

from __future__ import annotations

import os
import sys
import tempfile
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
    return db, url, int(option("--runs") or 9)

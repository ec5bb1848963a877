"""The Huey job queue on SQLite, without a full disk sync at every enqueue.

Huey's own ``SqliteHuey`` leaves SQLite's default ``synchronous=FULL``: every enqueue (and every
result or flag written) waits for the disk, and an intake that queues a delivery job waits with
it. Its ``fsync`` option only offers FULL or OFF, and OFF can corrupt the file on a power cut.
This storage sets ``synchronous`` (NORMAL by default: the ``HUEY`` setting's ``synchronous``
key) on each connection of the queue database only. In WAL mode NORMAL never corrupts the
file; what a power cut (not a crash of the process) may lose is the last jobs queued before it.
``docs/operations.md`` ("The job queue") says which jobs those can be and what re-derives them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from huey import SqliteHuey as _SqliteHuey
from huey.storage import SqliteStorage as _SqliteStorage

SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


class SqliteStorage(_SqliteStorage):
    """Huey's SQLite storage with ``PRAGMA synchronous`` set on every connection."""

    def __init__(self, *args: Any, synchronous: str = "NORMAL", **kwargs: Any) -> None:
        level = synchronous.upper()
        if level not in SYNCHRONOUS_LEVELS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_LEVELS)}")
        self.synchronous = level
        super().__init__(*args, **kwargs)

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute(f"PRAGMA synchronous={self.synchronous}")
        return conn


class SqliteHuey(_SqliteHuey):
    """``huey.SqliteHuey`` on ``SqliteStorage`` (the ``HUEY`` setting's ``huey_class``)."""

    storage_class = SqliteStorage

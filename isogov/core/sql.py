"""Plain SQL statements for the few hot single-row reads and writes (ADR 0005), where a
compiled queryset would cost more than the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def fetch_one(sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    """Run ``sql`` on the default connection; its first row, or ``None``."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def fetch_all(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run ``sql`` on the default connection; every row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def execute(sql: str, params: Sequence[Any] = ()) -> None:
    """Run a statement that returns no rows on the default connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh_statistics() -> None:
    """Refresh the query planner's statistics: ``ANALYZE`` (SQLite, every row: 2.4 s at 100,000
    dossiers; PostgreSQL, which autovacuum also does). A sampled SQLite ``ANALYZE``
    (``analysis_limit``) is no good here: it made ``agency_id`` look selective.

    Without statistics SQLite takes the first index that fits: for a search by code it read
    every dossier of the agency through ``agency_id`` instead of the code's own index
    (docs/benchmarks.md, "Dossier search"). Run daily (``core.tasks``) and after a bulk load.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 0")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        else:
            cursor.execute("ANALYZE")

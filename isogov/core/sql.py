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


def execute(sql: str, params: Sequence[Any] = ()) -> None:
    """Run a statement that returns no rows on the default connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

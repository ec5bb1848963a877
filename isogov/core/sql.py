"""Plain SQL statements for the few hot single-row reads and writes (ADR 0005), where a
compiled queryset would cost more than the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


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


class ModelColumns:
    """A model's concrete columns under a table alias, for a hand-written ``SELECT`` that joins
    several models, and the instances built back from a row as the ORM builds them (each
    field's database converters applied: SQLite's datetimes made aware, JSON decoded).

    Build it once (at import); ``select`` is the column list, ``width`` how many values of the
    row it takes, and ``build(row, start)`` the instance, or ``None`` when its primary key is
    NULL (the right side of a ``LEFT JOIN`` that found nothing).
    """

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.select = ", ".join(f'"{alias}"."{field.column}"' for field in self.fields)
        self.width = len(self.fields)
        self._pk = self.attnames.index(model._meta.pk.attname)
        self._converters: dict[str, list[tuple[int, list[Any], Any]]] = {}

    def _converters_for(self, db: Any) -> list[tuple[int, list[Any], Any]]:
        converters = self._converters.get(db.vendor)
        if converters is None:
            converters = []
            for i, field in enumerate(self.fields):
                col = field.get_col(self.alias)
                found = db.ops.get_db_converters(col) + col.get_db_converters(db)
                if found:
                    converters.append((i, found, col))
            self._converters[db.vendor] = converters
        return converters

    def build(self, row: Sequence[Any], start: int = 0) -> Any:
        values = list(row[start : start + self.width])
        if values[self._pk] is None:
            return None
        for i, found, col in self._converters_for(connection):
            value = values[i]
            for converter in found:
                value = converter(value, col, connection)
            values[i] = value
        return self.model.from_db(connection.alias, self.attnames, values)


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

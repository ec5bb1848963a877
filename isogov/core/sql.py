"""Plain SQL statements for the few hot single-row reads and writes (ADR 0005), where a
compiled queryset would cost more than the database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

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


# SQLite's page cache for a read that goes once through many pages (an export, a register
# file): each page is read once, so a large cache buys nothing, and a million dossiers read
# through the default 256 MiB (``ISOGOV_SQLITE_CACHE_MB``) filled it to the last page: the
# dossier-list export of 1,000,000 rows peaked at 381 MB, 121 MB with this one
# (docs/benchmarks.md, "Exports"). A read of fewer rows than ``ONE_PASS_AFTER_ROWS`` keeps the
# connection's cache as it is: shrinking it drops the pages the next request would find there.
ONE_PASS_CACHE_KIB = 8192
ONE_PASS_AFTER_ROWS = 10_000

T = TypeVar("T")


@contextmanager
def sqlite_cache(kib: int) -> Iterator[None]:
    """SQLite: the connection's page cache at ``kib`` KiB while inside, then as it was (a
    smaller cache frees the pages above it). Other databases: nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    before = fetch_one("PRAGMA cache_size")
    execute(f"PRAGMA cache_size = {-abs(int(kib))}")
    try:
        yield
    finally:
        execute(f"PRAGMA cache_size = {int(before[0]) if before else -2000}")


def read_once(rows: Iterable[T], *, after: int | None = None) -> Iterator[T]:
    """``rows`` (a query read in chunks): the first ``after`` (``ONE_PASS_AFTER_ROWS``) under
    the connection's cache, the rest under the small one of ``ONE_PASS_CACHE_KIB``, set back
    when the rows run out or the reader stops early (a dropped download). ``after=0``: small
    from the first row, for a query SQLite sorts when its first row is asked for (its sorter
    takes memory up to the cache's size)."""
    first = ONE_PASS_AFTER_ROWS if after is None else after
    remaining = iter(rows)
    read = 0
    for row in islice(remaining, first):
        read += 1
        yield row
    if read < first:
        return
    with sqlite_cache(ONE_PASS_CACHE_KIB):
        yield from remaining


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

"""A batch's rows handed from a worker to the writer as a SQLite image (SQLite only).

Measured on one batch of 20,000 dossiers (docs/benchmarks.md): the writer spent 0.8 s of CPU
unpickling the rows a worker sent and 3.3 s binding them, row by row, in one ``executemany``
per table; the same rows copied with one ``INSERT … SELECT`` per table from a database the
worker filled take 1.1 s, the indexes included. So on SQLite the worker writes its rows into a
private database file with one plain table per table (no keys, no indexes, no affinity: the
values as ``rows.RowMaker`` made them, in order) and sends its name; the writer attaches it
(outside the batch's transaction) and copies each table inside the transaction, where the
column affinities of the real tables convert the values as binding them would have.

The file, not the bytes: an in-memory image sent through the pool's pipe was copied five
times on its way (``serialize``, pickling, the pipe, unpickling, ``deserialize``), some 70 MB a
batch, in both processes. The files go in a directory of the run under ``/dev/shm`` (memory,
so no disk write; the temporary directory where there is none) and are deleted once copied.

Used only where ``ATTACH`` may run: SQLite outside a transaction (not inside a caller's atomic
block, as in the tests, which keep the rows in memory: ``rows.Batch.write``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, models

from ..models import (
    ClockStop,
    Dossier,
    DossierEvent,
    DossierFee,
    DossierPaper,
    DossierStep,
    Extension,
)
from .rows import Batch, Counters
from .tables import COLUMNS, insert_dossiers

SCHEMA = "generator_batch"
# The batch's lists, the model each goes to, in the order they are written.
TABLES: tuple[tuple[str, type[models.Model]], ...] = (
    ("dossiers", Dossier),
    ("steps", DossierStep),
    ("events", DossierEvent),
    ("stops", ClockStop),
    ("extensions", Extension),
    ("papers", DossierPaper),
    ("fees", DossierFee),
)
IMAGE_CACHE_KIB = -262_144  # a batch's image is written once, at its commit
_STOP = COLUMNS[Dossier].index("stop_number")
_OUTGOING = COLUMNS[Extension].index("outgoing_number")


def usable() -> bool:
    """Whether this connection can take images: SQLite, outside a transaction."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def pack(batch: Batch, path: str) -> None:
    """Write the batch's rows into a new database file at ``path`` (in the worker). The tables
    are created first, so that every image has the same layout. No journal and no sync: the
    file is read once, by the writer, then deleted."""
    Path(path).unlink(missing_ok=True)
    image = sqlite3.connect(path, isolation_level=None)
    try:
        image.execute("PRAGMA journal_mode = OFF")
        image.execute("PRAGMA synchronous = OFF")
        image.execute(f"PRAGMA cache_size = {IMAGE_CACHE_KIB}")
        image.execute("BEGIN")
        for name, model in TABLES:
            columns = ", ".join(f"c{index}" for index in range(len(COLUMNS[model])))
            image.execute(f"CREATE TABLE {name} ({columns})")
        for name, model in TABLES:
            image.executemany(
                f"INSERT INTO {name} VALUES ({', '.join(['?'] * len(COLUMNS[model]))})",  # noqa: S608
                getattr(batch, name),
            )
        image.execute("COMMIT")
    finally:
        image.close()


@contextmanager
def attached() -> Iterator[str]:
    """For the run (outside any transaction): the schema the images are attached as, and the
    directory the workers write them in (``/dev/shm`` where there is one: memory, not disk),
    removed with what is left in it at the end."""
    shared = Path("/dev/shm")  # noqa: S108 (mkdtemp: a new private directory)
    where = shared if shared.is_dir() and os.access(shared, os.W_OK) else None
    directory = tempfile.mkdtemp(prefix="isogov-generate-", dir=where)
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE ':memory:' AS {SCHEMA}")
        try:
            yield directory
        finally:
            _detach()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def load(image: str) -> None:
    """Attach a batch's image (the file a worker wrote; before the batch's transaction
    begins), in place of the one before, whose file is deleted.

    Attached anew each time: every image has the same schema cookie, so statements prepared
    for the image before would not be prepared again and could read another image's pages;
    detaching expires them."""
    _detach()
    with connection.cursor() as cursor:
        cursor.execute(f"ATTACH DATABASE %s AS {SCHEMA}", [image])


def _detach() -> None:
    """Detach the attached image and delete its file (none for the empty in-memory one)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT file FROM pragma_database_list WHERE name = %s", [SCHEMA])
        row = cursor.fetchone()
        cursor.execute(f"DETACH DATABASE {SCHEMA}")
    if row and row[0]:
        Path(row[0]).unlink(missing_ok=True)


def write(first_dossier: int, last_dossier: int, numbers: Sequence[tuple[str, int, int]]) -> None:
    """Copy the loaded batch into the tables (inside the batch's transaction), after giving its
    stop notices and apologies their outgoing numbers (``numbered``)."""
    with connection.cursor() as cursor:
        for name, index, number in numbers:
            column = f"c{_STOP}" if name == "dossiers" else f"c{_OUTGOING}"
            cursor.execute(
                f"UPDATE {SCHEMA}.{name} SET {column} = %s WHERE rowid = %s",  # noqa: S608
                [number, index + 1],  # a fresh table's rowids count the rows from 1
            )
    quote = connection.ops.quote_name
    for name, model in TABLES:
        by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
        columns = ", ".join(quote(by_attname[column]) for column in COLUMNS[model])
        sql = (
            f"INSERT INTO main.{quote(model._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT * FROM {SCHEMA}.{name} ORDER BY rowid"
        )
        if name == "dossiers":
            insert_dossiers((), copy=sql, first=first_dossier, last=last_dossier)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql)


def numbered(
    pending: Sequence[tuple[str, int, str]], counters: Counters
) -> list[tuple[str, int, int]]:
    """The outgoing numbers of the batch's stop notices and apologies, in the services' order
    (as ``rows.number_outgoing`` gives them to rows in memory)."""
    return [(table, index, counters.next(scope)) for table, index, scope in pending]

"""``insert_rows``: Django's ``bulk_create`` for the hot write paths, without its per-value cost.

Receiving a dossier writes about fifteen rows with some two hundred values. Through
``bulk_create`` each value goes through the SQL compiler's generic chain (``pre_save_val``,
``prepare_value``, ``field_as_sql``, ``get_db_prep_save`` …), which costs more than SQLite
spends storing the whole dossier. ``insert_rows`` builds the ``INSERT`` once per model and
passes a value straight to the driver when it already is a plain ``str``, ``int``, ``bool`` or
``None`` for a field that stores it as it is (a ``str`` enum too, as Django does); an aware
datetime goes through the backend's own conversion (SQLite's inlined, checked by a test); every
other value (decimals, JSON, files, lazy strings, naive datetimes …) still goes through the
field's own ``pre_save`` and ``get_db_prep_save``. A test stores the same objects with
``bulk_create`` and with ``insert_rows`` and compares the rows, on SQLite and PostgreSQL.
ADR 0005.

Like ``bulk_create``: no ``save()`` and no signals; ``auto_now``/``auto_now_add`` fields are set;
the primary keys are set on the objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# Fields whose database value is the Python value itself when it is of the exact plain type.
_PLAIN: tuple[tuple[type[models.Field[Any, Any]], tuple[type, ...]], ...] = (
    (models.BooleanField, (bool, type(None))),
    (models.IntegerField, (int, type(None))),
    (models.CharField, (str, type(None))),
    (models.TextField, (str, type(None))),
)

PLAIN, RELATION, TIMESTAMP, DATETIME, FIELD = range(5)


@dataclass(frozen=True, slots=True)
class _Column:
    attname: str
    field: models.Field[Any, Any]
    kind: int
    plain: tuple[type, ...]  # PLAIN only: the exact types stored as they are
    text: bool  # PLAIN: a char or text field, which stores any ``str`` as it is


@dataclass(frozen=True, slots=True)
class _Statement:
    sql_head: str
    row_sql: str
    returning_sql: str  # " RETURNING <pk>" for an auto primary key, else ""
    columns: tuple[_Column, ...]


_MISSING = object()
_statements: dict[tuple[type[models.Model], str], _Statement] = {}


def _column(field: models.Field[Any, Any]) -> _Column:
    def column(kind: int, plain: tuple[type, ...] = ()) -> _Column:
        return _Column(
            attname=field.attname,
            field=field,
            kind=kind,
            plain=plain,
            text=isinstance(field, models.CharField | models.TextField),
        )

    if isinstance(field, models.ForeignKey):
        return column(RELATION)
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return column(TIMESTAMP)
    if type(field) is models.DateTimeField:  # not auto_now: its pre_save reads the attribute
        return column(DATETIME)
    own_prep = type(field).get_db_prep_save is not models.Field.get_db_prep_save
    own_pre_save = type(field).pre_save is not models.Field.pre_save
    if isinstance(field, models.FileField) or own_prep or own_pre_save:
        return column(FIELD)
    for field_class, types in _PLAIN:
        if isinstance(field, field_class):
            return column(PLAIN, types)
    return column(FIELD)


def _statement(model: type[models.Model], conn: BaseDatabaseWrapper) -> _Statement:
    key = (model, conn.vendor)
    statement = _statements.get(key)
    if statement is None:
        opts = model._meta
        pk = opts.pk
        columns = tuple(
            _column(field)
            for field in opts.concrete_fields
            if not (field is pk and isinstance(field, models.AutoField))
        )
        quote = conn.ops.quote_name
        names = ", ".join(quote(column.field.column) for column in columns)
        returning = isinstance(pk, models.AutoField)
        statement = _Statement(
            sql_head=f"INSERT INTO {quote(opts.db_table)} ({names}) VALUES ",  # noqa: S608
            row_sql="(" + ", ".join(["%s"] * len(columns)) + ")",
            returning_sql=f" RETURNING {quote(pk.column)}" if returning and pk else "",
            columns=columns,
        )
        _statements[key] = statement
    return statement


def _datetime_adapter(conn: BaseDatabaseWrapper) -> Callable[[dt.datetime], Any]:
    """The backend's conversion of an aware datetime (SQLite's inlined: it is called often)."""
    if conn.vendor == "sqlite" and settings.USE_TZ:
        tz = conn.timezone
        # What DatabaseOperations.adapt_datetimefield_value does for an aware datetime.
        return lambda value: str(value.astimezone(tz).replace(tzinfo=None))
    return conn.ops.adapt_datetimefield_value


def _value(column: _Column, obj: models.Model, conn: BaseDatabaseWrapper) -> Any:
    """A value that is not plain: the conversion ``bulk_create`` makes."""
    field = column.field
    value = field.pre_save(obj, True) if column.kind == FIELD else getattr(obj, column.attname)
    return field.get_db_prep_save(value, conn)


def insert_rows(
    objs: Sequence[models.Model], *, with_sql: str = "", with_params: Sequence[Any] = ()
) -> None:
    """Insert ``objs`` (all of one model) in one statement; their primary keys are set.

    ``with_sql`` (PostgreSQL) puts a ``WITH`` clause before the ``INSERT``, e.g. a
    data-modifying statement that then travels in the same round trip (``audit.services``).
    """
    if not objs:
        return
    model = type(objs[0])
    conn = connections[DEFAULT_DB_ALIAS]
    statement = _statement(model, conn)
    now = timezone.now()
    now_db = conn.ops.adapt_datetimefield_value(now)
    adapt_datetime = _datetime_adapter(conn)
    params: list[Any] = list(with_params)
    append = params.append
    for obj in objs:
        if type(obj) is not model:
            raise TypeError("insert_rows takes objects of one model")
        values = obj.__dict__
        related = obj._state.fields_cache
        # The common cases inline; anything else through ``_value`` (the field's own conversion).
        for column in statement.columns:
            value = values.get(column.attname, _MISSING)
            kind = column.kind
            if kind == PLAIN:
                # A str enum (TextChoices) reaches the driver as it is through Django too.
                if type(value) in column.plain or (column.text and isinstance(value, str)):
                    append(value)
                    continue
            elif kind == RELATION:
                if value is None:
                    # Assigned before the related object was saved (as ``bulk_create`` allows).
                    target = related.get(column.field.name)
                    if target is not None and target.pk is not None:
                        value = values[column.attname] = target.pk
                if value is None or type(value) is int:
                    append(value)
                    continue
            elif kind == TIMESTAMP:
                values[column.attname] = now  # what ``pre_save`` sets, one instant per call
                append(now_db)
                continue
            elif kind == DATETIME:
                if value is None:
                    append(None)
                    continue
                if type(value) is dt.datetime and value.tzinfo is not None:
                    append(adapt_datetime(value))
                    continue
            append(_value(column, obj, conn))
    sql = (
        with_sql
        + statement.sql_head
        + ", ".join([statement.row_sql] * len(objs))
        + statement.returning_sql
    )
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        if statement.returning_sql:
            # One statement's keys grow in the order of its rows on both databases.
            keys = sorted(row[0] for row in cursor.fetchall())
            for obj, key in zip(objs, keys, strict=True):
                obj.pk = key
    for obj in objs:
        obj._state.adding = False
        obj._state.db = conn.alias

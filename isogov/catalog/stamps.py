"""The triggers that replace the catalogue stamp (``intake.py``, ADR 0005), kept in place.

Migration 0004 created them. On SQLite a later migration that rebuilds one of these tables (to
add a constraint, say) drops its triggers with the old table, so after every ``migrate`` (and
``flush``) ``ensure_stamp_triggers`` creates whichever is missing, and the stamp row.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# The tables an intake plan is read from.
STAMPED_TABLES = (
    "catalog_procedure",
    "catalog_procedureversion",
    "catalog_procedurechannel",
    "catalog_feeitem",
    "catalog_paper",
    "catalog_internalprocess",
    "catalog_internalprocess_versions",
    "catalog_processstep",
    "catalog_agencyprocedure",
    "accounts_unit",
)
STAMP_TABLE = "catalog_catalogstamp"
_OPERATIONS = ("insert", "update", "delete")

SQLITE_NEW_VALUE = "lower(hex(randomblob(16)))"
POSTGRES_NEW_VALUE = "replace(gen_random_uuid()::text, '-', '')"
_POSTGRES_TOUCH = f"INSERT INTO {STAMP_TABLE} (id, value) VALUES (1, {POSTGRES_NEW_VALUE})"  # noqa: S608
POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION isogov_catalog_touch() RETURNS trigger AS $$ BEGIN "
    + _POSTGRES_TOUCH
    + " ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value; RETURN NULL; "
    "END; $$ LANGUAGE plpgsql"
)


def trigger_names(table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"{table}_stamp_{operation}" for operation in _OPERATIONS]
    return [f"{table}_stamp"]


def _sqlite(cursor: Any, tables: tuple[str, ...]) -> int:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    existing = {row[0] for row in cursor.fetchall()}
    touch = f"INSERT OR REPLACE INTO {STAMP_TABLE} (id, value) VALUES (1, {SQLITE_NEW_VALUE})"  # noqa: S608
    created = 0
    for table in tables:
        for operation in _OPERATIONS:
            name = f"{table}_stamp_{operation}"
            if name not in existing:
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {table} "
                    f"FOR EACH ROW BEGIN {touch}; END"
                )
                created += 1
    cursor.execute(
        f"INSERT OR IGNORE INTO {STAMP_TABLE} (id, value) VALUES (1, {SQLITE_NEW_VALUE})"  # noqa: S608
    )
    return created


def _postgres(cursor: Any, tables: tuple[str, ...]) -> int:
    cursor.execute(POSTGRES_FUNCTION)
    cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    existing = {row[0] for row in cursor.fetchall()}
    created = 0
    for table in tables:
        name = f"{table}_stamp"
        if name not in existing:
            # One run per statement, not per row: an import of thousands of rows runs it once.
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION isogov_catalog_touch()"
            )
            created += 1
    cursor.execute(f"{_POSTGRES_TOUCH} ON CONFLICT (id) DO NOTHING")
    return created


def ensure_stamp_triggers(connection: BaseDatabaseWrapper) -> int:
    """Create the missing stamp triggers (and the stamp row); how many triggers were created."""
    tables = set(connection.introspection.table_names())
    if STAMP_TABLE not in tables:  # migrated back before 0004
        return 0
    present = tuple(table for table in STAMPED_TABLES if table in tables)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite(cursor, present)
        if connection.vendor == "postgresql":
            return _postgres(cursor, present)
    raise RuntimeError(f"no catalogue stamp triggers for {connection.vendor}")

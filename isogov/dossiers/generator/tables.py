"""The generator's rows written to their tables: one prepared ``executemany`` per table, the
dossiers' full-text lines in one statement on SQLite, and PostgreSQL's identity sequences moved
past the keys written.

``COLUMNS`` names every column of each table, in the order the rows give them: a field added to
a model makes the generator fail its test until it is written here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from ..search import FTS_TABLE, SQLITE_TRIGGERS

COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Dossier: (
        "id", "created_at", "updated_at", "version", "code", "reference", "agency_id",
        "procedure_version_id", "channel_id", "procedure_code", "procedure_name", "channel_kind",
        "time_value", "time_unit", "ruleset", "applicant_kind", "applicant_name",
        "applicant_id_number", "applicant_address", "applicant_phone", "applicant_email",
        "representative_name", "request_summary", "sets_count", "status", "submitted_at",
        "intake_due_at", "received_at", "received_by_id", "is_backdated", "handling_unit_id",
        "current_step_id", "start_counted_at", "due_at", "promised_due_at", "service_due_at",
        "service_time_value", "service_time_unit", "waiting_seconds", "supplement_count",
        "appointment_moves", "finished_at", "returned_at", "return_method",
        "result_collector_name", "result_collector_id_number", "result_tracking_number",
        "outcome", "late_by_seconds", "result_number", "result_summary", "result_signer",
        "result_file", "result_approved_by_id", "result_approved_at", "register_line",
        "stop_number", "stop_symbol", "search_text", "applicant_phone_key", "applicant_id_key",
        "access_token", "rating_token", "source", "external_code", "stopped_at",
    ),
    DossierStep: (
        "id", "dossier_id", "order", "kind", "name", "unit_id", "unit_label", "role",
        "allowance_value", "allowance_unit", "is_counted", "assignee_id", "received_at",
        "due_at", "finished_at", "finished_by_id", "outcome", "late_by_seconds", "note",
    ),
    DossierEvent: (
        "dossier_id", "at", "actor_id", "action", "from_status", "to_status", "own_message",
        "own_data", "audit_event_id",
    ),
    ClockStop: (
        "dossier_id", "started_at", "ended_at", "reason", "legal_basis", "items",
        "received_items", "requested_by_id",
    ),
    Extension: (
        "dossier_id", "previous_due_at", "new_due_at", "reason", "approved_by_id", "created_at",
        "outgoing_number", "outgoing_symbol",
    ),
    DossierPaper: (
        "dossier_id",
        "name",
        "originals",
        "copies",
        "scan",
        "scan_name",
        "uploaded_at",
        "originals_returned_at",
    ),
    DossierFee: ("dossier_id", "name", "amount_vnd", "note"),
}  # fmt: skip

FTS_TRIGGER = "dossiers_dossier_fts_insert"


def next_ids(model: type[models.Model]) -> int:
    """The first free primary key (the batch holds the write lock: nobody takes it meanwhile)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0] or 0) + 1 if row else 1


def insert(model: type[models.Model], rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = COLUMNS[model]
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    columns = ", ".join(quote(by_attname[name]) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_dossiers(
    rows: Sequence[tuple[Any, ...]],
    *,
    copy: str | None = None,
    first: int = 0,
    last: int = 0,
) -> None:
    """The dossier rows, and on SQLite their full-text lines in one statement.

    The FTS5 insert trigger (``search.SQLITE_TRIGGERS``) costs some 60 µs a row when fired per
    row of an ``executemany`` and about a sixth of that as one ``INSERT … SELECT`` over the
    batch: inside the batch's transaction the trigger is dropped, the rows and their index
    lines written, and the trigger created again from the same statement the migration uses.
    The index ends as the trigger would have left it; a failed batch rolls all of it back.
    ``copy``: instead of ``rows``, the statement that copies the dossiers ``first`` to ``last``
    from a batch's image (``packed.write``, SQLite only).
    """
    if copy is None:
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
    if connection.vendor != "sqlite":
        insert(Dossier, rows)
        return
    with connection.cursor() as cursor:

        def dossiers() -> None:
            if copy is None:
                insert(Dossier, rows)
            else:
                cursor.execute(copy)

        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [FTS_TRIGGER]
        )
        if cursor.fetchone() is None:  # no full-text index on this database
            dossiers()
            return
        cursor.execute(f'DROP TRIGGER "{FTS_TRIGGER}"')
        dossiers()
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, search_text) "  # noqa: S608
            f"SELECT id, search_text FROM {Dossier._meta.db_table} WHERE id BETWEEN %s AND %s",
            [first, last],
        )
        cursor.execute(SQLITE_TRIGGERS[FTS_TRIGGER])


def fix_sequences(*models_: type[models.Model]) -> None:
    """PostgreSQL: move the identity sequences past the keys given here."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )

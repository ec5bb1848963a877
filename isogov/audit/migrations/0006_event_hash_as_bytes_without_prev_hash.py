"""Store each event's hash as its 32 bytes and stop storing the previous event's hash
(issue 15 §4, ADR 0002).

``prev_hash`` was a second copy of the previous event's ``hash`` in the same chain:
``isogov audit verify`` now takes it from that event's row. The hash still covers it, with the
same canonical JSON, so every existing hash and every signed checkpoint stays valid: an event
whose stored ``prev_hash`` differed from its predecessor's hash (a tampered link) still fails,
since its hash recomputed from the predecessor's differs from the stored one.

The hex ``hash`` becomes a ``bytea``/``BLOB`` column of the raw digest (32 bytes instead of 64
characters); Python keeps reading and writing hex (``audit.fields.DigestField``). The rows are
converted in the database with the append-only guard lifted for this migration only (the same
per-connection flag as ``manage.py flush``). On SQLite, making the new column NOT NULL rebuilds
the table, which drops its append-only triggers: they are created again (0002's statements).
Reversible: the hex hash and ``prev_hash`` are rebuilt from the chain.
"""

from importlib import import_module

from django.db import migrations, models

import isogov.audit.fields

append_only = import_module("isogov.audit.migrations.0002_append_only_triggers")

TABLE = "audit_auditevent"
GENESIS_HASH = "0" * 64


class _guard_lifted:
    """Let this migration's connection update the audit rows, as ``audit_maintenance`` does."""

    def __init__(self, schema_editor):
        self.connection = schema_editor.connection

    def __enter__(self):
        if self.connection.vendor == "sqlite":
            self.connection.ensure_connection()
            self.connection.isogov_audit_maintenance = True
        else:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT set_config('isogov.audit_maintenance', 'on', true)")

    def __exit__(self, *exc):
        if self.connection.vendor == "sqlite":
            self.connection.isogov_audit_maintenance = False
        else:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT set_config('isogov.audit_maintenance', 'off', true)")


def hex_to_bytes(apps, schema_editor):
    connection = schema_editor.connection
    with _guard_lifted(schema_editor), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite 3.40 has no unhex(): a function on this connection only.
            connection.connection.create_function(
                "isogov_unhex", 1, lambda text: bytes.fromhex(text), deterministic=True
            )
            cursor.execute(f"UPDATE {TABLE} SET digest = isogov_unhex(hash)")  # noqa: S608
        else:
            cursor.execute(f"UPDATE {TABLE} SET digest = decode(hash, 'hex')")  # noqa: S608


def bytes_to_hex(apps, schema_editor):
    """Backwards: the hex hash again, and each event's ``prev_hash`` from its predecessor."""
    connection = schema_editor.connection
    hex_of = "lower(hex(digest))" if connection.vendor == "sqlite" else "encode(digest, 'hex')"
    with _guard_lifted(schema_editor), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET hash = {hex_of}")  # noqa: S608
        cursor.execute(
            f"UPDATE {TABLE} SET prev_hash = COALESCE((SELECT p.hash FROM {TABLE} p "  # noqa: S608
            f"WHERE p.chain = {TABLE}.chain AND p.seq = {TABLE}.seq - 1), %s)",
            [GENESIS_HASH],
        )


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in append_only.SQLITE_DOWN + append_only.SQLITE_UP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_merge_chains_and_index_cuts")]

    operations = [
        # Backwards, SQLite rebuilds the table (NOT NULL columns again): triggers last.
        migrations.RunPython(migrations.RunPython.noop, triggers_again),
        migrations.AddField(
            model_name="auditevent",
            name="digest",
            field=isogov.audit.fields.DigestField(null=True, verbose_name="hash"),
        ),
        # Nullable first so that, backwards, they can be added again to a full table and
        # filled before they are NOT NULL again.
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="hash"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="previous hash"
            ),
        ),
        migrations.RunPython(hex_to_bytes, bytes_to_hex),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RenameField(model_name="auditevent", old_name="digest", new_name="hash"),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=isogov.audit.fields.DigestField(verbose_name="hash"),
        ),
        migrations.RunPython(triggers_again, triggers_again),
    ]

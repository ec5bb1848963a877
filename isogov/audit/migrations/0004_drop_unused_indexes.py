"""Drop the audit table's indexes that no query uses (issue 15 §4).

The chain is read in ``seq`` order (its unique index stays); nothing looks events up by time,
agency, action, object or hash. The plain indexes are dropped by name, which leaves the table
as it is; the hash's uniqueness is part of the table on SQLite, so SQLite copies the table
without it, which drops the append-only triggers with the old table: they are created again
(the same statements as 0002). Runs after the dossiers' migration that pairs timeline events
with their audit events through the object index.
"""

from importlib import import_module

from django.db import migrations, models

append_only = import_module("isogov.audit.migrations.0002_append_only_triggers")

TABLE = "audit_auditevent"
OBJECT_INDEX = "audit_audit_object__0e78a5_idx"
FIELDS = ("occurred_at", "agency_code", "action")
TEXT = ("agency_code", "action")  # PostgreSQL also gave them a LIKE index


def _names(schema_editor):
    names = [OBJECT_INDEX]
    for column in FIELDS:
        names.append(schema_editor._create_index_name(TABLE, [column]))
        if schema_editor.connection.vendor == "postgresql" and column in TEXT:
            names.append(schema_editor._create_index_name(TABLE, [column], suffix="_like"))
    return names


def drop_indexes(apps, schema_editor):
    for name in _names(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    model = apps.get_model("audit", "AuditEvent")
    for column in FIELDS:
        field = model._meta.get_field(column)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        if schema_editor.connection.vendor == "postgresql" and column in TEXT:
            schema_editor.execute(schema_editor._create_like_index_sql(model, field), params=None)
    schema_editor.add_index(
        model, models.Index(fields=["object_type", "object_id"], name=OBJECT_INDEX)
    )


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in append_only.SQLITE_DOWN + append_only.SQLITE_UP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_head"),
        ("dossiers", "0015_event_share_existing_message_and_data_with_audit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="auditevent", name=OBJECT_INDEX),
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(editable=False, max_length=100, verbose_name="action"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="agency_code",
                    field=models.CharField(
                        blank=True, editable=False, max_length=64, verbose_name="agency"
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="occurred_at",
                    field=models.DateTimeField(editable=False, verbose_name="occurred at"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.RunPython(triggers_again, triggers_again),
    ]

"""One audit chain per agency, plus the system chain (ADR 0002).

Every existing event stays where it is, in chain 1: the one head row (id 1) becomes the head of
the system chain (``agency_code`` ""), so the chain written so far keeps verifying, with the
same sequence numbers and hashes, and so do the checkpoints already signed. New events of an
agency start that agency's own chain at #1.

On PostgreSQL the heads' id sequence is moved past the hand-made id 1. On SQLite, changing the
columns rebuilds the table, which drops its append-only triggers
(``0002_append_only_triggers``): they are created again here, the same.
"""

from django.db import migrations, models

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    WHEN isogov_audit_maintenance() = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN isogov_audit_maintenance() = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END
    """,
]


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_TRIGGERS:
        schema_editor.execute(statement, params=None)


def head_id_sequence(apps, schema_editor):
    """0003 inserted the head with id 1 by hand, which PostgreSQL's id sequence did not count:
    move it past the existing rows, so that an agency's new head gets a free id."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "SELECT setval(pg_get_serial_sequence('audit_auditchainhead', 'id'), "
        "COALESCE((SELECT MAX(id) FROM audit_auditchainhead), 0) + 1, false)",
        params=None,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_chain_head'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['id'], 'verbose_name': 'audit event', 'verbose_name_plural': 'audit events'},
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='agency_code',
            field=models.CharField(blank=True, default='', max_length=64, unique=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.BigIntegerField(default=1, editable=False, verbose_name='chain'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(editable=False, verbose_name='sequence'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_event_chain_seq'),
        ),
        migrations.RunPython(sqlite_triggers, sqlite_triggers),
        migrations.RunPython(head_id_sequence, migrations.RunPython.noop),
    ]

"""A sent message costs less (issue 15 §4):

- no ``updated_at``: nothing read it (``created_at`` and ``sent_at`` stay);
- ``next_attempt_at`` is empty once a message is sent (cleared here for those already sent);
- the worker's index holds the pending messages only: the (status, next_attempt_at) index held
  every sent message too, nearly the whole table. The worker's query (``status = 'pending' AND
  next_attempt_at <= now ORDER BY next_attempt_at``) uses the partial index on both databases.

Backwards, a sent message's next attempt becomes its sending time.
"""

from django.db import migrations, models

TABLE = "notifications_outboxmessage"


def clear_sent(apps, schema_editor):
    schema_editor.execute(
        f"UPDATE {TABLE} SET next_attempt_at = NULL WHERE status = 'sent'",  # noqa: S608
        params=None,
    )


def refill(apps, schema_editor):
    schema_editor.execute(
        f"UPDATE {TABLE} SET next_attempt_at = COALESCE(sent_at, created_at) "  # noqa: S608
        "WHERE next_attempt_at IS NULL",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_outbox_drop_next_attempt_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="outboxmessage",
            name="notificatio_status_6d08f9_idx",
        ),
        migrations.RemoveField(
            model_name="outboxmessage",
            name="updated_at",
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt at"),
        ),
        migrations.RunPython(clear_sent, refill),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["next_attempt_at"],
                name="outbox_pending_due",
            ),
        ),
    ]

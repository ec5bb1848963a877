"""Sent messages lose their next attempt and leave the worker's index (notifications 0006)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from isogov.notifications.models import OutboxMessage, OutboxStatus

BEFORE = [("notifications", "0005_outbox_drop_next_attempt_index")]


def _migrate(targets: list[tuple[str, str]] | None) -> None:
    """To ``targets``; None: every app's latest migration (where the other tests run)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_sent_messages_are_cleared_and_pending_ones_stay_due() -> None:
    at = dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)
    stamp = connection.ops.adapt_datetimefield_value(at)  # as the ORM writes it
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for recipient, status, sent_at in (
                ("a@example.vn", "sent", stamp),
                ("b@example.vn", "pending", None),
            ):
                cursor.execute(
                    "INSERT INTO notifications_outboxmessage (created_at, updated_at, channel, "
                    "recipient, subject, body, status, attempts, next_attempt_at, sent_at, "
                    "last_error, agency_code, object_type, object_id) VALUES (%s, %s, 'email', "
                    "%s, 'S', 'B', %s, 1, %s, %s, '', '', '', '')",
                    [stamp, stamp, recipient, status, stamp, sent_at],
                )
    finally:
        _migrate(None)
    rows = {m.recipient: m for m in OutboxMessage.objects.all()}
    assert rows["a@example.vn"].next_attempt_at is None
    assert rows["b@example.vn"].next_attempt_at == at
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=at)
    assert [m.recipient for m in due] == ["b@example.vn"]
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "notifications_outboxmessage")
    assert "outbox_pending_due" in indexes

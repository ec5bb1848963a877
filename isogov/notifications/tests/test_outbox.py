from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from isogov.notifications.models import OutboxMessage, OutboxStatus
from isogov.notifications.services import (
    MAX_ATTEMPTS,
    outbox_deliver_due,
    outbox_enqueue,
    outbox_prune,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_message_is_delivered_after_commit() -> None:
    with transaction.atomic():
        outbox_enqueue(
            channel="email",
            recipient="dan@example.vn",
            subject="Biên nhận hồ sơ",
            body="Hồ sơ của Ông/Bà đã được tiếp nhận.",
        )
        assert len(mail.outbox) == 0  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Biên nhận hồ sơ"
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_rolled_back_change_sends_nothing() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(channel="email", recipient="dan@example.vn", body="x")
        raise RuntimeError("the change failed")
    assert len(mail.outbox) == 0
    assert not OutboxMessage.objects.exists()


class FailingSms:
    calls = 0

    def send(self, *, phone: str, text: str) -> None:
        FailingSms.calls += 1
        raise ConnectionError("gateway unreachable")


def test_failed_delivery_is_kept_and_retried_later(settings: pytest.FixtureRequest) -> None:
    settings.ISOGOV_SMS_BACKEND = "isogov.notifications.tests.test_outbox.FailingSms"  # type: ignore[attr-defined]
    FailingSms.calls = 0
    start = dt.datetime(2026, 3, 9, 8, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        outbox_enqueue(channel="sms", recipient="0912345678", body="Kết quả đã có")
        message = OutboxMessage.objects.get()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert "gateway unreachable" in message.last_error
        assert outbox_deliver_due() == 0  # not due again yet
        assert FailingSms.calls == 1
    for minute in range(1, 400, 7):
        with time_machine.travel(start + dt.timedelta(minutes=minute * 10), tick=False):
            outbox_deliver_due()
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS
    assert message.status == OutboxStatus.FAILED


def test_retry_succeeds_when_the_channel_is_back(settings: pytest.FixtureRequest) -> None:
    settings.ISOGOV_SMS_BACKEND = "isogov.notifications.tests.test_outbox.FailingSms"  # type: ignore[attr-defined]
    start = dt.datetime(2026, 3, 9, 8, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        outbox_enqueue(channel="sms", recipient="0912345678", body="Kết quả đã có")
    settings.ISOGOV_SMS_BACKEND = "isogov.notifications.channels.LogSmsBackend"  # type: ignore[attr-defined]
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        assert outbox_deliver_due() == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_one_delivery_job_sends_every_message_of_the_transaction() -> None:
    with transaction.atomic():
        outbox_enqueue(channel="email", recipient="a@example.vn", subject="Một", body="1")
        outbox_enqueue(channel="email", recipient="b@example.vn", subject="Hai", body="2")
        connection = transaction.get_connection()
        assert len(connection.run_on_commit) == 1
    assert sorted(m.subject for m in mail.outbox) == ["Hai", "Một"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_sent_bodies_are_emptied_after_the_retention_and_the_row_stays(
    settings: pytest.FixtureRequest,
) -> None:
    settings.ISOGOV_OUTBOX_BODY_RETENTION_DAYS = 30  # type: ignore[attr-defined]

    def enqueue(at: dt.datetime, **message: str) -> None:
        with time_machine.travel(at, tick=False), transaction.atomic():
            outbox_enqueue(**message)

    enqueue(
        dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC),
        channel="email",
        recipient="a@example.vn",
        subject="S",
        body="old",
    )
    settings.ISOGOV_SMS_BACKEND = f"{__name__}.FailingSms"  # type: ignore[attr-defined]
    enqueue(
        dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        channel="sms",
        recipient="0912345678",
        body="still pending",
    )
    enqueue(
        dt.datetime(2026, 3, 31, 8, tzinfo=dt.UTC),
        channel="email",
        recipient="b@example.vn",
        subject="T",
        body="new",
    )
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC), tick=False):
        assert outbox_prune() == 1
        assert outbox_prune() == 0  # nothing left to empty
    rows = {m.recipient: m for m in OutboxMessage.objects.all()}
    # The row stays (who, when, about what); its text goes, subject and body.
    assert (rows["a@example.vn"].body, rows["a@example.vn"].subject) == ("", "")
    assert rows["a@example.vn"].channel == "email"
    assert rows["a@example.vn"].sent_at is not None
    assert rows["b@example.vn"].subject == "T"
    assert rows["b@example.vn"].body == "new"  # sent within the retention
    assert rows["0912345678"].body == "still pending"  # not sent: kept for a retry

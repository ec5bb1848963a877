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

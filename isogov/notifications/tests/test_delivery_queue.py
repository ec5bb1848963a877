"""At most one delivery job waits in the queue, and no message is left unsent (issue 15 §5).

The queue here is a real SQLite Huey queue in a temporary file (the tests' own queue runs jobs
inline, which would hide the coalescing); the jobs are taken and run as the worker does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from isogov.core.queue import SqliteStorage
from isogov.notifications.models import OutboxMessage, OutboxStatus
from isogov.notifications.services import (
    DELIVERY_QUEUED,
    DELIVERY_QUEUED_STALE_SECONDS,
    delivery_flag_expire,
    outbox_enqueue,
)
from isogov.notifications.tasks import outbox_deliver_periodic, outbox_deliver_task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    huey = outbox_deliver_task.huey
    storage = SqliteStorage(huey.name, filename=str(tmp_path / "huey.sqlite3"))
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", storage)
    yield huey
    storage.close()


def _write(number: int) -> None:
    """One change that tells someone: its own transaction, committed."""
    with transaction.atomic():
        outbox_enqueue(
            channel="email", recipient=f"dan{number}@example.vn", subject=f"#{number}", body="x"
        )


def _work(huey: Any) -> int:
    """Run the queued jobs as the worker does; how many ran."""
    ran = 0
    while (task := huey.dequeue()) is not None:
        assert task.name == "outbox_deliver_task"
        huey.execute(task)
        ran += 1
    return ran


def _sent() -> set[str]:
    return set(
        OutboxMessage.objects.filter(status=OutboxStatus.SENT).values_list("subject", flat=True)
    )


def test_fifty_writes_queue_one_job_that_delivers_all_fifty(queue: Any) -> None:
    for number in range(50):
        _write(number)
        assert queue.pending_count() == 1
    assert len(mail.outbox) == 0  # nothing sent before the worker runs
    assert _work(queue) == 1
    assert _sent() == {f"#{n}" for n in range(50)}
    assert sorted(m.subject for m in mail.outbox) == sorted(f"#{n}" for n in range(50))
    # The job cleared its flag: the next write queues a job again.
    _write(50)
    assert queue.pending_count() == 1
    assert _work(queue) == 1
    assert "#50" in _sent()


def test_a_message_committed_while_the_job_is_taken_is_still_sent(queue: Any) -> None:
    _write(1)
    taken = queue.dequeue()  # the worker has the job, and has not started it
    _write(2)  # the flag is still set: no second job
    assert queue.pending_count() == 0
    queue.execute(taken)
    assert _sent() == {"#1", "#2"}
    _write(3)  # after the job started, a write queues a new one
    assert queue.pending_count() == 1
    assert _work(queue) == 1
    assert _sent() == {"#1", "#2", "#3"}


def test_a_lost_job_delays_messages_by_a_minute_and_its_flag_expires(queue: Any) -> None:
    _write(1)
    queue.storage.flush_queue()  # the job is lost (a power cut after the flag was written)
    _write(2)
    assert queue.pending_count() == 0  # the flag still says a job waits
    outbox_deliver_periodic.call_local()  # the minute's delivery sends both all the same
    assert _sent() == {"#1", "#2"}
    assert queue.get(DELIVERY_QUEUED, peek=True) is not None  # not stale yet
    assert not delivery_flag_expire(queue)
    assert delivery_flag_expire(queue, now=time.time() + DELIVERY_QUEUED_STALE_SECONDS + 1)
    _write(3)
    assert queue.pending_count() == 1
    assert _work(queue) == 1
    assert _sent() == {"#1", "#2", "#3"}


def test_a_rolled_back_write_queues_nothing(queue: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(channel="email", recipient="dan@example.vn", body="x")
        raise RuntimeError("the change failed")
    assert queue.pending_count() == 0
    assert queue.get(DELIVERY_QUEUED, peek=True) is None

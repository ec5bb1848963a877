"""The SQLite job queue syncs to disk as the setting says (isogov/core/queue.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from isogov.core.queue import SqliteHuey, SqliteStorage


def _synchronous(storage: SqliteStorage) -> int:
    return int(storage.conn.execute("PRAGMA synchronous").fetchone()[0])


def test_the_queue_does_not_wait_for_the_disk_by_default(tmp_path: Path) -> None:
    huey = SqliteHuey("isogov", filename=str(tmp_path / "huey.sqlite3"))
    assert _synchronous(huey.storage) == 1  # NORMAL
    assert huey.storage.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    huey.storage.enqueue(b"job")
    assert huey.storage.dequeue() == b"job"


def test_a_full_sync_can_be_asked_for(tmp_path: Path) -> None:
    storage = SqliteStorage("isogov", filename=str(tmp_path / "q.sqlite3"), synchronous="full")
    assert _synchronous(storage) == 2
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStorage("isogov", filename=str(tmp_path / "r.sqlite3"), synchronous="sometimes")


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the Redis queue has no SQLite file")
def test_the_installation_uses_this_queue() -> None:
    assert settings.HUEY["huey_class"] == "isogov.core.queue.SqliteHuey"
    assert settings.HUEY["synchronous"] == "NORMAL"

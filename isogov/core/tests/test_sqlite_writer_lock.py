"""The SQLite backend queues writers on a file lock (isogov/core/sqlite/base.py)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from isogov.core.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Any:
    """These tests open their own SQLite files, never the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path: Path, **options: Any) -> DatabaseWrapper:
    settings_dict = {
        **connections["default"].settings_dict,
        "ENGINE": "isogov.core.sqlite",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0, **options},
    }
    return DatabaseWrapper(settings_dict, alias=f"writer-lock-{id(settings_dict)}")


def _held(lock: Path) -> bool:
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_transaction_holds_the_writer_lock_until_commit_or_rollback(tmp_path: Path) -> None:
    db = _wrapper(tmp_path / "x.sqlite3")
    lock = tmp_path / "x.sqlite3.writer.lock"
    db.ensure_connection()
    db.cursor().execute("CREATE TABLE t (x INTEGER)")
    db._start_transaction_under_autocommit()
    assert _held(lock)
    db.cursor().execute("INSERT INTO t VALUES (1)")
    db.commit()
    assert not _held(lock)
    db._start_transaction_under_autocommit()
    db.cursor().execute("INSERT INTO t VALUES (2)")
    db.rollback()
    assert not _held(lock)
    assert db.cursor().execute("SELECT x FROM t").fetchall() == [(1,)]
    db._start_transaction_under_autocommit()
    db.close()  # a connection closed mid-transaction frees the lock too
    assert not _held(lock)


@pytest.mark.parametrize("writer_lock", [True, False])
def test_concurrent_writers_queue_instead_of_failing(tmp_path: Path, writer_lock: bool) -> None:
    """With no busy timeout at all, two writers only succeed every time if they queue."""
    path = tmp_path / "y.sqlite3"
    setup = _wrapper(path)
    setup.ensure_connection()
    setup.cursor().execute("PRAGMA journal_mode=WAL")
    setup.cursor().execute("CREATE TABLE t (x INTEGER)")
    # Kept open: the WAL stays, so no writer's first read has to rebuild its index.
    failures: list[Exception] = []

    def write(n: int) -> None:
        db = _wrapper(path, writer_lock=writer_lock)
        db.ensure_connection()
        try:
            for i in range(200):
                db._start_transaction_under_autocommit()
                db.cursor().execute("INSERT INTO t VALUES (%s)", [n * 1000 + i])
                db.cursor().execute("SELECT count(*) FROM t")
                db.commit()
        except Exception as error:  # "database is locked": counted below
            failures.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    setup.close()
    if writer_lock:
        assert failures == []
        check = _wrapper(path)
        assert check.cursor().execute("SELECT count(*) FROM t").fetchone() == (600,)
        check.close()
    else:
        # Without the lock and without a busy timeout, writers collide.
        assert failures and all("locked" in str(error) for error in failures), failures

"""The API rates' counters in a SQLite file: one window per client, counted atomically by
every process of the installation (``isogov/api/windows.py``)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from isogov.api.windows import SqliteWindows


def test_a_window_lets_the_rate_through_then_refuses_until_it_ends(tmp_path: Path) -> None:
    store = SqliteWindows(tmp_path / "t.sqlite3")
    hits = [store.hit("k", now=100.0 + i, duration=60, limit=3) for i in range(4)]
    assert hits == [None, None, None, 57.0]  # refused: the window opened at 100 ends at 160
    assert store.hit("k", now=150.0, duration=60, limit=3) == 10.0
    assert store.hit("other", now=150.0, duration=60, limit=3) is None  # each client its own
    assert store.hit("k", now=160.0, duration=60, limit=3) is None  # a new window
    assert store.hit("k", now=161.0, duration=60, limit=3) is None
    assert store.hit("k", now=162.0, duration=60, limit=3) is None
    assert store.hit("k", now=163.0, duration=60, limit=3) == 57.0


def test_ended_windows_are_deleted_now_and_then(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("isogov.api.windows.PRUNE_EVERY", 2)
    path = tmp_path / "t.sqlite3"
    store = SqliteWindows(path)
    store.hit("old", now=0.0, duration=60, limit=3)
    store.hit("new", now=100.0, duration=60, limit=3)
    rows = sqlite3.connect(path).execute("SELECT key FROM window").fetchall()
    assert rows == [("new",)]


def _hammer(path: str, n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = SqliteWindows(path)
    out.put(sum(store.hit("user", now=1000.0, duration=60, limit=50) is None for _ in range(n)))


def test_the_rate_holds_across_processes(tmp_path: Path) -> None:
    """Three processes (gunicorn's workers) counting the same client share one window: exactly
    the rate gets through, however their requests interleave."""
    path = str(tmp_path / "t.sqlite3")
    SqliteWindows(path).clear()  # the file and its table, before the processes race for them
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [context.Process(target=_hammer, args=(path, 40, out)) for _ in range(3)]
    for worker in workers:
        worker.start()
    allowed = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(allowed) == 50  # of 120 requests
    assert all(worker.exitcode == 0 for worker in workers)

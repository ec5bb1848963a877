"""Where the API throttles count: a small SQLite file shared by every process of the
installation, or Django's cache (Redis).

A client's window is one row ``(key, start, count, until)``, read and written by one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, so the counting is atomic across
gunicorn's workers (the file cache's read-then-write was not) and costs one small write instead
of the cache's temporary file renamed over the old one at each API call (``bench/http_edge.py``).
The file is in WAL mode with ``synchronous=NORMAL``, as the job queue's (docs/operations.md): a
commit does not wait for the disk, a power cut cannot corrupt the file but may undo the last
counts (a client then gets a few requests more), which is all a rate limit needs. Windows
that ended are deleted now and then. ``ISOGOV_THROTTLE_STORE`` (docs/settings.md) chooses.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

# Old windows are deleted once in this many counted requests of a process.
PRUNE_EVERY = 1000

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS window ("
    " key TEXT PRIMARY KEY, start REAL NOT NULL, count INTEGER NOT NULL, until REAL NOT NULL"
    ") WITHOUT ROWID"
)
# In SET, every column named is the row's value before the update. A refused request leaves
# ``count`` at limit + 1, so the answer says "refused" and the window's start is kept.
_HIT = (
    "INSERT INTO window (key, start, count, until) VALUES (:key, :now, 1, :now + :duration)"
    " ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN :now >= until THEN 1"
    "  WHEN count < :limit THEN count + 1 ELSE :limit + 1 END,"
    " start = CASE WHEN :now >= until THEN :now ELSE start END,"
    " until = CASE WHEN :now >= until THEN :now + :duration ELSE until END"
    " RETURNING start, count"
)


class SqliteWindows:
    """The windows in one SQLite file: a connection per process and thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._hits = 0

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # not one inherited through a fork
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(_SCHEMA)
            local.db, local.pid = db, os.getpid()
        return local.db

    def hit(self, key: str, *, now: float, duration: float, limit: int) -> float | None:
        """Count one request of ``key``; None when it is let through, else the seconds to wait."""
        db = self._connection()
        start, count = db.execute(
            _HIT, {"key": key, "now": now, "duration": duration, "limit": limit}
        ).fetchone()
        self._hits += 1
        if self._hits % PRUNE_EVERY == 0:
            db.execute("DELETE FROM window WHERE until <= ?", (now,))
        if count > limit:
            return max(0.0, duration - (now - start))
        return None

    def clear(self) -> None:
        self._connection().execute("DELETE FROM window")


class CacheWindows:
    """The windows in Django's cache, as ``(start, count)`` pairs (with Redis, ``REDIS_URL``).

    A read and a write: two workers counting the same client at the same instant may both
    count from the same value, so a client can get a few requests past the rate."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    def hit(self, key: str, *, now: float, duration: float, limit: int) -> float | None:
        start, count = self.cache.get(key, (now, 0))
        if now - start >= duration:
            start, count = now, 0
        if count >= limit:
            return duration - (now - start)
        self.cache.set(key, (start, count + 1), duration)
        return None


_sqlite: dict[str, SqliteWindows] = {}


def windows() -> SqliteWindows | CacheWindows:
    """The store ``ISOGOV_THROTTLE_STORE`` names: ``sqlite`` (the file
    ``ISOGOV_THROTTLE_FILE``) or ``cache``."""
    if settings.ISOGOV_THROTTLE_STORE == "cache":
        from django.core.cache import cache

        return CacheWindows(cache)
    path = str(settings.ISOGOV_THROTTLE_FILE)
    store = _sqlite.get(path)
    if store is None:
        store = _sqlite[path] = SqliteWindows(path)
    return store

"""Each database session is set up as settings.py says (docs/settings.md): SQLite keeps a page
cache of ``ISOGOV_SQLITE_CACHE_MB``; PostgreSQL runs without JIT compilation."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_session_settings() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size")
            # Negative: KiB, not pages.
            assert cursor.fetchone()[0] == -settings.SQLITE_CACHE_MB * 1024
        else:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


def _cache_kib() -> int:
    """The connection's SQLite page cache in KiB (``PRAGMA cache_size`` gives it negative)."""
    from isogov.core.sql import fetch_one

    row = fetch_one("PRAGMA cache_size")
    assert row is not None
    return -int(row[0])


def test_a_long_read_runs_under_a_small_cache_and_sets_the_cache_back(monkeypatch: Any) -> None:
    """``read_once``: past its first ``ONE_PASS_AFTER_ROWS`` rows SQLite's page cache is
    ``ONE_PASS_CACHE_KIB``, and as it was once the rows run out or the reader stops early; a
    shorter read, and any read elsewhere, runs no statement at all."""
    from django.test.utils import CaptureQueriesContext

    from isogov.core import sql
    from isogov.core.sql import ONE_PASS_CACHE_KIB, read_once

    with CaptureQueriesContext(connection) as queries:
        assert list(read_once(iter([1, 2]))) == [1, 2]  # fewer than the threshold
    assert len(queries) == 0
    monkeypatch.setattr(sql, "ONE_PASS_AFTER_ROWS", 2)
    if connection.vendor != "sqlite":
        with CaptureQueriesContext(connection) as queries:
            assert list(read_once(iter([1, 2, 3]))) == [1, 2, 3]
        assert len(queries) == 0
        return
    before = _cache_kib()
    assert before == settings.SQLITE_CACHE_MB * 1024 != ONE_PASS_CACHE_KIB
    seen = [(row, _cache_kib()) for row in read_once(iter("abcd"))]
    small = ONE_PASS_CACHE_KIB
    assert seen == [("a", before), ("b", before), ("c", small), ("d", small)]
    assert _cache_kib() == before
    # ``after=0``: small from the first row.
    assert [(row, _cache_kib()) for row in read_once(iter("ab"), after=0)] == [
        ("a", small),
        ("b", small),
    ]
    assert _cache_kib() == before
    # A download dropped past the threshold: the generator is closed, the cache set back.
    reading = read_once(iter(range(10)))
    assert [next(reading) for _ in range(3)] == [0, 1, 2] and _cache_kib() == small
    reading.close()
    assert _cache_kib() == before

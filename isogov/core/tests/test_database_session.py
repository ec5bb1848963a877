"""Each database session is set up as settings.py says (docs/settings.md): SQLite keeps a page
cache of ``ISOGOV_SQLITE_CACHE_MB``; PostgreSQL runs without JIT compilation."""

from __future__ import annotations

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
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return -int(cursor.fetchone()[0])


def test_a_long_read_runs_under_a_small_cache_and_sets_the_cache_back() -> None:
    """``read_once``: SQLite's page cache is ``ONE_PASS_CACHE_KIB`` while the rows are read, and
    as it was once they run out or the reader stops early; elsewhere it runs no statement."""
    from django.test.utils import CaptureQueriesContext

    from isogov.core.sql import ONE_PASS_CACHE_KIB, read_once

    if connection.vendor != "sqlite":
        with CaptureQueriesContext(connection) as queries:
            assert list(read_once(iter([1, 2]))) == [1, 2]
        assert len(queries) == 0
        return
    before = _cache_kib()
    assert before == settings.SQLITE_CACHE_MB * 1024 != ONE_PASS_CACHE_KIB
    seen = [(row, _cache_kib()) for row in read_once(iter(["a", "b"]))]
    assert seen == [("a", ONE_PASS_CACHE_KIB), ("b", ONE_PASS_CACHE_KIB)]
    assert _cache_kib() == before
    # A download dropped after its first chunk: the generator is closed, the cache set back.
    reading = read_once(iter(range(10)))
    assert next(reading) == 0 and _cache_kib() == ONE_PASS_CACHE_KIB
    reading.close()
    assert _cache_kib() == before

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

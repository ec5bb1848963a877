"""The daily upkeep refreshes the planner's statistics: ANALYZE, and on SQLite also
``PRAGMA optimize`` (isogov/core/sql.py, run by core.tasks.database_statistics)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isogov.core.tasks import database_statistics

pytestmark = pytest.mark.django_db


def test_the_daily_job_analyses_and_optimises() -> None:
    with CaptureQueriesContext(connection) as queries:
        database_statistics.call_local()
    statements = [q["sql"].strip().upper() for q in queries.captured_queries]
    assert "ANALYZE" in statements
    if connection.vendor == "sqlite":
        assert statements.index("PRAGMA ANALYSIS_LIMIT = 0") < statements.index("ANALYZE")
        assert "PRAGMA OPTIMIZE" in statements
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1")
            assert cursor.fetchone()[0] > 0  # the statistics were written

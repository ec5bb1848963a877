"""The period's dossiers are read through the indexes added for them (docs/indicators.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isogov.core import clock
from isogov.indicators import queries
from isogov.indicators.registry import Context, Scope

pytestmark = pytest.mark.django_db


def _plan(sql: str, params: Any = None) -> str:
    """SQLite's plan of ``sql``, its lines joined."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan (PostgreSQL's depends on its statistics)"
)
def test_each_part_of_the_period_is_read_through_an_index(desk: Any) -> None:
    ctx = Context(Scope(agency=desk.department), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    plans = [_plan(*part.values("pk").query.sql_with_params()) for part in queries._parts(ctx)]
    for plan in plans:
        assert "SCAN dossiers_dossier" not in plan, plan
        assert "USING" in plan and "INDEX dossier_agency_" in plan, plan


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan (PostgreSQL's depends on its statistics)"
)
def test_the_dossiers_ended_in_a_running_period_are_counted_through_their_end(desk: Any) -> None:
    # Not through "received before the period": at a million dossiers that range is the whole
    # table (docs/benchmarks.md).
    today = clock.today()
    ctx = Context(Scope(agency=desk.department), today.replace(day=1), today)
    with CaptureQueriesContext(connection) as captured:
        queries.dossier_counts(ctx)
    ended = [
        q["sql"] for q in captured.captured_queries if queries.NEVER.isoformat(" ")[:10] in q["sql"]
    ]
    assert ended
    for sql in ended:
        plan = _plan(sql)
        assert "INDEX dossier_agency_finished" in plan, plan


# ``sqlite_stat1`` of the steps' indexes as ANALYZE left them at 1,000,000 dossiers (4,941,300
# steps: bench/generate.py), with which SQLite chose its plans there.
MILLION_STEP_STATISTICS = {
    "dossierstep_unit_open": "37363 7473 2 1",
    "dossierstep_unit_finished": "3865864 773173 33 23",
    "dossiers_dossierstep_unit_id_c1daaba6": "4941300 988260",
    "dossiers_dossierstep_dossier_id_c1142212": "4941300 5",
}


# ``sqlite_stat1`` of the dossiers' indexes the period's parts may read, at 1,000,000 dossiers
# (bench/generate.py, 4 Dec 2026): 36,787 unfinished, 16,989 of them never stopped.
MILLION_DOSSIER_STATISTICS = {
    "dossier_agency_received": "1000000 1000000 42 1",
    "dossier_agency_finished": "963213 963213 41",
    "dossier_agency_open": "36787 36787 3",
    "dossier_agency_live": "16989 16989 13",
    "dossier_agency_stopped": "19798 19798 2",
    "dossiers_do_agency__37acca_idx": "1000000 1000000 142858",
}


def _statistics_of_a_million() -> None:
    """The test database's planner statistics of the steps and the dossiers replaced by those
    of 1M (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table, statistics in (
            ("dossiers_dossierstep", MILLION_STEP_STATISTICS),
            ("dossiers_dossier", MILLION_DOSSIER_STATISTICS),
        ):
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
            for index, stat in statistics.items():
                cursor.execute(
                    "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                    [table, index, stat],
                )
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan (PostgreSQL's depends on its statistics)"
)
def test_today_s_parts_each_read_their_own_index_with_the_statistics_of_a_million(
    desk: Any,
) -> None:
    """Today's four parts with 1M's statistics: received today, ended today, unfinished and
    never stopped, stopped today. The last read every unfinished dossier (``dossier_agency_open``,
    36,787 rows at 1M) to find none until its receipt was left out of the index choice."""
    today = clock.today()
    ctx = Context(Scope(agency=desk.department), today, today)
    _statistics_of_a_million()
    # As counted: an aggregate, no order.
    parts = [part.order_by().values("pk") for part in queries._parts(ctx)]
    plans = [_plan(*part.query.sql_with_params()) for part in parts]
    expected = ["received", "finished", "live", "stopped"]
    for plan, index in zip(plans, expected, strict=True):
        assert f"INDEX dossier_agency_{index} " in plan, plan


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan (PostgreSQL's depends on its statistics)"
)
def test_today_s_unit_steps_and_the_overdue_list_read_their_small_indexes(desk: Any) -> None:
    """The leader's dashboard live parts (docs/indicators.md, "Units ranked by their steps";
    docs/dashboards.md): today's finished steps and the open steps per unit, and the overdue
    dossiers, each from its partial index, never every step or every open dossier."""
    from isogov.dossiers.listing import overdue_rows
    from isogov.dossiers.models import Dossier

    today = clock.today()
    ctx = Context(Scope(agency=desk.department), today, today)
    _statistics_of_a_million()
    with CaptureQueriesContext(connection) as captured:
        queries.step_counts_by_unit(ctx)
        overdue_rows(Dossier.objects.filter(agency=desk.department))
    plans = [_plan(q["sql"]) for q in captured.captured_queries]
    expected = [
        "dossierstep_unit_finished",
        # The open steps from the dossiers not ended now (``listing.not_ended_by``), each
        # one's steps by its key: not every open step, a stopped dossier's among them.
        "dossier_agency_live",
        "dossierstep_unit_finished",
        "dossier_open_due",
        "dossier_open_moved_due",
    ]
    # Then, when there are some, the first overdue rows by their primary key.
    assert len(plans) == len(expected), plans
    for plan, index in zip(plans, expected, strict=True):
        assert f"INDEX {index} " in plan, plan
        if index == "dossier_agency_live":
            assert "INDEX dossier_agency_finished (agency_id=? AND finished_at>?)" in plan, plan
            assert "INDEX dossier_agency_stopped (agency_id=? AND stopped_at>?)" in plan, plan
            assert "dossierstep_unit_open" not in plan, plan
            assert "dossiers_dossierstep_dossier_id" in plan, plan
        if index.startswith("dossierstep_"):
            # Each unit's range of the index, not the whole index from "unit_id > NULL" (1.7 s
            # at 1,000,000 dossiers for a range that held no step: ``listing.counted_steps``).
            assert f"INDEX {index} (unit_id=?" in plan, plan

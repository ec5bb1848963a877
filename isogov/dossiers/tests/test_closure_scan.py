"""The hourly closure scan reads the dossiers waiting for a supplement through their partial
index, not every dossier (issue 15 §5); its behaviour is tested in test_legal_clock.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from isogov.dossiers import services
from isogov.dossiers.tasks import awaiting_supplement
from isogov.dossiers.tests.test_services import act, at, receive

pytestmark = pytest.mark.django_db


def _plan() -> str:
    if connection.vendor == "postgresql":
        # An empty test table is cheapest to scan whole; forbid that to see whether the index
        # serves the query at all (on a million rows the planner picks it by its own costs).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return awaiting_supplement().explain()


def test_the_scan_reads_through_the_partial_index() -> None:
    plan = _plan()
    assert "dossier_awaiting_supplement" in plan, plan
    if connection.vendor == "sqlite":
        assert "USING INDEX dossier_awaiting_supplement" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # read in id order, no sort
    else:
        assert "Seq Scan on dossiers_dossier" not in plan, plan


def test_the_scan_finds_exactly_the_waiting_dossiers(desk: Any) -> None:
    waiting = receive(desk, at(3, 9, 8))
    receive(desk, at(3, 9, 8, 30))  # in process: not read
    act(at(3, 9, 10), services.dossier_step_complete, waiting, None)
    act(
        at(3, 9, 10),
        services.dossier_request_supplement,
        waiting,
        None,
        reason="Thiếu giấy tờ",
        items=["Giấy phép"],
    )
    assert [d.code for d in awaiting_supplement()] == [waiting.code]

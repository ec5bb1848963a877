"""Bottlenecks (issue 10 item 5): each step's time against its allowance, late steps ranked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.dossiers.models import DossierStep
from isogov.dossiers.tests.conftest import at
from isogov.indicators.bottlenecks import late_steps, percentile, step_times

from .conftest import March

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.9) == 9.0
    assert percentile([5.0], 0.9) == 5.0 and percentile([], 0.9) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_the_late_step_is_found_and_times_compare_with_allowances(march: March, desk: Any) -> None:
    # B's last counted step finished one minute after its due time; A's every step on time.
    agency = desk.department
    late_step = (
        DossierStep.objects.filter(dossier=march.late_one_minute, outcome="late", is_counted=True)
        .select_related("unit")
        .get()
    )
    code = march.late_one_minute.procedure_code
    with time_machine.travel(at(4, 2, 8), tick=False):
        ranked = late_steps(agency, *MARCH)
        times = step_times(agency, code, *MARCH)
    assert [(r.name, r.late, r.procedure_code) for r in ranked] == [(late_step.name, 1, code)]
    assert ranked[0].late_hours == round(late_step.late_by_seconds / 3600, 1)
    row = next(t for t in times if t.order == late_step.order)
    assert row.late == 1 and row.count >= 2
    assert row.p90_hours >= row.average_hours
    # A and B finished every other step exactly at its due time: time = allowance.
    for t in times:
        if t.order != late_step.order and t.late == 0 and t.count:
            assert t.average_hours <= t.allowance_hours, t
    assert step_times(agency, code, dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == []


def test_the_page(client: Any, march: March, desk: Any) -> None:
    client.force_login(desk.user("lanhdao"))
    with time_machine.travel(at(4, 2, 8), tick=False):
        page = client.get("/reports/bottlenecks/?period=month&year=2026&number=3")
        assert page.status_code == 200
        assert page.context["late_steps"] and page.context["steps"]
        bad = client.get("/reports/bottlenecks/?period=month&year=2026&number=3&procedure=X")
        assert bad.status_code == 400
        assert client.get(f"/reports/bottlenecks/?agency={desk.other.code}").status_code == 404

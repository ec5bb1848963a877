"""Snapshots: a closed period keeps its figures after its dossiers change (issue 10 item 8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from isogov.audit.models import AuditEvent
from isogov.core.errors import ValidationFailed
from isogov.dossiers.tests.conftest import at
from isogov.indicators.models import IndicatorSnapshot
from isogov.indicators.registry import Scope, compute_all, evaluate_all, measure
from isogov.indicators.services import closed_periods, snapshot_take
from isogov.indicators.tasks import indicators_take_snapshots

from .conftest import March, finish

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_a_closed_month_keeps_its_figures_after_a_dossier_finishes_late(
    march: March, desk: Any
) -> None:
    scope = Scope(agency=desk.department)
    with time_machine.travel(at(4, 1, 0, 30), tick=False):
        snapshot, created = snapshot_take(
            agency=desk.department, date_from=MARCH[0], date_to=MARCH[1]
        )
    assert created and snapshot.taken_at == at(4, 1, 0, 30)
    assert AuditEvent.objects.filter(action="indicator_snapshot.take").count() == 1
    # D2 (open and overdue on 31/3) is then recorded as finished on 30/3 09:00, exactly at its
    # appointment (steps registered after the fact): live, March becomes 4 ÷ 5 = 80 %.
    finish(march.open_overdue)
    live = {r.code: r for r in compute_all(scope, *MARCH)}
    stored = {r.code: r for r in evaluate_all(scope, *MARCH)}
    assert stored["2.1"].value == Decimal("60.00") and stored["2.1"].points == Decimal("12.00")
    assert stored["2.2"].value == Decimal("3.00")
    assert [r.code for r in stored.values()] == [r.code for r in live.values()]
    assert live["2.1"].value == Decimal("80.00")
    assert measure("2.1", scope, *MARCH).value == Decimal("60.00")  # one measure: stored too
    # A second take is a no-op: the stored snapshot is not recomputed.
    with time_machine.travel(at(4, 2, 0, 30), tick=False):
        again, created = snapshot_take(agency=desk.department, date_from=MARCH[0], date_to=MARCH[1])
    assert (again.pk, created, again.taken_at) == (snapshot.pk, False, at(4, 1, 0, 30))


def test_a_snapshot_answers_only_for_the_whole_agency_and_its_exact_period(
    march: March, desk: Any
) -> None:
    with time_machine.travel(at(4, 1, 0, 30), tick=False):
        snapshot_take(agency=desk.department, date_from=MARCH[0], date_to=MARCH[1])
    IndicatorSnapshot.objects.update(
        figures=[{**row, "value": "1.00"} for row in IndicatorSnapshot.objects.get().figures]
    )
    scope = Scope(agency=desk.department)
    assert compute_all(scope, *MARCH, only=["2.1"])[0].value == Decimal("60.00")  # live
    assert evaluate_all(scope, *MARCH, only=["2.1"])[0].value == Decimal(
        "1.00"
    )  # the stored figures
    assert measure("2.1", scope, *MARCH).value == Decimal("1.00")
    narrowed = Scope(agency=desk.department, officer=desk.user("lanhdao"))
    assert evaluate_all(narrowed, *MARCH, only=["2.1"])[0].value != Decimal("1.00")
    assert evaluate_all(scope, dt.date(2026, 3, 2), MARCH[1], only=["2.1"])[0].value != Decimal(
        "1.00"
    )


def test_a_running_period_is_refused_naming_the_field(desk: Any) -> None:
    with time_machine.travel(at(3, 31, 9), tick=False), pytest.raises(ValidationFailed) as error:
        snapshot_take(agency=desk.department, date_from=MARCH[0], date_to=MARCH[1])
    assert "date_to" in error.value.details


def test_the_daily_job_stores_the_closed_periods_once(march: March, desk: Any) -> None:
    with time_machine.travel(at(4, 1, 0, 30), tick=False):
        first = indicators_take_snapshots.call_local()
        second = indicators_take_snapshots.call_local()
    # 31/3, March, the first quarter, 2025 — for the department, the one agency with dossiers;
    # and the statistics report of March, the quarter and 2025 by sector, procedure and unit.
    assert (first, second) == (4 + 3 * 3, 0)
    stored = IndicatorSnapshot.objects.filter(scope_key="")
    assert sorted(stored.values_list("date_from", "date_to")) == sorted(
        closed_periods(dt.date(2026, 4, 1))
    )
    statistics = IndicatorSnapshot.objects.filter(scope_key__startswith="statistics:")
    assert sorted(set(statistics.values_list("date_from", "date_to"))) == sorted(
        p for p in closed_periods(dt.date(2026, 4, 1)) if p[0] != p[1]
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(
            dt.date(2026, 4, 1),
            [
                (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
                (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
                (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
                (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            ],
            id="first_of_a_quarter",
        ),
        pytest.param(
            dt.date(2026, 5, 20),
            [
                (dt.date(2026, 5, 19), dt.date(2026, 5, 19)),
                (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
                (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
                (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            ],
            id="mid_quarter",
        ),
        pytest.param(
            dt.date(2026, 1, 1),
            [
                (dt.date(2025, 12, 31), dt.date(2025, 12, 31)),
                (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
                (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
                (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            ],
            id="new_year",
        ),
    ],
)
def test_closed_periods(today: dt.date, expected: list[tuple[dt.date, dt.date]]) -> None:
    assert closed_periods(today) == expected

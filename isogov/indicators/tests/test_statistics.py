"""The periodic statistics report (issue 10 item 4): hand-computed on the crafted March, and
reconciled over generated history, every cell's count equal to the dossier list it opens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.dossiers.generator import demo_generate
from isogov.dossiers.listing import STAT_CATEGORIES, ListFilters, apply_filters
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import at
from isogov.indicators.models import IndicatorSnapshot
from isogov.indicators.services import statistics_snapshot_take
from isogov.indicators.statistics import (
    BY,
    compute_report,
    period_bounds,
    statistics_report,
    unbalanced_rows,
)

from .conftest import March, finish

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
DISPOSITIONS = ("resolved", "in_process", "withdrawn", "refused", "stopped")


def test_period_bounds() -> None:
    assert period_bounds("month", 2026, 2) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_bounds("month", 2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert period_bounds("quarter", 2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_bounds("quarter", 2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert period_bounds("year", 2025) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_march_by_hand(march: March, desk: Any) -> None:
    # A finished at its appointment (on time, same day), B one minute late, D1 open within its
    # appointment, D2 open past it, E withdrawn and stopped; F (February) is not carried over.
    with time_machine.travel(at(4, 2, 8), tick=False):
        report = compute_report(desk.department, *MARCH, "procedure")
    (row,) = report.rows
    expected = {
        "received": 5,
        "carried_over": 0,
        "new": 5,
        "new_in_person": 5,
        "new_online": 0,
        "new_postal": 0,
        "resolved": 2,
        "resolved_early": 0,
        "resolved_on_time": 1,
        "resolved_late": 1,
        "in_process": 2,
        "in_process_within": 1,
        "in_process_overdue": 1,
        "withdrawn": 1,
        "refused": 0,
        "stopped": 0,
        "returned": 0,
    }
    assert row.counts == expected
    assert report.total.counts == expected and row.balanced
    # April: D1 and D2 carried over (both still open), nothing new.
    with time_machine.travel(at(4, 2, 8), tick=False):
        april = compute_report(desk.department, dt.date(2026, 4, 1), dt.date(2026, 4, 2), "sector")
    assert (april.total.counts["carried_over"], april.total.counts["new"]) == (2, 0)
    assert april.total.counts["in_process_overdue"] == 1  # D2; D1 is due 2/4 09:00, later


def test_a_stored_month_keeps_its_report_after_a_dossier_finishes(march: March, desk: Any) -> None:
    agency = desk.department
    with time_machine.travel(at(4, 1, 0, 30), tick=False):
        stored = statistics_snapshot_take(agency=agency, date_from=MARCH[0], date_to=MARCH[1])
        again = statistics_snapshot_take(agency=agency, date_from=MARCH[0], date_to=MARCH[1])
    assert {s.scope_key for s in stored} == {f"statistics:{by}" for by in BY} and again == []
    finish(march.open_overdue)  # recorded after the fact, at its due time in March
    with time_machine.travel(at(4, 2, 8), tick=False):
        live = compute_report(agency, *MARCH, "sector")
        kept = statistics_report(agency, *MARCH, "sector")
    assert live.total.counts["in_process"] == 1 and live.total.counts["resolved"] == 3
    assert kept.total.counts["in_process"] == 2 and kept.total.counts["resolved"] == 2
    assert kept.taken_at == at(4, 1, 0, 30) and live.taken_at is None
    assert IndicatorSnapshot.objects.filter(scope_key__startswith="statistics:").count() == 3


def _listed(agency: Any, category: str, period: tuple[dt.date, dt.date], **narrow: str) -> set[int]:
    filters = ListFilters(stat=category, stat_from=period[0], stat_to=period[1], **narrow)
    qs = apply_filters(Dossier.objects.filter(agency=agency), filters)
    return set(qs.values_list("pk", flat=True))


def test_the_report_reconciles_over_generated_history(desk: Any) -> None:
    agency = desk.department
    until = at(5, 29, 17)
    demo_generate(agency=agency, dossiers=400, months=5, seed=11, until=until)
    with time_machine.travel(until, tick=False):
        for period in (period_bounds("month", 2026, 4), period_bounds("quarter", 2026, 2)):
            reports = {by: compute_report(agency, *period, by) for by in BY}
            total = reports["sector"].total.counts
            assert total["new"] > 0 and total["carried_over"] > 0 and total["resolved"] > 0
            assert total["withdrawn"] > 0 and total["resolved_late"] > 0
            for by, report in reports.items():
                assert not unbalanced_rows(report), by
                assert report.total.counts == total, by  # the same dossiers, however split
            for by in ("sector", "procedure"):  # each dossier in exactly one row
                for key in total:
                    assert sum(r.counts[key] for r in reports[by].rows) == total[key]
            # Every dossier counted once: the lists behind the dispositions are disjoint and
            # together are exactly the received (carried over + new) ones.
            lists = {c: _listed(agency, c, period) for c in STAT_CATEGORIES}
            for category, pks in lists.items():
                assert len(pks) == total[category], category
            received = lists["carried_over"] | lists["new"]
            assert not lists["carried_over"] & lists["new"]
            assert len(received) == total["received"]
            union: set[int] = set()
            for category in DISPOSITIONS:
                assert not union & lists[category], category
                union |= lists[category]
            assert union == received
            parts = ("resolved_early", "resolved_on_time", "resolved_late")
            assert set().union(*(lists[p] for p in parts)) == lists["resolved"]
            # A row's count is the list of its sector.
            row = reports["sector"].rows[0]
            assert (
                len(_listed(agency, "resolved", period, sector=row.code))
                == (row.counts["resolved"])
            )

"""Circular 01/2018 scores on the crafted dataset (tests/conftest.py), expectations by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from isogov.indicators.registry import Scope, State, dossiers_behind
from isogov.indicators.scorecard import circular01_scorecard, quarter_bounds, year_bounds
from isogov.indicators.scoring import AgencyClass, OfficerClass

from .conftest import March

pytestmark = pytest.mark.django_db


def test_quarter_and_year_bounds() -> None:
    assert quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert year_bounds(2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        quarter_bounds(2026, 5)


def test_quarter_scores_the_returned_dossiers(march: March, desk: Any) -> None:
    card = circular01_scorecard(Scope(agency=desk.department), *quarter_bounds(2026, 1))
    by_code = {r.code: r for r in card.results}
    # Scored: A and B (returned 6/3); F was never returned, D1, D2, E have no result.
    # 1: A on time 1, B late 0 → 1 ÷ 2 = 0.5.
    assert (by_code["tt01.1"].numerator, by_code["tt01.1"].denominator) == (1, 2)
    assert by_code["tt01.1"].points == Decimal("0.5")
    # 2: A's steps each on time (none early) 1, B's last step late 0 → 0.5.
    assert by_code["tt01.2"].points == Decimal("0.5")
    # 3: no supplement request for either → 2 each → 2.0.
    assert by_code["tt01.3"].points == Decimal("2.0")
    # 4: both brought to the desk → 1 each → 1.0.
    assert by_code["tt01.4"].points == Decimal("1.0")
    # 5–8: not recorded; left out of the totals.
    for code in ("tt01.5", "tt01.6", "tt01.7", "tt01.8"):
        assert by_code[code].state == State.NO_DATA and by_code[code].points is None
    # 9: 0 % of the five received came online (< 15 %) → 0.
    assert by_code["tt01.9"].points == Decimal("0")
    # Officer: 0.5 + 0.5 + 2.0 + 1.0 = 4.0 (3.5 – < 5); agency: 4.0 + 0 = 4.0 (< 6: weak).
    assert card.officer_total == Decimal("4.0") and card.officer_class == OfficerClass.PARTIAL
    assert card.agency_total == Decimal("4.0") and card.agency_class == AgencyClass.WEAK
    assert all(r.max_points == 2 for r in card.results)


def test_the_dossiers_behind_each_point_lost(march: March, desk: Any) -> None:
    scope = Scope(agency=desk.department)
    period = quarter_bounds(2026, 1)
    a, b = march.at_appointment.code, march.late_one_minute.code
    assert dossiers_behind("tt01.1", scope, *period) == sorted([(a, 1), (b, 0)])
    assert dossiers_behind("tt01.2", scope, *period) == sorted([(a, 1), (b, 0)])
    assert dossiers_behind("tt01.3", scope, *period) == []
    assert dossiers_behind("tt01.4", scope, *period) == sorted([(a, 1), (b, 1)])
    assert dossiers_behind("2.1", scope, *period) == []


def test_an_officer_is_scored_on_the_steps_they_finished(march: March, desk: Any) -> None:
    # The agency leader signed A and B (step 5), both on time; B's late step (7) was the
    # specialist's, which does not count against the leader.
    officer = desk.user("lanhdao")
    card = circular01_scorecard(Scope(agency=desk.department, officer=officer), *year_bounds(2026))
    by_code = {r.code: r for r in card.results}
    assert by_code["tt01.1"].denominator == 2
    assert by_code["tt01.2"].points == Decimal("1.0")  # own steps on time, none early
    assert card.officer_total == Decimal("4.5")  # 0.5 + 1.0 + 2.0 + 1.0
    specialist = Scope(agency=desk.department, officer=desk.user("chuyenvien"))
    assert dossiers_behind("tt01.2", specialist, *year_bounds(2026)) == sorted(
        [(march.at_appointment.code, 1), (march.late_one_minute.code, 0)]
    )


def test_a_year_with_nothing_returned_leaves_the_dossier_indicators_out(desk: Any) -> None:
    card = circular01_scorecard(Scope(agency=desk.department), *year_bounds(2026))
    assert [r.points for r in card.results if r.code in ("tt01.1", "tt01.2")] == [None, None]
    assert card.officer_total is None and card.officer_class is None

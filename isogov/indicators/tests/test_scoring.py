"""Points, rounding and classification, one row per rule (pure: no database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from isogov.indicators.scoring import (
    AgencyClass,
    OfficerClass,
    agency_class,
    mean_points,
    officer_class,
    online_service_points,
    percent,
    rate_points,
)

D = Decimal


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        pytest.param(0, 0, None, id="zero_denominator_is_not_applicable_not_0"),
        pytest.param(0, 5, D("0.00"), id="none_of_five_is_zero"),
        pytest.param(2, 3, D("66.67"), id="two_decimals"),
        pytest.param(1, 8, D("12.50"), id="half_rounds_up"),
        pytest.param(5, 5, D("100.00"), id="all"),
    ],
)
def test_percent(numerator: int, denominator: int, expected: Decimal | None) -> None:
    assert percent(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("rate", "full_at", "expected"),
    [
        pytest.param(D("60"), D("100"), D("12.00"), id="on_time_rate_times_max"),
        pytest.param(D("80"), D("80"), D("20"), id="full_points_at_the_threshold"),
        pytest.param(D("95"), D("80"), D("20"), id="never_more_than_max"),
        pytest.param(D("40"), D("80"), D("10.00"), id="below_threshold_rate_times_max_over_it"),
        pytest.param(None, D("80"), None, id="not_applicable_has_no_points"),
    ],
)
def test_decision_766_rate_points(rate: Decimal | None, full_at: Decimal, expected: Any) -> None:
    assert rate_points(rate, max_points=D(20), full_at=full_at) == expected


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        pytest.param(1, 2, D("0.5"), id="mean_over_dossiers"),
        pytest.param(5, 3, D("1.7"), id="rounded_to_one_decimal"),
        pytest.param(1, 4, D("0.3"), id="quarter_rounds_half_up"),  # 0.25 → 0.3
        pytest.param(0, 0, None, id="no_dossier_scored_is_left_out"),
    ],
)
def test_circular_01_mean_points(total: int, count: int, expected: Decimal | None) -> None:
    assert mean_points(total, count) == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (D("10"), OfficerClass.FULL),
        (D("5"), OfficerClass.FULL),  # ≥ 5: 100 % of tasks
        (D("4.9"), OfficerClass.PARTIAL),
        (D("3.5"), OfficerClass.PARTIAL),  # 3.5 – < 5: 70 – < 100 %
        (D("3.4"), OfficerClass.BELOW),
    ],
)
def test_officer_classification(total: Decimal, expected: OfficerClass) -> None:
    assert officer_class(total, full=D(5), partial=D("3.5")) == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (D("18"), AgencyClass.EXCELLENT),
        (D("15"), AgencyClass.EXCELLENT),
        (D("14.9"), AgencyClass.GOOD),
        (D("12"), AgencyClass.GOOD),
        (D("11.9"), AgencyClass.FAIR),
        (D("9"), AgencyClass.FAIR),
        (D("8.9"), AgencyClass.AVERAGE),
        (D("6"), AgencyClass.AVERAGE),
        (D("5.9"), AgencyClass.WEAK),
    ],
)
def test_agency_classification(total: Decimal, expected: AgencyClass) -> None:
    bands = {"excellent": D(15), "good": D(12), "fair": D(9), "average": D(6)}
    assert agency_class(total, **bands) == expected


@pytest.mark.parametrize(
    ("procedures", "dossiers", "late", "expected"),
    [
        pytest.param(D(20), D(30), False, 2, id="20pc_procedures_and_30pc_dossiers_none_late"),
        pytest.param(D(19), D(30), False, 1, id="some_procedures_below_20pc"),
        pytest.param(D(50), D(15), False, 1, id="15_to_under_30pc_dossiers"),
        pytest.param(D(50), D("14.99"), False, 0, id="under_15pc_dossiers"),
        pytest.param(D(50), D(90), True, 0, id="any_online_dossier_late"),
        pytest.param(D(0), D(0), False, 0, id="no_procedure_online"),
        pytest.param(None, D(30), False, None, id="no_procedure_in_force_no_data"),
    ],
)
def test_circular_01_indicator_9(
    procedures: Decimal | None, dossiers: Decimal, late: bool, expected: int | None
) -> None:
    points = online_service_points(
        procedures_online=procedures,
        dossiers_online=dossiers,
        any_late=late,
        procedures_min=D(20),
        full_at=D(30),
        partial_at=D(15),
    )
    assert points == expected

"""Circular 01/2018 art. 13 classification over the nine indicators, per quarter and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .registry import Result, Scope, codes, evaluate_all
from .scoring import AgencyClass, OfficerClass, agency_class, officer_class
from .settings import settings_on

# Officer = sum of indicators 1, 2, 3, 4 and 7 (max 10); agency = all nine (max 18).
OFFICER_INDICATORS = ("tt01.1", "tt01.2", "tt01.3", "tt01.4", "tt01.7")


@dataclass(frozen=True)
class ScoreCard:
    date_from: dt.date
    date_to: dt.date
    results: list[Result]
    officer_total: Decimal | None  # None: no indicator of the officer's had data
    officer_class: OfficerClass | None
    agency_total: Decimal | None
    agency_class: AgencyClass | None


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter (1–4)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter is 1–4")
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    )
    return first, last


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _sum(results: list[Result]) -> Decimal | None:
    # vn-one-stop-rules.md §5: "an indicator with no data is left out".
    scored = [r.points for r in results if r.points is not None]
    return sum(scored, Decimal(0)) if scored else None


def circular01_scorecard(scope: Scope, date_from: dt.date, date_to: dt.date) -> ScoreCard:
    """The nine scores, the officer total (when the scope names an officer) and the agency total
    with their classification."""
    results = evaluate_all(scope, date_from, date_to, only=codes("tt01"))
    s = settings_on(date_to)
    officer_total = _sum([r for r in results if r.code in OFFICER_INDICATORS])
    agency_total = _sum(results)
    return ScoreCard(
        date_from,
        date_to,
        results,
        officer_total,
        officer_class(
            officer_total, full=s.need("tt01.officer.full"), partial=s.need("tt01.officer.partial")
        )
        if officer_total is not None
        else None,
        agency_total,
        agency_class(
            agency_total,
            excellent=s.need("tt01.agency.excellent"),
            good=s.need("tt01.agency.good"),
            fair=s.need("tt01.agency.fair"),
            average=s.need("tt01.agency.average"),
        )
        if agency_total is not None
        else None,
    )

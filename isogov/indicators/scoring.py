"""Points, rounding and classification: pure arithmetic, no ORM (indicators.md A and B)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)


def percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator ÷ denominator in %, rounded to 2 decimals; None ("N/A") when it is 0.

    indicators.md A: "a zero denominator shows N/A, not 0% and not an error".
    """
    if not denominator:
        return None
    return round_to(Decimal(numerator) * HUNDRED / Decimal(denominator), 2)


def round_to(value: Decimal, places: int) -> Decimal:
    """Rounded half up (as people round by hand), not to the nearest even digit."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rate_points(rate: Decimal | None, *, max_points: Decimal, full_at: Decimal) -> Decimal | None:
    """Decision 766 points of a rate: full at ``full_at`` %, else rate × max ÷ ``full_at``."""
    if rate is None:
        return None
    if rate >= full_at:
        return max_points
    return round_to(rate * max_points / full_at, 2)


def mean_points(total: int | Decimal, count: int) -> Decimal | None:
    """Circular 01/2018 art. 13: an indicator's score is the mean over the dossiers scored,
    rounded to 1 decimal; None (left out) when nothing was scored."""
    if not count:
        return None
    return round_to(Decimal(total) / Decimal(count), 1)


class OfficerClass(StrEnum):
    FULL = "full"  # 100 % of tasks completed
    PARTIAL = "partial"  # 70 – < 100 %
    BELOW = "below"  # < 70 %


class AgencyClass(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    AVERAGE = "average"
    WEAK = "weak"


OFFICER_CLASS_LABELS = {
    OfficerClass.FULL: _("Completed all tasks"),
    OfficerClass.PARTIAL: _("Completed 70 to under 100 percent of tasks"),
    OfficerClass.BELOW: _("Completed under 70 percent of tasks"),
}
AGENCY_CLASS_LABELS = {
    AgencyClass.EXCELLENT: _("Excellent"),
    AgencyClass.GOOD: _("Good"),
    AgencyClass.FAIR: _("Fair"),
    AgencyClass.AVERAGE: _("Average"),
    AgencyClass.WEAK: _("Weak"),
}


def officer_class(total: Decimal, *, full: Decimal, partial: Decimal) -> OfficerClass:
    """Circular 01/2018 art. 13: officer total (max 10) ≥ 5 → 100 %; 3.5–<5 → 70–<100 %."""
    if total >= full:
        return OfficerClass.FULL
    if total >= partial:
        return OfficerClass.PARTIAL
    return OfficerClass.BELOW


def agency_class(
    total: Decimal, *, excellent: Decimal, good: Decimal, fair: Decimal, average: Decimal
) -> AgencyClass:
    """Circular 01/2018 art. 13: agency total (max 18) ≥15 / 12 / 9 / 6 / below."""
    for threshold, klass in (
        (excellent, AgencyClass.EXCELLENT),
        (good, AgencyClass.GOOD),
        (fair, AgencyClass.FAIR),
        (average, AgencyClass.AVERAGE),
    ):
        if total >= threshold:
            return klass
    return AgencyClass.WEAK


def online_service_points(
    *,
    procedures_online: Decimal | None,
    dossiers_online: Decimal | None,
    any_late: bool,
    procedures_min: Decimal,
    full_at: Decimal,
    partial_at: Decimal,
) -> int | None:
    """Circular 01/2018 art. 13 indicator 9 (per unit): 2 when ≥ ``procedures_min`` % of the
    eligible procedures are online and ≥ ``full_at`` % of dossiers came online, none late; 1 when
    some are online and ``partial_at``–< ``full_at`` % of dossiers, none late; else 0."""
    if procedures_online is None or dossiers_online is None:
        return None
    if any_late or procedures_online == 0 or dossiers_online < partial_at:
        return 0
    if procedures_online >= procedures_min and dossiers_online >= full_at:
        return 2
    return 1

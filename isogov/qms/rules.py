"""Pure QMS rules: the risk matrix, the audit frequency, objective statuses, periods.

No ORM; tested with tables whose rows are named after the rule they check.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

LOW, MEDIUM, HIGH, CRITICAL = "low", "medium", "high", "critical"
LEVEL_ORDER = (LOW, MEDIUM, HIGH, CRITICAL)


def default_matrix(size: int = 5) -> list[list[str]]:
    """The default likelihood × impact grid: the level of (likelihood, impact) for each cell.

    [A] Bands by the product on a 5 × 5 scale (1–4 low, 5–9 medium, 10–16 high, 20–25 critical),
    as agencies commonly use; every agency may store its own grid instead.
    """
    grid = []
    for likelihood in range(1, size + 1):
        row = []
        for impact in range(1, size + 1):
            share = likelihood * impact / (size * size)
            if share <= 4 / 25:
                row.append(LOW)
            elif share <= 9 / 25:
                row.append(MEDIUM)
            elif share <= 16 / 25:
                row.append(HIGH)
            else:
                row.append(CRITICAL)
        grid.append(row)
    return grid


def matrix_level(levels: list[list[str]], likelihood: int, impact: int) -> str:
    """The level in the grid; ``ValueError`` when a score is off the grid."""
    size = len(levels)
    if not (1 <= likelihood <= size and 1 <= impact <= size):
        raise ValueError(f"score outside 1–{size}")
    return levels[likelihood - 1][impact - 1]


def audits_per_year(*, risk_level: str, past_major: int, past_minor: int) -> tuple[int, str]:
    """How often a process is audited (§9.2.2: by importance, risk and past results).

    [A] Twice a year for a high or critical risk or a major nonconformity last year, once
    otherwise; a setting could change the bands, the rule stays here.
    """
    if risk_level in (HIGH, CRITICAL):
        return 2, "risk"
    if past_major:
        return 2, "major"
    if past_minor >= 3:
        return 2, "minors"
    return 1, "default"


def measurement_status(
    *, value: Decimal | None, target: Decimal, higher_is_better: bool, margin: Decimal
) -> str:
    """met / at_risk / missed against the target; no value is "no_data".

    At risk: within ``margin`` (in the value's own unit) on the wrong side of the target.
    """
    if value is None:
        return "no_data"
    gap = value - target if higher_is_better else target - value
    if gap >= 0:
        return "met"
    if -gap <= margin:
        return "at_risk"
    return "missed"


def period_bounds(frequency: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period (month, quarter or year) that contains ``day``: first and last day."""
    if frequency == "monthly":
        start = day.replace(day=1)
    elif frequency == "quarterly":
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        start = dt.date(day.year, 1, 1)
    months = {"monthly": 1, "quarterly": 3}.get(frequency, 12)
    year, month = divmod(start.month - 1 + months, 12)
    end = dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)
    return start, end


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31/1 + 1 → 28 or 29/2)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))

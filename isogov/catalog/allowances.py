"""Do the counted step allowances of an internal process add up to the legal time? (pure)

An internal process splits the legal time of a procedure into step allowances in fractions of
a working day or in working hours; the return step is not counted. One working day is eight
working hours (Hà Nội Decision 1594/QĐ-TTPVHCC: "30 ngày làm việc = 240 giờ"), so the check
works in hours and reports the difference in the channel's own unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

HOURS_PER_WORKING_DAY = Decimal(8)
WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
COMPARABLE_UNITS = frozenset({WORKING_DAYS, WORKING_HOURS})


@dataclass(frozen=True)
class StepAllowance:
    value: Decimal
    unit: str  # working_days | working_hours
    is_counted: bool = True


@dataclass(frozen=True)
class ChannelTime:
    kind: str
    value: Decimal
    unit: str  # any workcal unit; only working days/hours can be compared


@dataclass(frozen=True)
class Mismatch:
    """The counted allowances differ from a channel's legal time."""

    channel: str
    legal: Decimal
    counted: Decimal
    unit: str

    @property
    def difference(self) -> Decimal:
        """Counted minus legal, in ``unit``: negative when the steps leave time unassigned."""
        return self.counted - self.legal


def to_hours(value: Decimal, unit: str) -> Decimal:
    if unit == WORKING_DAYS:
        return Decimal(value) * HOURS_PER_WORKING_DAY
    if unit == WORKING_HOURS:
        return Decimal(value)
    raise ValueError(f"not a working-time unit: {unit}")


def from_hours(hours: Decimal, unit: str) -> Decimal:
    if unit == WORKING_DAYS:
        return hours / HOURS_PER_WORKING_DAY
    return hours


def counted_hours(steps: Iterable[StepAllowance]) -> Decimal:
    """Working hours of every counted step (the return step is left out)."""
    return sum((to_hours(s.value, s.unit) for s in steps if s.is_counted), Decimal(0))


def allowance_mismatches(
    *, steps: Iterable[StepAllowance], channels: Iterable[ChannelTime]
) -> list[Mismatch]:
    """One ``Mismatch`` per channel whose legal time the counted allowances do not match.

    Channels counted in calendar days or "same day" cannot be split into working-time
    allowances and are not checked.
    """
    total = counted_hours(steps)
    problems = []
    for channel in channels:
        if channel.unit not in COMPARABLE_UNITS:
            continue
        legal = to_hours(channel.value, channel.unit)
        if total != legal:
            problems.append(
                Mismatch(
                    channel=channel.kind,
                    legal=Decimal(channel.value),
                    counted=from_hours(total, channel.unit).normalize(),
                    unit=channel.unit,
                )
            )
    return problems

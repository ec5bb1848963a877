"""The one door from quality objectives to measured figures: the indicators registry.

Measures (any figure over dossier data for a scope and a period) are registered once, in
``isogov.indicators`` (shared/ARCHITECTURE.md). QMS objectives read them only through
``measure_value``; nothing in ``qms`` computes a figure over dossiers. An objective without a
registry measure is filled by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from isogov.accounts.models import Agency, Unit
from isogov.indicators import registry


@dataclass(frozen=True)
class Measured:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None  # None when the denominator is zero or the system has no such data


def measure_codes() -> list[tuple[str, str]]:
    """The registry's measures as (code, name), for choosing an objective's measure."""
    return [(code, f"{code} – {registry.REGISTRY[code].name}") for code in registry.codes("")]


def is_measure(code: str) -> bool:
    return code in registry.codes("")


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def measure_value(
    *, code: str, agency: Agency, unit: Unit | None, date_from: dt.date, date_to: dt.date
) -> Measured:
    """The registry's figure for ``code`` over the agency (or one unit) and the period."""
    result = registry.measure(code, registry.Scope(agency=agency, unit=unit), date_from, date_to)
    return Measured(
        numerator=_decimal(result.numerator),
        denominator=_decimal(result.denominator),
        value=_decimal(result.value),
    )

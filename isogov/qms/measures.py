"""The one door from quality objectives to measured figures: the indicators registry.

Measures (any figure over dossier data for a scope and a period) are registered once, in
``isogov.indicators`` (shared/ARCHITECTURE.md). QMS objectives read them only through
``measure_value``; nothing in ``qms`` computes a figure over dossiers. While the indicators app
is not installed, every measure reads as "no data" and objectives can still be filled by hand.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

REGISTRY_MODULE = "isogov.indicators.registry"


@dataclass(frozen=True)
class Measured:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None  # None when the denominator is zero or the measure is unavailable


def _registry() -> Any | None:
    try:
        return importlib.import_module(REGISTRY_MODULE)
    except ImportError:
        return None


def registry_available() -> bool:
    """Whether the indicators registry is installed."""
    return _registry() is not None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def measure_value(*, code: str, scope: Any, date_from: dt.date, date_to: dt.date) -> Measured:
    """The registry's figure for ``code`` over ``scope`` and the period (both days included)."""
    registry = _registry()
    if registry is None or not code:
        return Measured(None, None, None)
    result = registry.measure(code, scope, date_from, date_to)
    get = result.get if isinstance(result, dict) else lambda name: getattr(result, name, None)
    return Measured(
        numerator=_decimal(get("numerator")),
        denominator=_decimal(get("denominator")),
        value=_decimal(get("value")),
    )

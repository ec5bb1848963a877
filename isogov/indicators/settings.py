"""Reading the effective-dated indicator settings (``IndicatorSetting``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .models import IndicatorSetting


class SettingsTable(dict[str, Decimal]):
    """Key → the value in force on one day."""

    def need(self, key: str) -> Decimal:
        value = self.get(key)
        if value is None:
            raise LookupError(f"indicator setting {key} is not configured")
        return value


def settings_on(day: dt.date) -> SettingsTable:
    """Every setting's value in force on ``day``: the latest ``effective_from`` ≤ ``day``; a key
    whose first value starts later takes that first value (periods before any setting)."""
    table = SettingsTable()
    for key, effective_from, value in IndicatorSetting.objects.order_by(
        "key", "effective_from"
    ).values_list("key", "effective_from", "value"):
        if key not in table or effective_from <= day:
            table[key] = value
    return table

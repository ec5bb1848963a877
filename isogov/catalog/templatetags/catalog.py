"""Display helpers for the catalogue pages: legal times, amounts in đồng."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from isogov.core.money import format_vnd

from ..models import TimeUnitChoice

register = template.Library()


def _number(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")  # Vietnamese decimal comma: 0,25 ngày


@register.simple_tag
def duration(value: Decimal | None, unit: str) -> str:
    """``3 working_days`` → "3 ngày làm việc"; "same day" needs no number."""
    if value is None:
        return ""
    if unit == TimeUnitChoice.SAME_DAY:
        return str(TimeUnitChoice(unit).label)
    return f"{_number(value)} {TimeUnitChoice(unit).label}"


@register.filter
def vnd(amount: Any) -> str:
    if amount is None:
        return ""
    if int(amount) == 0:
        return _("Free of charge")
    return format_vnd(int(amount))

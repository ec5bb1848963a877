"""Date and time inputs that read and show dd/mm/yyyy and 24-hour times in every browser.

A native ``type=date`` or ``type=time`` input follows the browser's locale (mm/dd/yyyy and AM/PM
in an English browser); these are text inputs in the formats of ``isogov.core.formats``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _attrs(placeholder: str, pattern: str, title: Any, attrs: dict[str, Any] | None) -> dict:
    return {
        "placeholder": placeholder,
        "pattern": pattern,
        "title": title,
        "inputmode": "numeric",
        "autocomplete": "off",
        **(attrs or {}),
    }


def _from_iso(value: Any, kind: type[dt.date] | type[dt.time]) -> Any:
    """An ISO string (initial data kept as JSON) as the date, time or datetime it names."""
    if not isinstance(value, str):
        return value
    try:
        parsed = kind.fromisoformat(value)
    except ValueError:
        return value  # what the user typed: shown back as typed
    if isinstance(parsed, dt.datetime) and timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        title = _("Date as dd/mm/yyyy")
        super().__init__(_attrs("dd/mm/yyyy", r"\d{1,2}/\d{1,2}/\d{2,4}", title, attrs))

    def format_value(self, value: Any) -> Any:
        return super().format_value(_from_iso(value, dt.date))


class TimeInput(forms.TimeInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        title = _("Time as hh:mm, 24-hour")
        super().__init__(_attrs("hh:mm", r"\d{1,2}:\d{2}", title, attrs))

    def format_value(self, value: Any) -> Any:
        return super().format_value(_from_iso(value, dt.time))


class DateTimeInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        title = _("Date and time as dd/mm/yyyy hh:mm, 24-hour")
        pattern = r"\d{1,2}/\d{1,2}/\d{2,4} \d{1,2}:\d{2}"
        super().__init__(_attrs("dd/mm/yyyy hh:mm", pattern, title, attrs))

    def format_value(self, value: Any) -> Any:
        return super().format_value(_from_iso(value, dt.datetime))

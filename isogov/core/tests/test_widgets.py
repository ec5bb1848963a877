"""Dates are read and shown dd/mm/yyyy and times 24-hour, in Vietnamese and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from isogov.core.widgets import DateInput, DateTimeInput, TimeInput


class Sample(forms.Form):
    day = forms.DateField(widget=DateInput())
    at = forms.TimeField(widget=TimeInput())
    when = forms.DateTimeField(widget=DateTimeInput())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_day_month_order_and_24_hour_times_in_and_out(language: str) -> None:
    with translation.override(language):
        form = Sample({"day": "05/03/2026", "at": "17:30", "when": "05/03/2026 08:15"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2026, 3, 5)  # 5 March, not 3 May
        assert form.cleaned_data["at"] == dt.time(17, 30)
        assert form.cleaned_data["when"].replace(tzinfo=None) == dt.datetime(2026, 3, 5, 8, 15)
        shown = str(Sample(initial={"day": dt.date(2026, 3, 5), "at": dt.time(17, 30)}))
        assert 'value="05/03/2026"' in shown and 'value="17:30"' in shown
        assert 'type="text"' in shown and 'type="date"' not in shown


def test_an_iso_date_is_still_read() -> None:
    with translation.override("vi"):
        form = Sample({"day": "2026-03-05", "at": "08:00", "when": "2026-03-05T08:00"})
        assert form.is_valid() and form.cleaned_data["day"] == dt.date(2026, 3, 5)


def test_initial_iso_strings_are_shown_day_first() -> None:
    """Initial data kept as JSON carries ISO strings; a draft must show them as it reads them."""
    with translation.override("vi"):
        shown = str(
            Sample(
                initial={"day": "2026-03-05", "at": "08:00:00", "when": "2026-03-05T01:15:00+00:00"}
            )
        )
    assert 'value="05/03/2026"' in shown and 'value="08:00"' in shown
    assert 'value="05/03/2026 08:15"' in shown  # 01:15 UTC is 08:15 in Việt Nam

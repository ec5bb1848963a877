"""The calendar day of an instant is Vietnam's, not UTC's (``clock.local_date``)."""

from __future__ import annotations

import datetime as dt

from isogov.core import clock


def test_an_instant_after_five_in_the_afternoon_utc_is_the_next_day_in_vietnam() -> None:
    # 17:30 UTC on 16/2/2026 is 00:30 on 17/2/2026 in Vietnam (UTC+7).
    assert clock.local_date(dt.datetime(2026, 2, 16, 17, 30, tzinfo=dt.UTC)) == dt.date(2026, 2, 17)
    assert clock.local_date(dt.datetime(2026, 2, 16, 16, 59, tzinfo=dt.UTC)) == dt.date(2026, 2, 16)


def test_a_naive_instant_is_taken_as_vietnam_time() -> None:
    assert clock.local_date(dt.datetime(2026, 2, 16, 23, 59)) == dt.date(2026, 2, 16)

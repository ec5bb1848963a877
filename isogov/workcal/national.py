"""The national calendar from the ``holidays`` package (country VN, names in Vietnamese).

The package knows Tết, Hùng Kings' day, 30/4, 1/5, 2/9 and the adjacent day, the substitute
days, and the government's swapped days: the Saturdays worked (``weekend_workdays``) and the
days given off in exchange (Labour Code 2019 art. 112; vn-one-stop-rules.md §4).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import holidays

_SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=8)
def national_days(first_year: int, last_year: int) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """Days off (date → name) and make-up working days (date → name) for the years given."""
    calendar = holidays.country_holidays(
        "VN", years=range(first_year, last_year + 1), language="vi"
    )
    days_off = {date: str(name) for date, name in calendar.items()}
    swapped: dict[dt.date, dt.date] = {}
    for date, name in days_off.items():
        match = _SWAP.search(name)
        if match:
            day, month, year = (int(part) for part in match.groups())
            swapped[dt.date(year, month, day)] = date
    workdays: dict[dt.date, str] = {}
    for date in getattr(calendar, "weekend_workdays", ()):
        if first_year <= date.year <= last_year:
            off = swapped.get(date)
            workdays[date] = (
                f"Ngày làm việc bù (cho ngày nghỉ {off:%d/%m/%Y})" if off else "Ngày làm việc bù"
            )
    return days_off, workdays

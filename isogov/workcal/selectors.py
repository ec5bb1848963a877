"""Reads of working calendars: the compiled calendar of an agency, and review reminders."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.conf import settings

from isogov.accounts.models import Agency
from isogov.core.sql import fetch_one

from .engine import (
    CalendarSpec,
    CountFrom,
    Override,
    OverrideKind,
    Period,
    WorkingCalendar,
)
from .models import (
    AgencyCalendar,
    CalendarOverride,
    CalendarReview,
    NationalCalendar,
    NationalDayKind,
    NationalDayOverride,
)
from .national import national_days

_cache: dict[tuple[int | None, str], WorkingCalendar] = {}
_cache_lock = threading.Lock()


def _us(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000


def _periods(settings_row: AgencyCalendar | None) -> tuple[Period, ...] | None:
    if settings_row is None:
        return None
    return (
        (_us(settings_row.morning_start), _us(settings_row.morning_end)),
        (_us(settings_row.afternoon_start), _us(settings_row.afternoon_end)),
    )


def _national(first: int, last: int) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """The package's days off and make-up days, with the system administrator's overrides."""
    package_days_off, package_workdays = national_days(first, last)
    days_off, workdays = dict(package_days_off), dict(package_workdays)
    for row in NationalDayOverride.objects.filter(date__year__gte=first, date__year__lte=last):
        if row.kind == NationalDayKind.HOLIDAY:
            days_off[row.date] = row.name
            workdays.pop(row.date, None)
        else:
            days_off.pop(row.date, None)
            workdays[row.date] = row.name
    return days_off, workdays


def _compile(agency: Agency | None, settings_row: AgencyCalendar | None) -> WorkingCalendar:
    first, last = settings.WORKCAL_FIRST_YEAR, settings.WORKCAL_LAST_YEAR
    days_off, workdays = _national(first, last)
    overrides: dict[dt.date, Override] = {}
    if agency is not None:
        for row in CalendarOverride.objects.filter(agency=agency):
            periods: tuple[Period, ...] | None = None
            if row.start_time and row.end_time:
                periods = ((_us(row.start_time), _us(row.end_time)),)
            overrides[row.date] = Override(OverrideKind(row.kind), row.name, periods)
    spec_kwargs: dict[str, object] = {}
    periods = _periods(settings_row)
    if periods is not None:
        spec_kwargs["periods"] = periods
    if settings_row is not None:
        spec_kwargs["count_from"] = CountFrom(settings_row.count_from)
    spec = CalendarSpec(
        first_year=first,
        last_year=last,
        holidays=days_off,
        national_workdays=workdays,
        overrides=overrides,
        **spec_kwargs,  # type: ignore[arg-type]
    )
    return WorkingCalendar(spec)


def _revision(agency: Agency | None) -> str:
    """The calendar's revision: the agency's and the national one, in one indexed read done
    on every call (either changes when anything its compiled calendar is made of changes)."""
    national = NationalCalendar._meta.db_table
    national_sql = f"SELECT revision FROM {national} WHERE id = {NationalCalendar.SINGLETON_ID}"  # noqa: S608
    if agency is None:
        row = fetch_one(national_sql)
        return f":{row[0]}" if row else ":"
    table = AgencyCalendar._meta.db_table
    row = fetch_one(
        f"SELECT (SELECT revision FROM {table} WHERE agency_id = %s), ({national_sql})",  # noqa: S608
        [agency.pk],
    )
    agency_revision, national_revision = row or (None, None)
    return f"{agency_revision or ''}:{national_revision or ''}"


def calendar_for(*, agency: Agency | None) -> WorkingCalendar:
    """The compiled calendar of an agency, or the national one (default hours) for ``None``.

    Compiled once per process and kept until the agency's or the national calendar revision
    changes (every calendar service sets a new one), so a computation costs microseconds.
    """
    key = (agency.pk if agency is not None else None, _revision(agency))
    calendar = _cache.get(key)
    if calendar is None:
        settings_row = (
            AgencyCalendar.objects.filter(agency=agency).first() if agency is not None else None
        )
        calendar = _compile(agency, settings_row)
        # Keyed by the revision read first: a change in between only costs one more compile.
        with _cache_lock:
            for stale in [k for k in _cache if k[0] == key[0]]:
                del _cache[stale]
            _cache[key] = calendar
    return calendar


def override_list(*, agency: Agency, year: int) -> list[CalendarOverride]:
    """An agency's overrides in one year, by date."""
    return list(CalendarOverride.objects.filter(agency=agency, date__year=year).order_by("date"))


def national_override_list(*, year: int) -> list[NationalDayOverride]:
    """The system administrator's national day overrides in one year, by date (public)."""
    return list(NationalDayOverride.objects.filter(date__year=year).order_by("date"))


def national_calendar_version() -> int:
    """The version a national-override form must send back (1 before any change)."""
    row = NationalCalendar.objects.filter(pk=NationalCalendar.SINGLETON_ID).first()
    return row.version if row is not None else 1


@dataclass(frozen=True)
class ReviewReminder:
    year: int
    is_overdue: bool


def calendar_review_reminder(*, agency: Agency, today: dt.date) -> ReviewReminder | None:
    """Remind from 1 November, warn from 1 December, until next year's calendar is reviewed."""
    next_year = today.year + 1
    if today.month < 11:
        return None
    if CalendarReview.objects.filter(agency=agency, year=next_year).exists():
        return None
    return ReviewReminder(year=next_year, is_overdue=today.month == 12)


def office_hours(*, agency: Agency) -> tuple[tuple[dt.time, dt.time], tuple[dt.time, dt.time]]:
    """The agency's morning and afternoon opening hours (the defaults when it set none)."""
    row = AgencyCalendar.objects.filter(agency=agency).first() or AgencyCalendar(agency=agency)
    return (row.morning_start, row.morning_end), (row.afternoon_start, row.afternoon_end)

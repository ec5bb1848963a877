"""The only writes of the indicators app: snapshots of closed periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import ValidationFailed

from . import rollup
from .models import IndicatorSnapshot
from .registry import Scope, codes, compute_all

PERIOD_NOT_CLOSED = _("Only a closed period (ended before today) can be stored as a snapshot.")


@transaction.atomic
def snapshot_take(
    *, agency: Agency, date_from: dt.date, date_to: dt.date
) -> tuple[IndicatorSnapshot, bool]:
    """Store every measure of the agency for a closed period, once: a second call returns the
    stored snapshot untouched (so the daily job may run any number of times)."""
    if date_to >= clock.today() or date_from > date_to:
        raise ValidationFailed(PERIOD_NOT_CLOSED, details={"date_to": [str(PERIOD_NOT_CLOSED)]})
    existing = (
        IndicatorSnapshot.objects.select_for_update()
        .filter(agency=agency, scope_key="", date_from=date_from, date_to=date_to)
        .first()
    )
    if existing is not None:
        if date_from == date_to and not existing.parts:
            # A day stored before days kept their parts: add them, keep its figures.
            existing.parts = rollup.day_parts(agency, date_from, date_to, units=True)[date_from]
            existing.save(update_fields=["parts"])
        elif date_from == date_to and rollup.UNITS not in existing.parts:
            # Stored before days kept their units' parts: add those only.
            rollup.add_unit_parts(agency, [date_from])
            existing.refresh_from_db()
        return existing, False
    if date_from == date_to:
        snapshot = _day_snapshot(
            agency, date_from, rollup.day_parts(agency, date_from, date_to, units=True)
        )
        snapshot.save()
    else:
        results = compute_all(Scope(agency=agency), date_from, date_to, group_prefix="")
        snapshot = IndicatorSnapshot.objects.create(
            agency=agency,
            scope_key="",
            date_from=date_from,
            date_to=date_to,
            taken_at=clock.now(),
            figures=[result.as_dict() for result in results],
        )
    audit_record(
        actor=None,
        action="indicator_snapshot.take",
        target=snapshot,
        agency=agency,
        after={"from": date_from.isoformat(), "to": date_to.isoformat()},
    )
    return snapshot, True


def _day_snapshot(
    agency: Agency, day: dt.date, parts: dict[dt.date, dict[str, Any]]
) -> IndicatorSnapshot:
    """An unsaved snapshot of one closed day: its parts, and every measure's figure composed
    from them (the measures that do not compose computed live for the day)."""
    results = rollup.compose_results(Scope(agency=agency), day, day, codes(""), [parts[day]])
    return IndicatorSnapshot(
        agency=agency,
        scope_key="",
        date_from=day,
        date_to=day,
        taken_at=clock.now(),
        figures=[result.as_dict() for result in results],
        parts=parts[day],
    )


def snapshots_backfill(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Store the daily snapshot of every closed day of the range that has none (or has one
    without parts), a month at a time, each month in its own transaction: a second run stores
    nothing, and an interrupted one resumes at the first month not stored. Returns the days
    stored. One audit event per month stored. A stored day without its units' parts gets them
    (its other parts and figures left as they were)."""
    date_to = min(date_to, clock.today() - dt.timedelta(days=1))
    if date_from > date_to:
        return 0
    chunks = []
    first = date_from
    while first <= date_to:
        next_month = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last = min(next_month - dt.timedelta(days=1), date_to)
        chunks.append((first, last))
        first = next_month
    total = (date_to - date_from).days + 1
    done = stored = 0
    for first, last in chunks:
        missing = rollup.missing_days(agency, first, last)
        if missing:
            stored += _backfill_days(agency, missing)
        without_units = rollup.days_without_units(agency, first, last)
        if without_units:
            _add_unit_parts(agency, without_units)
        done += (last - first).days + 1
        if progress is not None:
            progress(done, total)
    return stored


@transaction.atomic
def _backfill_days(agency: Agency, missing: list[dt.date]) -> int:
    parts = rollup.day_parts(agency, missing[0], missing[-1], units=True)
    without_parts = {
        row.date_from: row
        for row in IndicatorSnapshot.objects.select_for_update().filter(
            agency=agency, scope_key="", date_from__in=missing, date_to=F("date_from")
        )
    }
    created = []
    for day in missing:
        if day in without_parts:
            row = without_parts[day]
            row.parts = parts[day]
            row.save(update_fields=["parts"])
        else:
            created.append(_day_snapshot(agency, day, parts))
    IndicatorSnapshot.objects.bulk_create(created, ignore_conflicts=True)
    audit_record(
        actor=None,
        action="indicator_snapshot.backfill",
        target=agency,
        agency=agency,
        after={"from": missing[0].isoformat(), "to": missing[-1].isoformat(), "days": len(missing)},
    )
    return len(missing)


@transaction.atomic
def _add_unit_parts(agency: Agency, days: list[dt.date]) -> None:
    rollup.add_unit_parts(agency, days)
    audit_record(
        actor=None,
        action="indicator_snapshot.units_added",
        target=agency,
        agency=agency,
        after={"from": days[0].isoformat(), "to": days[-1].isoformat(), "days": len(days)},
    )


@transaction.atomic
def statistics_snapshot_take(
    *, agency: Agency, date_from: dt.date, date_to: dt.date
) -> list[IndicatorSnapshot]:
    """Store the periodic statistics report of a closed period, by sector, procedure and unit,
    once (a second call leaves the stored ones untouched); returns those stored now."""
    from .statistics import BY, SNAPSHOT_PREFIX, as_figures, compute_report

    if date_to >= clock.today() or date_from > date_to:
        raise ValidationFailed(PERIOD_NOT_CLOSED, details={"date_to": [str(PERIOD_NOT_CLOSED)]})
    taken = []
    for by in BY:
        key = f"{SNAPSHOT_PREFIX}{by}"
        exists = (
            IndicatorSnapshot.objects.select_for_update()
            .filter(agency=agency, scope_key=key, date_from=date_from, date_to=date_to)
            .exists()
        )
        if exists:
            continue
        report = compute_report(agency, date_from, date_to, by)
        snapshot = IndicatorSnapshot.objects.create(
            agency=agency,
            scope_key=key,
            date_from=date_from,
            date_to=date_to,
            taken_at=clock.now(),
            figures=as_figures(report),
        )
        audit_record(
            actor=None,
            action="statistics_snapshot.take",
            target=snapshot,
            agency=agency,
            after={"from": date_from.isoformat(), "to": date_to.isoformat(), "by": by},
        )
        taken.append(snapshot)
    return taken


def closed_periods(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods the daily job stores: yesterday, and the last closed month, quarter and year
    (taken again each day until stored, so a missed run catches up)."""
    yesterday = today - dt.timedelta(days=1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    quarter_first_month = 3 * ((today.month - 1) // 3) + 1
    quarter_end = today.replace(month=quarter_first_month, day=1) - dt.timedelta(days=1)
    quarter_start = quarter_end.replace(month=quarter_end.month - 2, day=1)
    year_end = dt.date(today.year - 1, 12, 31)
    periods = [
        (yesterday, yesterday),
        (month_end.replace(day=1), month_end),
        (quarter_start, quarter_end),
        (dt.date(year_end.year, 1, 1), year_end),
    ]
    return list(dict.fromkeys(periods))

"""The only writes of the indicators app: snapshots of closed periods."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import ValidationFailed

from .models import IndicatorSnapshot
from .registry import Scope, compute_all

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
        return existing, False
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

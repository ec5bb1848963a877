"""The dossier list's filters: the search page's, and the lists every dashboard number opens.

The filters mean what the indicators registry counts (docs/indicators.md, indicators.md A 2.1),
so a count on a dashboard and the list behind it agree:

- ``received_from`` / ``received_to``: received on those days (Vietnam time, both included;
  dd/mm/yyyy as typed in the form, or YYYY-MM-DD as the dashboards' links write them);
- ``finished_from`` / ``finished_to``: processing finished (or refused) on those days, stopped
  dossiers left out (``count.finished``);
- ``overdue=1``: not ended (not finished, not returned, not stopped) and past the appointment
  they are judged by now (``count.overdue_at_end`` for a period still running): the moved
  appointment after an apology where the rule set keeps the dossier on time, else the legal one;
- ``unit``: the dossiers that reached a step of that unit (the registry's unit scope [A]).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.utils.translation import gettext as _

from isogov.core import clock

from .models import Dossier, DossierStep
from .queues import QueueRow
from .rulesets import RULE_SETS
from .transitions import Status

LATE_AFTER_APOLOGY = tuple(r.code for r in RULE_SETS if r.late_after_apology)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
DATE_FIELDS = ("received_from", "received_to", "finished_from", "finished_to")


@dataclass(frozen=True)
class ListFilters:
    """What the dossier list is narrowed to; ``errors`` maps a bad field to its message."""

    q: str = ""
    status: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    finished_from: dt.date | None = None
    finished_to: dt.date | None = None
    overdue: bool = False
    unit: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return bool(
            self.q
            or self.status
            or self.overdue
            or self.unit
            or any(getattr(self, name) for name in DATE_FIELDS)
        )


def _date(value: str, name: str, errors: dict[str, str]) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        if _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if match := _VN_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        raise ValueError
    except ValueError:
        errors[name] = _("“%(value)s” is not a date: use dd/mm/yyyy, such as 31/03/2026.") % {
            "value": text[:20]
        }
        return None


def list_filters(params: Any) -> ListFilters:
    """The filters from a query string; a bad value is named in ``errors`` and not applied."""
    errors: dict[str, str] = {}
    dates = {name: _date(params.get(name, ""), name, errors) for name in DATE_FIELDS}
    for start, end in (("received_from", "received_to"), ("finished_from", "finished_to")):
        if dates[start] and dates[end] and dates[start] > dates[end]:  # type: ignore[operator]
            errors[end] = _("The end date is before the start date.")
            dates[start] = dates[end] = None
    overdue = params.get("overdue", "").strip()
    if overdue not in ("", "0", "1"):
        errors["overdue"] = _("“overdue” must be 1 or left out.")
    unit = params.get("unit", "").strip()[:50]
    return ListFilters(
        q=params.get("q", "")[:200],
        status=params.get("status", "")[:40],
        overdue=overdue == "1",
        unit=unit,
        errors=errors,
        **dates,
    )


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.LOCAL_TZ)


def judged_due_at() -> Case:
    """The appointment a dossier is judged by (indicators.md A 2.1): the moved one after an
    apology only where the rule set keeps it on time."""
    return Case(
        When(
            Q(appointment_moves__gt=0) & ~Q(ruleset__in=LATE_AFTER_APOLOGY),
            then=F("promised_due_at"),
        ),
        default=F("due_at"),
    )


def overdue_filter(now: dt.datetime) -> Q:
    """Not ended and past the appointment it is judged by at ``now``."""
    return (
        Q(received_at__isnull=False, finished_at__isnull=True, returned_at__isnull=True)
        & ~Q(status=Status.STOPPED)
        & Q(judged_due__lt=now)
    )


def apply_filters(qs: QuerySet[Dossier], filters: ListFilters) -> QuerySet[Dossier]:
    """``qs`` narrowed by the date, overdue and unit filters (search and status are the
    caller's)."""
    one_day = dt.timedelta(days=1)
    if filters.received_from:
        qs = qs.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        qs = qs.filter(received_at__lt=_day_start(filters.received_to + one_day))
    if filters.finished_from or filters.finished_to:
        qs = qs.exclude(status=Status.STOPPED)
    if filters.finished_from:
        qs = qs.filter(finished_at__gte=_day_start(filters.finished_from))
    if filters.finished_to:
        qs = qs.filter(finished_at__lt=_day_start(filters.finished_to + one_day))
    if filters.overdue:
        qs = qs.annotate(judged_due=judged_due_at()).filter(overdue_filter(clock.now()))
    if filters.unit:
        steps = DossierStep.objects.filter(
            dossier=OuterRef("pk"), unit__code=filters.unit, received_at__isnull=False
        )
        qs = qs.filter(Exists(steps))
    return qs


def overdue_rows(qs: QuerySet[Dossier], limit: int = 50) -> list[tuple[Dossier, str]]:
    """The overdue dossiers of ``qs``, the longest overdue first, each with who holds it."""
    rows = (
        apply_filters(qs, ListFilters(overdue=True))
        .select_related("current_step__assignee", "current_step__unit")
        .order_by("judged_due", "pk")[:limit]
    )
    return [
        (dossier, QueueRow(dossier, dossier.current_step, None, "", "", "").holder)
        for dossier in rows
    ]

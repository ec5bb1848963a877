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
- ``unit``: the dossiers that reached a step of that unit (the registry's unit scope [A]);
- ``agency``, ``sector``, ``procedure``: the dossiers of that agency, sector or procedure (codes);
- ``stat`` with ``stat_from`` / ``stat_to``: one cell of the periodic statistics report
  (``STAT_CATEGORIES``, docs/indicators.md "Periodic statistics"), the same condition the report
  counts with, so a count and its list cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from isogov.core import clock

from .models import Dossier, DossierEvent, DossierStep
from .queues import QueueRow
from .rulesets import RULE_SETS
from .transitions import Status

LATE_AFTER_APOLOGY = tuple(r.code for r in RULE_SETS if r.late_after_apology)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
DATE_FIELDS = ("received_from", "received_to", "finished_from", "finished_to")
STAT_DATE_FIELDS = ("stat_from", "stat_to")
ONLINE_CHANNELS = ("online_partial", "online_full")
# The cells of the periodic statistics report (docs/indicators.md), each one condition.
# Received = carried over + new; every received dossier then ends the period in exactly one of
# resolved (early / on time / late), in process (within / past the deadline), withdrawn,
# refused or stopped. "returned" (sent back for a supplement in the period) is counted apart.
STAT_CATEGORIES = (
    "received",
    "carried_over",
    "new",
    "new_online",
    "new_in_person",
    "new_postal",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_process",
    "in_process_within",
    "in_process_overdue",
    "returned",
    "withdrawn",
    "refused",
    "stopped",
)


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
    agency: str = ""
    sector: str = ""
    procedure: str = ""
    stat: str = ""
    stat_from: dt.date | None = None
    stat_to: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return bool(
            self.q
            or self.status
            or self.overdue
            or self.unit
            or self.agency
            or self.sector
            or self.procedure
            or self.stat
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
    stat = params.get("stat", "").strip()
    stat_dates = {name: _date(params.get(name, ""), name, errors) for name in STAT_DATE_FIELDS}
    if stat and stat not in STAT_CATEGORIES:
        errors["stat"] = _("“%(value)s” is not a cell of the statistics report.") % {
            "value": stat[:40]
        }
    elif stat and not (stat_dates["stat_from"] and stat_dates["stat_to"]):
        errors.setdefault("stat_from", _("A cell of the statistics report needs its period."))
    elif stat and stat_dates["stat_from"] > stat_dates["stat_to"]:  # type: ignore[operator]
        errors["stat_to"] = _("The end date is before the start date.")
    if "stat" in errors or "stat_from" in errors or "stat_to" in errors:
        stat, stat_dates = "", dict.fromkeys(STAT_DATE_FIELDS)
    return ListFilters(
        q=params.get("q", "")[:200],
        status=params.get("status", "")[:40],
        overdue=overdue == "1",
        unit=unit,
        agency=params.get("agency", "").strip()[:64],
        sector=params.get("sector", "").strip()[:64],
        procedure=params.get("procedure", "").strip()[:64],
        stat=stat,
        errors=errors,
        **dates,
        **stat_dates,
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


def ended_at() -> Case:
    """When the dossier's handling ended (indicators.md A 2.1): processing finished (or a
    refusal after appraisal), the result returned, or stopped — a withdrawal is an end."""
    stopped_at = Subquery(
        DossierEvent.objects.filter(dossier=OuterRef("pk"), to_status=Status.STOPPED)
        .order_by("at")
        .values("at")[:1]
    )
    return Case(
        When(status=Status.STOPPED, then=Coalesce(F("finished_at"), stopped_at)),
        default=Coalesce(F("finished_at"), F("returned_at")),
    )


def on_time_q(end: str = "ended", due: str = "judged_due") -> Q:
    """indicators.md A 2.1 over the annotations ``end`` and ``due``: ended (or, unfinished, at
    the period's end) by the appointment it is judged by (the supplement time already left out
    of it), at most one supplement request, and no apology under a rule set that makes it
    late. The registry's 2.1 and the statistics report both judge with this."""
    return (
        Q(supplement_count__lte=1)
        & ~Q(appointment_moves__gt=0, ruleset__in=LATE_AFTER_APOLOGY)
        & (Q(**{f"{due}__isnull": True}) | Q(**{f"{end}__lte": F(due)}))
    )


def stat_annotations() -> dict[str, Any]:
    """What the statistics cells read: the end, the appointment judged by, and whether the
    dossier was withdrawn (stopped at the applicant's request, Decree 118/2025 art. 21),
    refused after appraisal (Decree 61/2018 art. 16.8) or sent back for a supplement."""
    events = DossierEvent.objects.filter(dossier=OuterRef("pk"))
    return {
        "ended": ended_at(),
        "judged_due": judged_due_at(),
        "was_withdrawn": Exists(
            events.filter(from_status=Status.WITHDRAWAL_REQUESTED, to_status=Status.STOPPED)
        ),
        "was_refused": Exists(events.filter(to_status=Status.REFUSED)),
    }


def stat_q(category: str, start: dt.datetime, end: dt.datetime, cutoff: dt.datetime) -> Q:
    """One cell of the statistics report for the period ``start``–``end`` (``cutoff`` = the
    earlier of its end and now), over a query annotated with ``stat_annotations``."""
    received = Q(received_at__isnull=False)
    open_at_start = Q(ended__isnull=True) | Q(ended__gte=start)
    ended_in = Q(ended__gte=start, ended__lt=end)
    open_at_end = received & Q(received_at__lt=end) & (Q(ended__isnull=True) | Q(ended__gte=end))
    stopped = ended_in & Q(status=Status.STOPPED)
    resolved = ended_in & ~Q(status=Status.STOPPED) & Q(was_refused=False)
    on_time = on_time_q()
    # [A] Early: ended on a day before the appointment's day (form 05's "trước hạn", as the
    # dossier's own outcome is classified: deadlines.classify).
    early = Q(ended_day__lt=F("judged_due_day"))
    new = received & Q(received_at__gte=start, received_at__lt=end)
    overdue = Q(judged_due__lt=cutoff)
    conditions = {
        "received": received & Q(received_at__lt=end) & open_at_start,
        "carried_over": received & Q(received_at__lt=start) & open_at_start,
        "new": new,
        "new_online": new & Q(channel_kind__in=ONLINE_CHANNELS),
        "new_in_person": new & Q(channel_kind="in_person"),
        "new_postal": new & Q(channel_kind="postal"),
        "resolved": resolved,
        "resolved_early": resolved & on_time & early,
        "resolved_on_time": resolved & on_time & ~early,
        "resolved_late": resolved & ~on_time,
        "in_process": open_at_end,
        "in_process_within": open_at_end & ~overdue,
        "in_process_overdue": open_at_end & overdue,
        "returned": received & Q(was_returned=True),
        "withdrawn": stopped & Q(was_withdrawn=True),
        "refused": ended_in & ~Q(status=Status.STOPPED) & Q(was_refused=True),
        "stopped": stopped & Q(was_withdrawn=False),
    }
    return conditions[category]


def stat_annotate(
    qs: QuerySet[Dossier], start: dt.datetime, end: dt.datetime, category: str | None = None
) -> QuerySet[Dossier]:
    """``qs`` with ``stat_annotations`` (only what ``category`` needs when one is named)."""
    annotations = stat_annotations()
    annotations["was_returned"] = Exists(
        DossierEvent.objects.filter(
            dossier=OuterRef("pk"),
            to_status=Status.SUPPLEMENT_REQUESTED,
            at__gte=start,
            at__lt=end,
        )
    )
    qs = qs.annotate(**annotations)
    if category is None or category in ("resolved_early", "resolved_on_time"):
        qs = qs.annotate(
            ended_day=TruncDate("ended", tzinfo=clock.LOCAL_TZ),
            judged_due_day=TruncDate("judged_due", tzinfo=clock.LOCAL_TZ),
        )
    return qs


def stat_bounds(
    date_from: dt.date, date_to: dt.date
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """The period's start, end (the day after its last, 00:00 Vietnam time) and cut-off."""
    start = _day_start(date_from)
    end = _day_start(date_to + dt.timedelta(days=1))
    return start, end, min(end, clock.now())


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
    if filters.agency:
        qs = qs.filter(agency__code=filters.agency)
    if filters.sector:
        qs = qs.filter(procedure_version__procedure__sector__code=filters.sector)
    if filters.procedure:
        qs = qs.filter(procedure_version__procedure__code=filters.procedure)
    if filters.stat and filters.stat_from and filters.stat_to:
        start, end, cutoff = stat_bounds(filters.stat_from, filters.stat_to)
        qs = stat_annotate(qs, start, end, filters.stat).filter(
            stat_q(filters.stat, start, end, cutoff)
        )
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

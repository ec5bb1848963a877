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
- ``step_unit`` with ``step=handled`` and ``step_from`` / ``step_to``: the dossiers of the steps
  that unit handled in those days (a counted step finished in them, or open at their end, now
  for a running period: ``steps.handled``); with ``step=overdue``: the dossiers of its steps
  open now and past their due time (``steps.overdue_at_end``). One dossier is listed once, even
  with two such steps (docs/indicators.md, "Units ranked by their steps");
- ``agency``, ``sector``, ``procedure``: the dossiers of that agency, sector or procedure (codes);
- ``stat`` with ``stat_from`` / ``stat_to``: one cell of the periodic statistics report
  (``STAT_CATEGORIES``, docs/indicators.md "Periodic statistics"), the same condition the report
  counts with, so a count and its list cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from isogov.accounts.models import Unit
from isogov.core import clock

from .models import ClockStop, Dossier, DossierEvent, DossierStep
from .queues import QueueRow, is_open
from .rulesets import RULE_SETS
from .transitions import Status

LATE_AFTER_APOLOGY = tuple(r.code for r in RULE_SETS if r.late_after_apology)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
DATE_FIELDS = ("received_from", "received_to", "finished_from", "finished_to")
STAT_DATE_FIELDS = ("stat_from", "stat_to")
STEP_DATE_FIELDS = ("step_from", "step_to")
STEP_LISTS = ("handled", "overdue")
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
    step_unit: str = ""
    step: str = ""
    step_from: dt.date | None = None
    step_to: dt.date | None = None
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
            or (self.step_unit and self.step)
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
    step_unit = params.get("step_unit", "").strip()[:50]
    step = params.get("step", "").strip()
    step_dates = {name: _date(params.get(name, ""), name, errors) for name in STEP_DATE_FIELDS}
    if step and step not in STEP_LISTS:
        errors["step"] = _("“step” must be handled or overdue.")
    elif step and not step_unit:
        errors["step_unit"] = _("A list of a unit's steps needs its unit.")
    elif step == "handled" and not (step_dates["step_from"] and step_dates["step_to"]):
        errors.setdefault("step_from", _("The steps a unit handled need their period."))
    elif step == "handled" and step_dates["step_from"] > step_dates["step_to"]:  # type: ignore[operator]
        errors["step_to"] = _("The end date is before the start date.")
    if any(name in errors for name in ("step", "step_unit", *STEP_DATE_FIELDS)):
        step, step_dates = "", dict.fromkeys(STEP_DATE_FIELDS)
    return ListFilters(
        q=params.get("q", "")[:200],
        status=params.get("status", "")[:40],
        overdue=overdue == "1",
        unit=unit,
        agency=params.get("agency", "").strip()[:64],
        sector=params.get("sector", "").strip()[:64],
        procedure=params.get("procedure", "").strip()[:64],
        stat=stat,
        step_unit=step_unit,
        step=step,
        errors=errors,
        **dates,
        **stat_dates,
        **step_dates,
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


def ended_at(prefix: str = "") -> Case:
    """When the dossier's handling ended (indicators.md A 2.1): processing finished (or a
    refusal after appraisal), the result returned, or stopped — a withdrawal is an end.
    ``prefix``: the path to the dossier (``"dossier__"`` from its steps)."""
    # ``stopped_at``: the time of the first event into "stopped", stored by the services.
    return Case(
        When(
            **{f"{prefix}status": Status.STOPPED},
            then=Coalesce(F(f"{prefix}finished_at"), F(f"{prefix}stopped_at")),
        ),
        default=Coalesce(F(f"{prefix}finished_at"), F(f"{prefix}returned_at")),
    )


def counted_steps(
    units: Iterable[int] | QuerySet[Any] | None = None, *, unit_indexed: bool = True
) -> QuerySet[DossierStep]:
    """The steps a unit answers for (docs/indicators.md, "Units ranked by their steps"): of a
    unit (of ``units``, ids or a query of ids, when given), counted in the legal time, received.

    With ``units`` the condition is their ``IN`` list alone: beside it, ``unit_id IS NOT NULL``
    made SQLite walk the whole index of finished steps (``unit_id > NULL``) instead of each
    unit's range of it (1.7 s at 1,000,000 dossiers for a range that held no step).
    ``unit_indexed=False``: the units' condition serves no index (``Unindexed``), for a caller
    that reads the steps from their dossiers."""
    steps = DossierStep.objects.filter(is_counted=True, received_at__isnull=False)
    if units is None:
        return steps.filter(unit__isnull=False)
    if not unit_indexed:
        unit = Unindexed("unit_id", output_field=BigIntegerField())
        return steps.alias(unit_unindexed=unit).filter(unit_unindexed__in=units)
    return steps.filter(unit_id__in=units)


def not_ended_by(cutoff: dt.datetime, prefix: str = "") -> Q:
    """A condition that the dossier indexes serve, met by every dossier whose handling had not
    ended by ``cutoff`` (``ended_at`` null, or at or after it): neither finished nor stopped
    (``dossier_agency_live``), or finished or stopped at or after the cut-off
    (``dossier_agency_finished``, ``dossier_agency_stopped``). A wider set: the caller keeps
    ``ended_at``'s own condition. It holds because ``stopped_at`` is set only by the move into
    "stopped", which no action leaves (so a dossier with it and no finish ended then)."""
    return (
        Q(**{f"{prefix}finished_at__isnull": True, f"{prefix}stopped_at__isnull": True})
        | Q(**{f"{prefix}finished_at__gte": cutoff})
        | Q(**{f"{prefix}stopped_at__gte": cutoff})
    )


def steps_open_at(steps: QuerySet[DossierStep], cutoff: dt.datetime) -> QuerySet[DossierStep]:
    """The steps of ``steps`` (not finished by ``cutoff``: the caller's condition) that were
    open at ``cutoff``: received before it, their dossier not ended by then (a stopped dossier's
    last step is never finished) and its clock running (not waiting for a supplement)."""
    waiting = ClockStop.objects.filter(
        dossier=OuterRef("dossier_id"), started_at__lt=cutoff
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=cutoff))
    return (
        steps.filter(received_at__lt=cutoff)
        .annotate(dossier_ended=ended_at("dossier__"))
        .filter(Q(dossier_ended__isnull=True) | Q(dossier_ended__gte=cutoff))
        .filter(~Exists(waiting))
    )


def _unit_steps_q(filters: ListFilters) -> Q:
    """The dossiers of the unit's steps, as the ids those steps name: the steps are read through
    their own indexes (of the unit's finished steps, of the open ones) once, not looked up once
    per dossier of the agency (a correlated ``EXISTS`` walked all of a 1,000,000-dossier agency
    and ran past the server's 30 s)."""
    steps = counted_steps(Unit.objects.filter(code=filters.step_unit).values("pk"))
    now = clock.now()
    if filters.step == "overdue":
        overdue = steps_open_at(steps.filter(finished_at__isnull=True), now).filter(due_at__lt=now)
        return Q(pk__in=overdue.values("dossier_id"))
    assert filters.step_from is not None and filters.step_to is not None
    start, end, cutoff = stat_bounds(filters.step_from, filters.step_to)
    finished = steps.filter(finished_at__gte=start, finished_at__lt=end)
    still_open = steps.filter(Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff))
    open_then = steps_open_at(still_open, cutoff)
    ids = finished.order_by().values("dossier_id")
    return Q(pk__in=ids.union(open_then.order_by().values("dossier_id")))


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


# The dispositions at the period's end: every received dossier of the period is in one.
DISPOSITIONS = (
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_process_within",
    "in_process_overdue",
    "withdrawn",
    "refused",
    "stopped",
)
ORIGINS = ("carried_over", "new")
CHANNEL_CELLS = {"online_partial": "new_online", "online_full": "new_online"}
CHANNEL_CELLS.update({"in_person": "new_in_person", "postal": "new_postal"})


def stat_annotate(
    qs: QuerySet[Dossier], start: dt.datetime, end: dt.datetime, cutoff: dt.datetime
) -> QuerySet[Dossier]:
    """The period's dossiers of ``qs`` (received before its end, not ended before its start),
    each classified once: ``stat_origin`` (carried over or new), ``stat_disposition`` (one of
    ``DISPOSITIONS``) and ``was_returned`` (sent back for a supplement in the period). The
    statistics report groups by these; a cell's dossier list filters on them (``stat_q``).

    Ended in the period: withdrawn (stopped at the applicant's request, Decree 118/2025 art. 21),
    stopped otherwise (closed unanswered, art. 19.5), refused after appraisal (Decree 61/2018 art.
    16.8), else resolved — late unless on time as 2.1 judges it (``on_time_q``); [A] early when
    it ended on a day before the appointment's day (form 05's "trước hạn", ``deadlines.classify``).
    Not ended by the period's end: in process, past the deadline when the appointment judged by
    is before the cut-off (the period's end, or now while it runs).
    """
    events = DossierEvent.objects.filter(dossier=OuterRef("pk"))
    withdrawn = Exists(
        events.filter(from_status=Status.WITHDRAWAL_REQUESTED, to_status=Status.STOPPED)
    )
    refused = Exists(events.filter(to_status=Status.REFUSED))
    early = Q(ended_day__lt=F("judged_due_day"))
    qs = (
        qs.filter(received_at__isnull=False, received_at__lt=end)
        .annotate(ended=ended_at(), judged_due=judged_due_at())
        .filter(Q(ended__isnull=True) | Q(ended__gte=start))
        .annotate(
            ended_day=TruncDate("ended", tzinfo=clock.LOCAL_TZ),
            judged_due_day=TruncDate("judged_due", tzinfo=clock.LOCAL_TZ),
        )
    )
    return qs.annotate(
        stat_origin=Case(
            When(received_at__lt=start, then=Value("carried_over")), default=Value("new")
        ),
        stat_disposition=Case(
            When(
                Q(ended__isnull=True) | Q(ended__gte=end),
                then=Case(
                    When(judged_due__lt=cutoff, then=Value("in_process_overdue")),
                    default=Value("in_process_within"),
                ),
            ),
            When(Q(status=Status.STOPPED) & withdrawn, then=Value("withdrawn")),
            When(status=Status.STOPPED, then=Value("stopped")),
            When(refused, then=Value("refused")),
            When(~on_time_q(), then=Value("resolved_late")),
            When(early, then=Value("resolved_early")),
            default=Value("resolved_on_time"),
        ),
        was_returned=Exists(
            events.filter(to_status=Status.SUPPLEMENT_REQUESTED, at__gte=start, at__lt=end)
        ),
    )


def stat_q(category: str) -> Q:
    """One cell of the statistics report over a query from ``stat_annotate``."""
    if category == "received":
        return Q()
    if category in ORIGINS:
        return Q(stat_origin=category)
    if category in CHANNEL_CELLS.values():
        kinds = [kind for kind, cell in CHANNEL_CELLS.items() if cell == category]
        return Q(stat_origin="new", channel_kind__in=kinds)
    if category in ("resolved", "in_process"):
        return Q(stat_disposition__startswith=f"{category}_")
    if category == "returned":
        return Q(was_returned=True)
    return Q(stat_disposition=category)


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
    if filters.step_unit and filters.step:
        qs = qs.filter(_unit_steps_q(filters))
    if filters.stat and filters.stat_from and filters.stat_to:
        start, end, cutoff = stat_bounds(filters.stat_from, filters.stat_to)
        qs = stat_annotate(qs, start, end, cutoff).filter(stat_q(filters.stat))
    return qs


class Unindexed(Func):
    """A column whose condition no index should serve: ``+column`` on SQLite (its documented
    way), the column itself elsewhere (PostgreSQL's planner has statistics)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def overdue_rows(qs: QuerySet[Dossier], limit: int = 50) -> list[tuple[Dossier, str]]:
    """The overdue dossiers of ``qs`` (``overdue_filter``), the longest overdue first, each with
    who holds it. The overdue ones' appointments only (not every open dossier's row) are read
    from two small indexes, those judged by their legal appointment (``dossier_open_due``) and
    those by one an apology moved (``dossier_open_moved_due``), and sorted here; then the first
    ``limit`` rows. Both repeat the indexes' condition on the open statuses with literals
    (``queues.is_open``, as SQLite needs; every overdue dossier has one), keep the receipt out
    of the index choice and ask no order of the database (SQLite, without statistics, otherwise
    walked the index of every dossier by appointment, or of the unreturned ones by receipt)."""
    now = clock.now()
    open_ = (
        qs.alias(received=Unindexed("received_at", output_field=DateTimeField()))
        .filter(
            is_open(), received__isnull=False, finished_at__isnull=True, returned_at__isnull=True
        )
        .exclude(status=Status.STOPPED)
        .order_by()
    )
    legal = Q(appointment_moves=0) | Q(ruleset__in=LATE_AFTER_APOLOGY)
    overdue = [
        *open_.filter(legal, due_at__lt=now).values_list("due_at", "pk"),
        *open_.filter(appointment_moves__gt=0, promised_due_at__lt=now)
        .exclude(ruleset__in=LATE_AFTER_APOLOGY)
        .values_list("promised_due_at", "pk"),
    ]
    first = [pk for _due, pk in sorted(overdue)[:limit]]
    rows = (
        Dossier.objects.filter(pk__in=first)
        .annotate(judged_due=judged_due_at())
        .select_related("current_step__assignee", "current_step__unit")
    )
    found = sorted(rows, key=lambda d: (d.judged_due, d.pk))
    return [
        (dossier, QueueRow(dossier, dossier.current_step, None, "", "", "").holder)
        for dossier in found
    ]

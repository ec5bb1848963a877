"""A whole-agency period composed from stored daily parts (docs/indicators.md, "How periods
compose").

Every closed day of an agency gets a daily snapshot (``services.snapshot_take`` for one day, the
backfill ``isogov indicators snapshots``) whose ``parts`` hold exact integer counts and sums:

- flows, which add up over days: dossiers received, ended (and ended on time, ended with a
  dislike), finished (late, with a result, with an electronic result, their processing seconds
  and the supplement waits, both rounded per dossier to whole seconds), stopped, and the facts
  of the dossiers received (digitised, with fees, paid online);
- stocks at the day's end, read from the period's last day only: dossiers open, overdue, open
  and still within their appointment, open with a dislike;
- the procedures that received an online dossier that day, which compose as a union (3.2);
- per unit (``units``: unit id → ``UNIT_KEYS``), its counted steps finished that day and, of
  them, late (flows), and its steps open at the day's end and, of them, past due (stocks): the
  units ranked by their steps (``evaluate_units``) and the ``steps.*`` measures compose from
  these. A day stored before it kept them gets them added (``add_unit_parts``).

A period's ``dossier_counts`` then follows from indicators.md A 2.1: the dossiers received or
handled in a period are those that ended in it plus those still open at its end, so
``handled = Σ ended + open at the end`` and ``on time = Σ ended on time + open and within the
appointment at the end``. The measures read these composed figures through the same functions
as the live computation (``Context`` memo), so points and rates are computed from the composed
numerators and denominators, never summed. The days not stored (today, a day missing from the
history) are read live from the dossiers, for those days only.

Measures over the catalogue (1.1–1.3, 3.1), the portal sync (1.4), petitions and ratings (5.1–
5.3, the surveys, whether 5.4 has data) and Circular 01/2018 stay live: they read small tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum

from isogov.accounts.models import Agency
from isogov.core import clock
from isogov.dossiers.models import (
    ClockStop,
    Dossier,
    DossierFee,
    DossierPaper,
    Payment,
    PaymentMethod,
)
from isogov.dossiers.transitions import Status
from isogov.feedback import selectors as feedback

from .queries import (
    LATE_AFTER_APOLOGY,
    ONLINE_CHANNELS,
    _annotated,
    _parts,
    rounded_seconds,
    scoped_dossiers,
)
from .registry import Context, Result, Scope
from .unit_parts import UNIT_KEYS, UNITS, compose_units, unit_day_parts

FLOWS = (
    "received",
    "received_online",
    "received_online_late",
    "ended",
    "ended_on_time",
    "ended_disliked",
    "finished",
    "finished_late",
    "finished_seconds",
    "waited_seconds",
    "stopped",
    "with_result",
    "with_e_result",
    "digitised",
    "with_fees",
    "paid_online",
)
STOCKS = ("open_at_end", "overdue_at_end", "open_on_time", "open_disliked")
ONLINE_PROCEDURES = "online_procedures"
# The version of the parts' layout: a stored day of another version is read live again.
VERSION = 1


def empty_parts() -> dict[str, Any]:
    parts: dict[str, Any] = dict.fromkeys((*FLOWS, *STOCKS), 0)
    parts[ONLINE_PROCEDURES] = []
    parts["version"] = VERSION
    return parts


def day_parts(
    agency: Agency, date_from: dt.date, date_to: dt.date, *, units: bool = False
) -> dict[dt.date, dict]:
    """The parts of every day from ``date_from`` to ``date_to`` (at most today, whose stocks are
    taken now), from one read of the dossiers those days concern; with ``units``, the units'
    parts too (a stored day keeps them)."""
    today = clock.today()
    date_to = min(date_to, today)
    days = [date_from + dt.timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    result = {day: empty_parts() for day in days}
    if not days:
        return result
    ctx = Context(Scope(agency=agency), date_from, date_to)
    start, end, cutoff = ctx.start, ctx.end, ctx.cutoff
    # Stocks of the closed days by difference arrays over day indices: a dossier counts on
    # day i when the interval [first, last] of its open (overdue, …) days covers i.
    closed = len(days) if date_to < today else len(days) - 1
    diffs = {key: [0] * (closed + 1) for key in STOCKS}

    def span(key: str, first: dt.date, last: dt.date | None) -> None:
        lo = max((first - date_from).days, 0)
        hi = closed - 1 if last is None else min((last - date_from).days, closed - 1)
        if lo <= hi:
            diffs[key][lo] += 1
            diffs[key][hi + 1] -= 1

    papers = DossierPaper.objects.filter(dossier=OuterRef("pk"))
    fees = DossierFee.objects.filter(dossier=OuterRef("pk"), amount_vnd__gt=0)
    paid = Payment.objects.filter(dossier=OuterRef("pk"), method=PaymentMethod.ONLINE)
    received_q = Q(received_at__gte=start, received_at__lt=end)
    finished_q = Q(finished_at__gte=start, finished_at__lt=end) & ~Q(status=Status.STOPPED)
    waits: dict[int, int] = dict(
        ClockStop.objects.filter(
            dossier__in=scoped_dossiers(ctx).filter(finished_q).values("pk"),
            ended_at__isnull=False,
        )
        .order_by()
        .values("dossier_id")
        .annotate(waited=Sum(rounded_seconds("started_at", "ended_at")))
        .values_list("dossier_id", "waited")
    )
    fields = (
        "pk",
        "received_at",
        "finished_at",
        "ended",
        "judged_due_at",
        "due_at",
        "status",
        "supplement_count",
        "appointment_moves",
        "ruleset",
        "channel_kind",
        "result_number",
        "result_file",
        "procedure_version__procedure_id",
        "seconds",
        "disliked",
        "is_digitised",
        "has_fees",
        "is_paid_online",
    )
    for part in _parts(ctx):
        rows = (
            _annotated(part, ctx)
            .annotate(
                seconds=rounded_seconds("received_at", "finished_at"),
                disliked=ExpressionWrapper(feedback.dossier_disliked(), BooleanField()),
                is_digitised=ExpressionWrapper(
                    received_q
                    & ~Q(result_file="")
                    & Q(Exists(papers))
                    & ~Q(Exists(papers.filter(scan=""))),
                    BooleanField(),
                ),
                has_fees=ExpressionWrapper(received_q & Q(Exists(fees)), BooleanField()),
                is_paid_online=ExpressionWrapper(
                    received_q & Q(Exists(fees)) & Q(Exists(paid)), BooleanField()
                ),
            )
            .order_by()
            .values_list(*fields)
        )
        for row in rows.iterator(chunk_size=5000):
            r = dict(zip(fields, row, strict=True))
            ended = r["ended"]
            if ended is not None and ended < start:
                continue
            received_at = r["received_at"]
            due = r["judged_due_at"]
            eligible = r["supplement_count"] <= 1 and not (
                r["appointment_moves"] > 0 and r["ruleset"] in LATE_AFTER_APOLOGY
            )
            online = r["channel_kind"] in ONLINE_CHANNELS
            if start <= received_at < end:
                p = result[clock.local_date(received_at)]
                p["received"] += 1
                if online:
                    p["received_online"] += 1
                    finished_at, due_at = r["finished_at"], r["due_at"]
                    if finished_at is not None and due_at is not None and finished_at > due_at:
                        p["received_online_late"] += 1
                    procedure = r["procedure_version__procedure_id"]
                    if procedure not in p[ONLINE_PROCEDURES]:
                        p[ONLINE_PROCEDURES].append(procedure)
                p["digitised"] += bool(r["is_digitised"])
                p["with_fees"] += bool(r["has_fees"])
                p["paid_online"] += bool(r["is_paid_online"])
            if ended is not None and ended < cutoff:
                p = result[clock.local_date(ended)]
                p["ended"] += 1
                p["ended_on_time"] += eligible and (due is None or ended <= due)
                p["ended_disliked"] += bool(r["disliked"])
                if r["status"] == Status.STOPPED:
                    p["stopped"] += 1
            finished_at = r["finished_at"]
            if (
                finished_at is not None
                and start <= finished_at < end
                and r["status"] != Status.STOPPED
            ):
                p = result[clock.local_date(finished_at)]
                p["finished"] += 1
                p["finished_late"] += due is not None and finished_at > due
                p["finished_seconds"] += r["seconds"] or 0
                p["waited_seconds"] += waits.get(r["pk"], 0)
                if r["result_number"]:
                    p["with_result"] += 1
                    p["with_e_result"] += bool(r["result_file"])
            # Stocks: open on closed day d when received before its end and not ended by it.
            first = clock.local_date(received_at)
            last_open = None if ended is None else clock.local_date(ended) - dt.timedelta(days=1)
            span("open_at_end", first, last_open)
            if r["disliked"]:
                span("open_disliked", first, last_open)
            if due is not None:
                span("overdue_at_end", max(first, clock.local_date(due)), last_open)
            if eligible:
                within = None if due is None else clock.local_date(due) - dt.timedelta(days=1)
                last_within: dt.date | None = last_open
                if within is not None and (last_open is None or within < last_open):
                    last_within = within
                span("open_on_time", first, last_within)
            if closed < len(days) and received_at < cutoff and (ended is None or ended >= cutoff):
                p = result[days[-1]]  # today: the stocks now
                p["open_at_end"] += 1
                p["open_disliked"] += bool(r["disliked"])
                p["overdue_at_end"] += due is not None and due < cutoff
                p["open_on_time"] += eligible and (due is None or cutoff <= due)
    for key, diff in diffs.items():
        running = 0
        for i in range(closed):
            running += diff[i]
            result[days[i]][key] = running
    for parts in result.values():
        parts[ONLINE_PROCEDURES].sort()
    if units:
        for day, unit_parts in unit_day_parts(agency, date_from, date_to).items():
            result[day][UNITS] = unit_parts
    return result


def compose_memo(parts_in_order: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``Context`` memo of a period from the parts of its days in order (the last one's
    stocks are the period's end)."""
    total = dict.fromkeys(FLOWS, 0)
    online: set[int] = set()
    for parts in parts_in_order:
        for key in FLOWS:
            total[key] += parts[key]
        online.update(parts[ONLINE_PROCEDURES])
    last = parts_in_order[-1]
    counts = {
        "handled": total["ended"] + last["open_at_end"],
        "on_time": total["ended_on_time"] + last["open_on_time"],
        "open_at_end": last["open_at_end"],
        "overdue_at_end": last["overdue_at_end"],
        **{
            key: total[key]
            for key in (
                "received",
                "received_online",
                "received_online_late",
                "finished",
                "finished_late",
                "stopped",
                "with_result",
                "with_e_result",
                "finished_seconds",
            )
        },
    }
    memo: dict[str, Any] = {}
    if all(UNITS in parts for parts in parts_in_order):
        steps = dict.fromkeys(UNIT_KEYS, 0)
        for unit_counts in compose_units(parts_in_order).values():
            for key in UNIT_KEYS:
                steps[key] += unit_counts[key]
        memo["step_counts"] = steps
    return {
        **memo,
        "dossier_counts": counts,
        "processing_time": (
            total["finished"],
            float(total["finished_seconds"] - total["waited_seconds"]),
        ),
        "received_facts": {key: total[key] for key in ("digitised", "with_fees", "paid_online")},
        "online_used": online,
        "handled_where:disliked": total["ended_disliked"] + last["open_disliked"],
    }


# The measures whose figure comes from composed parts alone (the others are computed live,
# for the period, beside them).
COMPOSED = frozenset(
    {
        "2.1",
        "2.2",
        "3.3",
        "3.6",
        "4.1",
        "4.2",
        "count.received",
        "count.finished",
        "count.finished_late",
        "count.overdue_at_end",
        "count.open_at_end",
        "count.stopped",
        "steps.on_time",
        "steps.handled",
        "steps.overdue_at_end",
    }
)
# Composed from parts, with a live part: 3.2 (the union of procedures, over the catalogue's
# versions in force), 5.4 (composed counts; whether the period has feedback is asked live).
PARTLY_COMPOSED = frozenset({"3.2", "5.4"})


def stored_parts(agency: Agency, date_from: dt.date, date_to: dt.date) -> dict[dt.date, dict]:
    """The stored daily parts of the agency's days in the range (current layout only)."""
    from .models import IndicatorSnapshot

    rows = IndicatorSnapshot.objects.filter(
        agency=agency,
        scope_key="",
        date_from__gte=date_from,
        date_from__lte=date_to,
        date_to=F("date_from"),
    ).values_list("date_from", "parts")
    return {day: parts for day, parts in rows if parts and parts.get("version") == VERSION}


def period_parts(
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    *,
    require_stored: bool = True,
    units: bool = False,
) -> list[dict[str, Any]] | None:
    """The parts of every day of the period up to today: stored ones, the others read live
    (contiguous runs at once). None when the period has no stored day and ``require_stored``
    (the caller then computes the period live, as one query set). With ``units``, every day
    has its units' parts (today's read once per page, like today's other parts)."""
    today = clock.today()
    last = min(date_to, today)
    if date_from > last:
        return None
    stored = stored_parts(agency, date_from, min(last, today - dt.timedelta(days=1)))
    if require_stored and not stored:
        return None
    days = [date_from + dt.timedelta(days=i) for i in range((last - date_from).days + 1)]
    parts: dict[dt.date, dict] = dict(stored)
    if last == today:
        parts[today] = _today_parts_once(agency)
    for first, last_day in _runs([day for day in days if day not in parts]):
        parts.update(day_parts(agency, first, last_day, units=units))
    if units:
        if last == today:
            parts[today] = {**parts[today], UNITS: _today_units_once(agency)}
        # Days stored before they kept their units' parts: those read for the days alone.
        for first, last_day in _runs([day for day in days if UNITS not in parts[day]]):
            for day, unit_parts in unit_day_parts(agency, first, last_day).items():
                parts[day] = {**parts[day], UNITS: unit_parts}
    return [parts[day] for day in days]


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The contiguous runs of ``days`` (in order) as (first, last)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _any_dislike(agency: Agency) -> bool:
    """Whether any dossier of the agency has a petition or a dissatisfied rating (what
    ``feedback.dossier_disliked`` looks for): without one, today's count of them is 0 without
    reading today's dossiers."""
    from isogov.feedback.models import FeedbackItem, Rating, RatingChannel

    # Through the (few) feedback items, not the agency's million dossiers: SQLite walked the
    # dossiers by agency and looked each one up among the items (57 ms of CPU at 1M).
    items = FeedbackItem.objects.filter(dossier__isnull=False).values("dossier_id")
    return (
        Dossier.objects.filter(agency=agency, pk__in=items).exists()
        or Rating.objects.filter(
            dossier__agency=agency, channel=RatingChannel.TOKEN, overall="dissatisfied"
        ).exists()
    )


# Today's parts read within ``today_read_once`` (agency id → parts); None outside it.
_TODAY: ContextVar[dict[int, dict[str, Any]] | None] = ContextVar("today_parts", default=None)


@contextmanager
def today_read_once() -> Iterator[None]:
    """Within the block (one page: this month and the year to date both end today), today's
    parts of an agency are read once. Nothing outlives the block: the next page reads today
    again, so the figures stay live."""
    token = _TODAY.set({})
    try:
        yield
    finally:
        _TODAY.reset(token)


def _today_parts_once(agency: Agency) -> dict[str, Any]:
    read = _TODAY.get()
    if read is None:
        return today_parts(agency)
    if agency.pk not in read:
        read[agency.pk] = today_parts(agency)
    return read[agency.pk]


def today_parts(agency: Agency) -> dict[str, Any]:
    """Today's parts as the period's last day, from the live aggregates of today (a few
    queries, not a row per dossier): only the sums ``ended + open`` of the last day matter, so
    today's handled dossiers are put in ``ended`` and its stocks beside them."""
    from .queries import (
        dossier_counts,
        handled_count_where,
        online_procedure_ids_used,
        processing_time,
        received_facts,
    )

    today = clock.today()
    ctx = Context(Scope(agency=agency), today, today)
    counts = dossier_counts(ctx)
    parts = empty_parts()
    parts.update({key: counts[key] for key in parts if key in counts and key != "finished_seconds"})
    parts.update(received_facts(ctx))
    parts["ended"] = counts["handled"] - counts["open_at_end"]
    parts["ended_on_time"] = counts["on_time"]
    parts["open_on_time"] = 0
    parts["finished_seconds"] = round(processing_time(ctx)[1])
    if _any_dislike(agency):
        parts["ended_disliked"] = handled_count_where(ctx, "disliked", feedback.dossier_disliked())
    parts[ONLINE_PROCEDURES] = sorted(online_procedure_ids_used(ctx))
    parts["live"] = True
    return parts


def _today_units_once(agency: Agency) -> dict[str, list[int]]:
    """Today's units' parts (``unit_day_parts`` of today: its steps finished, those open now),
    read once within ``today_read_once``."""
    read = _TODAY.get()
    key = -agency.pk  # beside the agency's other parts of today
    if read is None:
        return unit_day_parts(agency, clock.today(), clock.today())[clock.today()]
    if key not in read:
        read[key] = unit_day_parts(agency, clock.today(), clock.today())[clock.today()]
    return read[key]


def compose(
    scope: Scope, date_from: dt.date, date_to: dt.date, wanted: Iterable[str]
) -> list[Result] | None:
    """The results of a whole-agency period from its daily parts (see the module's text), or
    None when no day of it is stored."""
    if scope.key:
        return None
    wanted = list(wanted)
    units = any(code.startswith("steps.") for code in wanted)
    parts = period_parts(scope.agency, date_from, date_to, units=units)
    if parts is None:
        return None
    return compose_results(scope, date_from, date_to, wanted, parts)


def compose_results(
    scope: Scope,
    date_from: dt.date,
    date_to: dt.date,
    wanted: Iterable[str],
    parts: list[dict[str, Any]],
) -> list[Result]:
    """The measures of the period from its days' parts in order (the others live)."""
    from .registry import REGISTRY, _load, _result

    _load()
    ctx = Context(scope, date_from, date_to)
    ctx._memo.update(compose_memo(parts))
    return [_result(REGISTRY[code], ctx) for code in wanted]


def missing_days(agency: Agency, date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The closed days of the range without stored parts."""
    stored = stored_parts(agency, date_from, date_to)
    days = [date_from + dt.timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    return [day for day in days if day not in stored]


def days_without_units(agency: Agency, date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The closed days of the range stored with their parts but not their units' (stored
    before the parts kept them)."""
    stored = stored_parts(agency, date_from, date_to)
    return sorted(day for day, parts in stored.items() if UNITS not in parts)


def add_unit_parts(agency: Agency, days: list[dt.date]) -> int:
    """Add the units' parts to the stored days ``days`` (their other parts and figures are
    left as they were); returns how many were updated."""
    from .models import IndicatorSnapshot

    updated = 0
    for first, last in _runs(days):
        units = unit_day_parts(agency, first, last)
        rows = IndicatorSnapshot.objects.select_for_update().filter(
            agency=agency,
            scope_key="",
            date_from__gte=first,
            date_from__lte=last,
            date_to=F("date_from"),
        )
        for row in rows:
            row.parts = {**row.parts, UNITS: units[row.date_from]}
            row.save(update_fields=["parts"])
            updated += 1
    return updated


def period_unit_parts(
    agency: Agency, date_from: dt.date, date_to: dt.date
) -> list[dict[str, Any]] | None:
    """The units' parts (``{UNITS: …}``) of every day of the period up to today, for
    ``compose_units``: the stored days', the others read for those days alone, today's once per
    page; the agency's other parts are not read. None when the period has no stored day."""
    today = clock.today()
    last = min(date_to, today)
    if date_from > last:
        return None
    stored = stored_parts(agency, date_from, min(last, today - dt.timedelta(days=1)))
    if not stored:
        return None
    days = [date_from + dt.timedelta(days=i) for i in range((last - date_from).days + 1)]
    units = {day: parts[UNITS] for day, parts in stored.items() if UNITS in parts}
    if last == today:
        units[today] = _today_units_once(agency)
    for first, last_day in _runs([day for day in days if day not in units]):
        units.update(unit_day_parts(agency, first, last_day))
    return [{UNITS: units[day]} for day in days]

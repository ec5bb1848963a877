"""The units' daily parts of an agency's snapshots (``units`` in ``rollup``'s text): per unit,
its counted steps finished that day and, of them, late (flows), and its steps open at the day's
end and, of them, past due (stocks), stored as a list in ``UNIT_KEYS`` order. The units ranked
by their steps (``evaluate_units``) and the ``steps.*`` measures compose from these
(``compose_units``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from isogov.accounts.models import Agency, Unit
from isogov.core import clock
from isogov.dossiers import listing
from isogov.dossiers.models import ClockStop

from .queries import STEP_KEYS, step_counts_by_unit
from .registry import Context, Scope

# Per unit, in this order (a list in the stored JSON): the flows, then the stocks.
UNIT_KEYS = STEP_KEYS
UNIT_FLOWS = ("steps_finished", "steps_finished_late")
UNITS = "units"


def _as_stored(counts: dict[int, dict[str, int]]) -> dict[str, list[int]]:
    return {
        str(unit): [c[key] for key in UNIT_KEYS]
        for unit, c in sorted(counts.items())
        if any(c.values())
    }


def unit_day_parts(
    agency: Agency, date_from: dt.date, date_to: dt.date
) -> dict[dt.date, dict[str, list[int]]]:
    """Every day's unit parts (``units`` of the module's text) from ``date_from`` to ``date_to``:
    the closed days from one read of the steps those days concern (finished in the range, or
    open at one of its days' ends, with their dossier's end and its supplement waits), today's
    from the live grouped counts (its stocks now)."""
    today = clock.today()
    date_to = min(date_to, today)
    days = [date_from + dt.timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    if not days:
        return {}
    found: dict[dt.date, dict[int, dict[str, int]]] = {day: {} for day in days}
    closed = len(days) if date_to < today else len(days) - 1
    if closed < len(days):
        ctx = Context(Scope(agency=agency), today, today)
        found[today] = step_counts_by_unit(ctx)
    if closed:
        _closed_unit_days(agency, days[:closed], found)
    return {day: _as_stored(found[day]) for day in days}


def _closed_unit_days(
    agency: Agency, days: list[dt.date], found: dict[dt.date, dict[int, dict[str, int]]]
) -> None:
    """``found`` filled for the closed ``days`` (contiguous). A step is open at day *i*'s end
    when received before it and neither it nor its dossier ended by then, and its dossier was
    not waiting for a supplement then (``listing.steps_open_at`` at each day's end); the stocks
    are counted by difference arrays over the day indices."""
    first_day = days[0]
    ctx = Context(Scope(agency=agency), days[0], days[-1])
    start, end = ctx.start, ctx.end
    units = list(Unit.objects.filter(agency_id=agency.pk).values_list("pk", flat=True))
    steps = (
        listing.counted_steps(units)
        .filter(received_at__lt=end)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start))
        .annotate(dossier_ended=listing.ended_at("dossier__"))
        .order_by()
        .values_list(
            "unit_id",
            "dossier_id",
            "received_at",
            "finished_at",
            "due_at",
            "outcome",
            "dossier_ended",
        )
    )
    waits: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = {}
    for dossier, started, ended in (
        ClockStop.objects.filter(dossier__agency_id=agency.pk, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
        .order_by()
        .values_list("dossier_id", "started_at", "ended_at")
    ):
        waits.setdefault(dossier, []).append((started, ended))
    n = len(days)
    diffs: dict[int, dict[str, list[int]]] = {}

    def index(moment: dt.datetime) -> int:
        return (clock.local_date(moment) - first_day).days

    def span(unit: int, key: str, lo: int, hi: int, delta: int = 1) -> None:
        lo, hi = max(lo, 0), min(hi, n - 1)
        if lo <= hi:
            d = diffs.setdefault(
                unit, {"steps_open": [0] * (n + 1), "steps_overdue": [0] * (n + 1)}
            )
            d[key][lo] += delta
            d[key][hi + 1] -= delta

    for unit, dossier, received_at, finished_at, due_at, outcome, ended in steps.iterator(
        chunk_size=5000
    ):
        if finished_at is not None and start <= finished_at < end:
            day = clock.local_date(finished_at)
            counts = found[day].setdefault(unit, dict.fromkeys(UNIT_KEYS, 0))
            counts["steps_finished"] += 1
            counts["steps_finished_late"] += outcome == "late"
        # Open at day i's end (i from the day of receipt) until the day before the first of
        # its finish and its dossier's end.
        assert received_at is not None  # counted steps are received
        lo = index(received_at)
        closing: list[dt.datetime] = [m for m in (finished_at, ended) if m is not None]
        hi = index(min(closing)) - 1 if closing else n - 1
        if lo > hi:
            continue
        due = n if due_at is None else index(due_at)
        for key, first in (("steps_open", lo), ("steps_overdue", max(lo, due))):
            span(unit, key, first, hi)
            for started, resumed in waits.get(dossier, ()):
                # Waiting at day i's end: stopped before it, resumed at or after it.
                wait_hi = n - 1 if resumed is None else index(resumed) - 1
                span(unit, key, max(first, index(started)), min(hi, wait_hi), -1)
    for unit, d in diffs.items():
        running = dict.fromkeys(d, 0)
        for i, day in enumerate(days):
            for key, diff in d.items():
                running[key] += diff[i]
            if any(running.values()):
                counts = found[day].setdefault(unit, dict.fromkeys(UNIT_KEYS, 0))
                counts.update(running)


def compose_units(parts_in_order: list[dict[str, Any]]) -> dict[int, dict[str, int]]:
    """Unit id → ``UNIT_KEYS`` of a period from its days' parts in order: the flows summed,
    the stocks of the last day."""
    found: dict[int, dict[str, int]] = {}
    for i, parts in enumerate(parts_in_order):
        last = i == len(parts_in_order) - 1
        for unit, values in parts[UNITS].items():
            counts = found.setdefault(int(unit), dict.fromkeys(UNIT_KEYS, 0))
            for key, value in zip(UNIT_KEYS, values, strict=True):
                if key in UNIT_FLOWS or last:
                    counts[key] += value
    return found

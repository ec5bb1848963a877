"""Bottlenecks (issue 10 item 5): per procedure, how long each step of the internal process
takes at each unit against its allowance, and the steps that made dossiers late, ranked.

A step's time is from its receipt to its finish; its allowance is the span from its receipt to
its due time (``DossierStep.due_at``, which the working calendar computed from the allowance in
working days or hours), so both are calendar hours and compare directly. [A] The time of a
step that spanned a clock stop (a supplement request) includes the wait. Late = the step's own
outcome (``deadlines.step_outcome``: finished after its due time); ``late_by_seconds`` is the
working time past it. Steps not counted in the legal time (``is_counted`` false) are shown but
not ranked.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from isogov.accounts.models import Agency
from isogov.core import clock
from isogov.dossiers.models import DossierStep

HOUR = 3600.0


@dataclass(frozen=True)
class StepTime:
    order: int
    name: str
    unit: str
    count: int
    average_hours: float
    p90_hours: float
    allowance_hours: float  # the average allowed span
    late: int

    @property
    def over_allowance(self) -> bool:
        return self.average_hours > self.allowance_hours


@dataclass(frozen=True)
class LateStep:
    procedure_code: str
    procedure_name: str
    name: str
    unit: str
    late: int
    late_hours: float  # working hours past the due times, summed


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=clock.LOCAL_TZ)
    return start, start + dt.timedelta(days=(date_to - date_from).days + 1)


def _finished_steps(agency: Agency, date_from: dt.date, date_to: dt.date) -> Q:
    start, end = _bounds(date_from, date_to)
    return Q(
        dossier__agency_id=agency.pk,
        finished_at__gte=start,
        finished_at__lt=end,
        received_at__isnull=False,
        due_at__isnull=False,
    )


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (sorted here)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def step_times(
    agency: Agency, procedure_code: str, date_from: dt.date, date_to: dt.date
) -> list[StepTime]:
    """Each step (order, work, unit) of the procedure's dossiers finished in the period: how
    many, the average and 90th-percentile time, the average allowance, how many late."""
    rows = (
        DossierStep.objects.filter(
            _finished_steps(agency, date_from, date_to),
            dossier__procedure_code=procedure_code,
        )
        .order_by()
        .values_list(
            "order", "name", "unit__name", "received_at", "finished_at", "due_at", "outcome"
        )
    )
    grouped: dict[tuple[int, str, str], tuple[list[float], list[float], list[bool]]] = {}
    for order, name, unit, received, finished, due, outcome in rows.iterator(chunk_size=5000):
        assert received is not None and finished is not None and due is not None  # filtered
        taken, allowed, late = grouped.setdefault((order, name, unit or ""), ([], [], []))
        taken.append((finished - received).total_seconds() / HOUR)
        allowed.append((due - received).total_seconds() / HOUR)
        late.append(outcome == "late")
    return [
        StepTime(
            order=order,
            name=name,
            unit=unit,
            count=len(taken),
            average_hours=round(sum(taken) / len(taken), 1),
            p90_hours=round(percentile(taken, 0.9), 1),
            allowance_hours=round(sum(allowed) / len(allowed), 1),
            late=sum(late),
        )
        for (order, name, unit), (taken, allowed, late) in sorted(grouped.items())
    ]


def late_steps(
    agency: Agency, date_from: dt.date, date_to: dt.date, limit: int = 20
) -> list[LateStep]:
    """The counted steps finished late in the period, grouped by procedure, work and unit, the
    most often late first (one grouped query)."""
    rows = (
        DossierStep.objects.filter(
            _finished_steps(agency, date_from, date_to), outcome="late", is_counted=True
        )
        .order_by()
        .values("dossier__procedure_code", "name", "unit__name")
        .annotate(late=Count("pk"), late_seconds=Sum("late_by_seconds"))
        .order_by("-late", "-late_seconds", "dossier__procedure_code", "name")[:limit]
    )
    found = list(rows)
    names = procedure_names(agency, {r["dossier__procedure_code"] for r in found})
    return [
        LateStep(
            procedure_code=r["dossier__procedure_code"],
            procedure_name=names.get(r["dossier__procedure_code"], r["dossier__procedure_code"]),
            name=r["name"],
            unit=r["unit__name"] or "",
            late=r["late"],
            late_hours=round((r["late_seconds"] or 0) / HOUR, 1),
        )
        for r in found
    ]


def procedure_names(agency: Agency, codes: set[str]) -> dict[str, str]:
    from isogov.dossiers.models import Dossier

    rows = (
        Dossier.objects.filter(agency_id=agency.pk, procedure_code__in=codes)
        .order_by()
        .values("procedure_code")
        .annotate(name=Max("procedure_name"))
    )
    return {row["procedure_code"]: row["name"] for row in rows}


def procedures_with_steps(
    agency: Agency, date_from: dt.date, date_to: dt.date
) -> list[tuple[str, str]]:
    """(code, name) of the procedures with a step finished in the period."""
    codes = set(
        DossierStep.objects.filter(_finished_steps(agency, date_from, date_to))
        .order_by()
        .values_list("dossier__procedure_code", flat=True)
        .distinct()
    )
    names = procedure_names(agency, codes)
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda p: p[1])

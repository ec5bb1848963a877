"""The one registry of measures: every figure over dossier data for a scope and a period.

Other apps (QMS objectives, dashboards, the transparency page, reports) read figures only
through ``measure`` and ``evaluate_all`` (docs/indicators.md). A measure is registered once, in
the module of its group (``measures/``), with its code, names, definition and legal source,
unit, direction and the function that computes it from a ``Context``.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

from isogov.accounts.models import Agency, Unit, User
from isogov.catalog.models import Procedure, Sector
from isogov.core import clock

from .settings import SettingsTable, settings_on


class State(StrEnum):
    OK = "ok"
    NOT_APPLICABLE = "not_applicable"  # zero denominator: "N/A" / "Không áp dụng"
    NO_DATA = "no_data"  # the system records no such data yet: "chưa có dữ liệu"


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"


class MeasureUnit(StrEnum):
    PERCENT = "percent"
    DAYS = "days"
    POINTS = "points"
    COUNT = "count"


@dataclass(frozen=True)
class Scope:
    """What a measure counts: an agency, optionally narrowed to a unit, a sector, a procedure
    or (Circular 01/2018 officer scores) the officer who did the steps."""

    agency: Agency
    unit: Unit | None = None
    sector: Sector | None = None
    procedure: Procedure | None = None
    officer: User | None = None

    @property
    def key(self) -> str:
        """A stable text key of the narrowing ("" for the whole agency)."""
        parts = []
        if self.unit is not None:
            parts.append(f"unit:{self.unit.code}")
        if self.sector is not None:
            parts.append(f"sector:{self.sector.code}")
        if self.procedure is not None:
            parts.append(f"procedure:{self.procedure.code}")
        if self.officer is not None:
            parts.append(f"officer:{self.officer.username}")
        return ";".join(parts)


@dataclass(frozen=True)
class Figure:
    """What a measure function returns: numerator ÷ denominator and the value shown."""

    numerator: Decimal | int | None
    denominator: Decimal | int | None
    value: Decimal | None
    state: State = State.OK

    @classmethod
    def no_data(cls) -> Figure:
        return cls(None, None, None, State.NO_DATA)

    @classmethod
    def ratio(cls, numerator: int, denominator: int) -> Figure:
        from .scoring import percent

        value = percent(numerator, denominator)
        state = State.OK if value is not None else State.NOT_APPLICABLE
        return cls(numerator, denominator, value, state)


class Context:
    """One evaluation: the scope, the period and what measures share (queries run once)."""

    def __init__(self, scope: Scope, date_from: dt.date, date_to: dt.date) -> None:
        self.scope = scope
        self.date_from = date_from
        self.date_to = date_to
        self.start = dt.datetime.combine(date_from, dt.time(), tzinfo=clock.LOCAL_TZ)
        self.end = dt.datetime.combine(
            date_to + dt.timedelta(days=1), dt.time(), tzinfo=clock.LOCAL_TZ
        )
        # indicators.md A 2.1: an unfinished dossier ends on the period's last day; a period
        # still running ends now (a dossier is not late before its due time has passed).
        self.cutoff = min(self.end, clock.now())
        self.settings: SettingsTable = settings_on(date_to)
        self._memo: dict[str, Any] = {}

    def narrowed(self, scope: Scope, memo: dict[str, Any]) -> Context:
        """The same period and settings for a narrower scope, with what is already known."""
        ctx = copy.copy(self)
        ctx.scope = scope
        ctx._memo = dict(memo)
        return ctx

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for in this evaluation."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(frozen=True)
class Measure:
    code: str
    name: str | Promise  # English source, Vietnamese by gettext
    definition: str | Promise
    legal_source: str
    unit: MeasureUnit
    direction: Direction
    compute: Callable[[Context], Figure]
    group: str  # "766-1" … "766-5", "tt01"
    # How points are given: "rate" (Decision 766: rate × max ÷ full_at), "value" (the value is
    # the points, Circular 01/2018), "none".
    points: str = "rate"
    max_points: Decimal | None = None  # fixed maximum (Circular 01/2018: 2)
    # Circular 01/2018 per-dossier scores: the dossiers that lost points, code → points scored.
    behind: Callable[[Context], list[tuple[str, int]]] | None = None


@dataclass(frozen=True)
class Result:
    code: str
    name: str
    unit: MeasureUnit
    direction: Direction
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    value: Decimal | None
    state: State
    points: Decimal | None
    max_points: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures (what a snapshot stores)."""

        def num(value: Decimal | int | None) -> str | int | None:
            return str(value) if isinstance(value, Decimal) else value

        return {
            "code": self.code,
            "numerator": num(self.numerator),
            "denominator": num(self.denominator),
            "value": num(self.value),
            "state": self.state.value,
            "points": num(self.points),
            "max_points": num(self.max_points),
        }


REGISTRY: dict[str, Measure] = {}
# Figures of registered measures computed from data an app above this one keeps (e.g. 1.4 from
# the portal sync state of ``integrations``): that app supplies the function at ready time, so
# this app never imports it. A measure whose supplier is missing has no data.
SUPPLIERS: dict[str, Callable[[Context], Figure]] = {}


def supply(code: str, compute: Callable[[Context], Figure]) -> None:
    SUPPLIERS[code] = compute


def supplied(code: str, ctx: Context) -> Figure:
    compute = SUPPLIERS.get(code)
    return compute(ctx) if compute is not None else Figure.no_data()


def register(measure: Measure) -> Measure:
    if measure.code in REGISTRY:
        raise ValueError(f"measure {measure.code} registered twice")
    REGISTRY[measure.code] = measure
    return measure


def _load() -> None:
    from . import measures  # noqa: F401  (registers every group)


def codes(group_prefix: str = "") -> list[str]:
    """The registered codes in order (those of groups starting with ``group_prefix``)."""
    _load()
    # Groups in order ("766-1" … "766-5", "count", "tt01"); measures in the order registered.
    ordered = sorted(REGISTRY.values(), key=lambda m: m.group)
    return [m.code for m in ordered if m.group.startswith(group_prefix)]


def _result(m: Measure, ctx: Context) -> Result:
    figure = m.compute(ctx)
    points: Decimal | None = None
    max_points = m.max_points
    if m.points == "rate":
        from .scoring import rate_points

        max_points = ctx.settings.get(f"d766.{m.code}.max_points")
        full_at = ctx.settings.get(f"d766.{m.code}.full_at") or Decimal(100)
        if max_points is not None:
            points = rate_points(figure.value, max_points=max_points, full_at=full_at)
    elif m.points == "value":
        points = figure.value
    return Result(
        code=m.code,
        name=str(m.name),
        unit=m.unit,
        direction=m.direction,
        numerator=figure.numerator,
        denominator=figure.denominator,
        value=figure.value,
        state=figure.state,
        points=points,
        max_points=max_points,
    )


def measure(code: str, scope: Scope, date_from: dt.date, date_to: dt.date) -> Result:
    """One measure for ``scope`` over the days ``date_from``–``date_to`` (both included); a
    stored snapshot's figure when there is one (see ``evaluate_all``)."""
    _load()
    if code not in REGISTRY:
        raise KeyError(code)
    return evaluate_all(scope, date_from, date_to, only=[code])[0]


def evaluate_all(
    scope: Scope,
    date_from: dt.date,
    date_to: dt.date,
    *,
    only: Iterable[str] | None = None,
    group_prefix: str = "766",
) -> list[Result]:
    """Every measure of the groups starting with ``group_prefix`` (all: ""), or those named in
    ``only``, evaluated together so that they share their queries.

    A whole-agency period with a stored snapshot (a closed period, ``services.snapshot_take``)
    gives the stored figures, so a report never changes after its dossiers do. Another
    whole-agency period is composed from its days' stored parts and a live reading of the days
    not stored (``rollup``); with no stored day, it is computed live.
    """
    _load()
    wanted = list(only) if only is not None else codes(group_prefix)
    if not scope.key:
        stored = _from_snapshot(scope.agency, date_from, date_to, wanted)
        if stored is not None:
            return stored
        from .rollup import compose

        composed = compose(scope, date_from, date_to, wanted)
        if composed is not None:
            return composed
    return compute_all(scope, date_from, date_to, only=wanted)


def compute_all(
    scope: Scope,
    date_from: dt.date,
    date_to: dt.date,
    *,
    only: Iterable[str] | None = None,
    group_prefix: str = "766",
) -> list[Result]:
    """Like ``evaluate_all``, always from the live data (no snapshot)."""
    _load()
    ctx = Context(scope, date_from, date_to)
    wanted = list(only) if only is not None else codes(group_prefix)
    return [_result(REGISTRY[code], ctx) for code in wanted]


def evaluate_units(
    agency: Agency,
    units: Iterable[Unit],
    date_from: dt.date,
    date_to: dt.date,
    *,
    only: Iterable[str],
) -> dict[int, list[Result]]:
    """Unit id → the same results as ``evaluate_all(Scope(agency, unit=unit), …, only=…)`` for
    every unit, for the measures of its own steps (``codes("steps")``, docs/indicators.md
    "Units ranked by their steps"). A period with a stored day is composed from the days' unit
    parts (``rollup``: today read live, through the small indexes of today's finished and the
    open steps); another one is counted live in two grouped queries."""
    _load()
    wanted = list(only)
    if not set(wanted) <= set(codes("steps")):
        raise ValueError(
            f"not a measure of the units' steps: {sorted(set(wanted) - set(codes('steps')))}"
        )
    from . import queries, rollup

    whole = Context(Scope(agency=agency), date_from, date_to)
    parts = rollup.period_unit_parts(agency, date_from, date_to)
    grouped = (
        rollup.compose_units(parts) if parts is not None else queries.step_counts_by_unit(whole)
    )
    results = {}
    for unit in units:
        counts = grouped.get(unit.pk, dict.fromkeys(queries.STEP_KEYS, 0))
        ctx = whole.narrowed(Scope(agency=agency, unit=unit), {"step_counts": counts})
        results[unit.pk] = [_result(REGISTRY[code], ctx) for code in wanted]
    return results


def evaluate_by_procedure(
    scope: Scope, procedure_ids: Iterable[int], date_from: dt.date, date_to: dt.date
) -> dict[int, Result]:
    """Procedure id → indicator 2.2 (average processing time) as ``evaluate_all(Scope(…,
    procedure=…), …, only=["2.2"])`` gives it, for every procedure at once: one grouped query
    per part (``queries.processing_time_by_procedure``) instead of a few per procedure. The
    same measure function computes each figure from its procedure's count and seconds."""
    _load()
    from . import queries

    whole = Context(scope, date_from, date_to)
    grouped = queries.processing_time_by_procedure(whole)
    results = {}
    for procedure in Procedure.objects.filter(pk__in=list(procedure_ids)):
        narrowed = dataclasses.replace(scope, procedure=procedure)
        memo = {"processing_time": grouped.get(procedure.pk, (0, 0.0))}
        results[procedure.pk] = _result(REGISTRY["2.2"], whole.narrowed(narrowed, memo))
    return results


def _from_snapshot(
    agency: Agency, date_from: dt.date, date_to: dt.date, wanted: list[str]
) -> list[Result] | None:
    from .models import IndicatorSnapshot

    snapshot = IndicatorSnapshot.objects.filter(
        agency=agency, scope_key="", date_from=date_from, date_to=date_to
    ).first()
    if snapshot is None:
        return None
    stored = {row["code"]: row for row in snapshot.figures}
    if not all(code in stored for code in wanted):
        return None  # a measure registered after the snapshot was taken

    def num(value: Any) -> Decimal | int | None:
        return Decimal(value) if isinstance(value, str) else value

    def dec(value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    results = []
    for code in wanted:
        row, m = stored[code], REGISTRY[code]
        results.append(
            Result(
                code=code,
                name=str(m.name),
                unit=m.unit,
                direction=m.direction,
                numerator=num(row["numerator"]),
                denominator=num(row["denominator"]),
                value=dec(row["value"]),
                state=State(row["state"]),
                points=dec(row["points"]),
                max_points=dec(row["max_points"]),
            )
        )
    return results


def dossiers_behind(
    code: str, scope: Scope, date_from: dt.date, date_to: dt.date
) -> list[tuple[str, int]]:
    """The dossiers that lost points on a per-dossier score (Circular 01/2018 indicators 1–4),
    as (dossier code, points scored), in code order; empty for other measures."""
    _load()
    m = REGISTRY[code]
    return m.behind(Context(scope, date_from, date_to)) if m.behind is not None else []

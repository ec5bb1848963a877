"""Aggregate SQL over the dossier table for one scope and period (no loop over dossiers).

The dossiers a period concerns fall in three disjoint parts, each read through an index:
received in the period (``agency, received_at``), received before it and ended in it or later
(``agency, finished_at``), received before it and not finished (the partial index of open
dossiers). Every figure is a count, so the parts' counts add up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least, Round

from isogov.accounts.models import Unit
from isogov.catalog.models import AgencyProcedure, ProcedureVersion
from isogov.catalog.transitions import VersionStatus
from isogov.dossiers import listing
from isogov.dossiers.models import (
    ClockStop,
    Dossier,
    DossierFee,
    DossierPaper,
    DossierStep,
    Payment,
    PaymentMethod,
)
from isogov.dossiers.rulesets import RULE_SETS
from isogov.dossiers.transitions import Status

from .registry import Context

ONLINE_CHANNELS = ("online_partial", "online_full")
# Rule sets under which a moved appointment (apology) leaves the dossier late (Decree 61/2018
# art. 19.9, Decree 118/2025 art. 19.6; ``RuleSet.late_after_apology``).
LATE_AFTER_APOLOGY = tuple(r.code for r in RULE_SETS if r.late_after_apology)


def scoped_dossiers(ctx: Context) -> QuerySet[Dossier]:
    """The received dossiers of the scope (any period)."""
    scope = ctx.scope
    qs = Dossier.objects.filter(agency_id=scope.agency.pk, received_at__isnull=False)
    if scope.unit is not None:
        # [A] A unit's dossiers are those that reached one of its steps.
        steps = DossierStep.objects.filter(
            dossier=OuterRef("pk"), unit_id=scope.unit.pk, received_at__isnull=False
        )
        qs = qs.filter(Exists(steps))
    if scope.sector is not None:
        qs = qs.filter(procedure_version__procedure__sector_id=scope.sector.pk)
    if scope.procedure is not None:
        qs = qs.filter(procedure_version__procedure_id=scope.procedure.pk)
    if scope.officer is not None:
        steps = DossierStep.objects.filter(dossier=OuterRef("pk"), finished_by_id=scope.officer.pk)
        qs = qs.filter(Exists(steps))
    return qs


def ended_at() -> Case:
    """When the dossier's handling ended (``dossiers.listing.ended_at``, indicators.md A 2.1)."""
    return listing.ended_at()


# A column whose condition no index should serve (``+column`` on SQLite).
Unindexed = listing.Unindexed


# A bound no dossier's end reaches: the ended part is then a closed range of the index of
# finished dossiers.
NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def _parts(ctx: Context) -> list[QuerySet[Dossier]]:
    base = scoped_dossiers(ctx)
    ended = base.filter(received_at__lt=ctx.start, finished_at__gte=ctx.start)
    unfinished = base.filter(received_at__lt=ctx.start, finished_at__isnull=True)
    # Unfinished before the period: those never stopped, and those stopped since its start
    # (``stopped_at`` is set only by the move into "stopped", which no action leaves). Each is
    # read from its own partial index, not with the many stopped long before, whose end falls
    # before the period (at 1,000,000 dossiers, 19,763 of today's 32,658 unfinished rows were
    # read to be thrown away, docs/benchmarks.md). The conditions are ``IS NULL`` and a
    # comparison, which SQLite matches to the indexes' conditions without literals.
    stopped_since = unfinished.filter(stopped_at__gte=ctx.start)
    if ctx.cutoff < ctx.end:
        # A running period (this month, today): its dossiers ended or stopped since its start
        # are few and recent, so they are read by their end. SQLite, with or without
        # statistics, rated "received before the period" alike and read the whole table
        # through the index of receipts (0.5 s of CPU for today's part at 1,000,000 dossiers),
        # and every unfinished dossier through the index of those for the stopped ones (36,787
        # rows for none, 44 ms; docs/benchmarks.md). A closed period, often early in the history
        # (the backfill's), keeps the planner's choice.
        received = Unindexed("received_at", output_field=DateTimeField())
        before = base.alias(received_unindexed=received).filter(received_unindexed__lt=ctx.start)
        ended = before.filter(finished_at__gte=ctx.start, finished_at__lt=NEVER)
        stopped_since = before.filter(finished_at__isnull=True, stopped_at__gte=ctx.start)
    return [
        base.filter(received_at__gte=ctx.start, received_at__lt=ctx.cutoff),
        ended,
        unfinished.filter(stopped_at__isnull=True),
        stopped_since,
    ]


def _on_time(ctx: Context) -> Q:
    """indicators.md A 2.1 (``dossiers.listing.on_time_q``, which the statistics report shares):
    ended, or unfinished at the period's end, by the appointment judged by."""
    return listing.on_time_q(end="counted_end", due="judged_due_at")


def dossier_counts(ctx: Context) -> dict[str, int]:
    """The counts every dossier measure of the period reads, in one aggregate per part."""
    return ctx.once("dossier_counts", lambda: _dossier_counts(ctx))


def _aggregates(ctx: Context) -> dict[str, Any]:
    start, end, cutoff = ctx.start, ctx.end, ctx.cutoff
    received = Q(received_at__gte=start, received_at__lt=end)
    finished = Q(finished_at__gte=start, finished_at__lt=end) & ~Q(status=Status.STOPPED)
    handled = Q(ended__isnull=True) | Q(ended__gte=start)
    online = Q(channel_kind__in=ONLINE_CHANNELS)

    def count(condition: Q) -> Count:
        return Count("pk", filter=condition)

    aggregates: dict[str, Any] = {
        "handled": count(handled),
        "on_time": count(handled & _on_time(ctx)),
        "open_at_end": count(Q(ended__isnull=True) | Q(ended__gte=cutoff)),
        "overdue_at_end": count(
            (Q(ended__isnull=True) | Q(ended__gte=cutoff)) & Q(judged_due_at__lt=cutoff)
        ),
        "received": count(received),
        "received_online": count(received & online),
        "received_online_late": count(received & online & Q(finished_at__gt=F("due_at"))),
        "finished": count(finished),
        "finished_late": count(finished & Q(finished_at__gt=F("judged_due_at"))),
        "stopped": count(Q(status=Status.STOPPED, ended__gte=start, ended__lt=end)),
        "with_result": count(finished & ~Q(result_number="")),
        "with_e_result": count(finished & ~Q(result_number="") & ~Q(result_file="")),
    }
    # 2.2: seconds from receipt to the end of processing (``processing_time``).
    aggregates["finished_seconds"] = Sum(
        rounded_seconds("received_at", "finished_at"), filter=finished
    )
    return aggregates


def _annotated(part: QuerySet[Dossier], ctx: Context) -> QuerySet[Dossier]:
    cutoff = ctx.cutoff
    return part.annotate(
        ended=ended_at(),
        counted_end=Least(Coalesce(ended_at(), Value(cutoff)), Value(cutoff)),
        judged_due_at=Case(
            When(
                Q(appointment_moves__gt=0) & ~Q(ruleset__in=LATE_AFTER_APOLOGY),
                then=F("promised_due_at"),
            ),
            default=F("due_at"),
        ),
    )


def _counted_parts(ctx: Context) -> list[QuerySet[Dossier]]:
    """The parts, annotated, without the rows no count of ``_aggregates`` takes: received
    before the period, unfinished, and ended before it (a dossier stopped long ago)."""
    received, ended, *unfinished = (_annotated(part, ctx) for part in _parts(ctx))
    handled = Q(ended__isnull=True) | Q(ended__gte=ctx.start)
    return [received, ended, *(part.filter(handled) for part in unfinished)]


# The counts a part cannot add to, by the part's own conditions, so not asked of it: the parts
# received before the period count no receipt in it, the unfinished ones no finish. The
# unfinished dossiers are most of the rows of a running period (at 1,000,000 dossiers, today's
# 16,989 live ones against some 4,800 received and 4,700 ended on a working day): each of them
# then takes five conditions instead of thirteen.
RECEIPT_KEYS = frozenset({"received", "received_online", "received_online_late"})
FINISH_KEYS = frozenset(
    {"finished", "finished_late", "with_result", "with_e_result", "finished_seconds"}
)


def part_aggregates(ctx: Context) -> list[tuple[QuerySet[Dossier], dict[str, Any]]]:
    """Each of ``_counted_parts`` with the aggregates it can add to (``RECEIPT_KEYS``,
    ``FINISH_KEYS``)."""
    aggregates = _aggregates(ctx)
    received, ended, *unfinished = _counted_parts(ctx)
    not_received = {k: v for k, v in aggregates.items() if k not in RECEIPT_KEYS}
    not_finished = {k: v for k, v in not_received.items() if k not in FINISH_KEYS}
    return [(received, aggregates), (ended, not_received)] + [
        (part, not_finished) for part in unfinished
    ]


def _dossier_counts(ctx: Context) -> dict[str, int]:
    parts = part_aggregates(ctx)
    totals: dict[str, int] = dict.fromkeys(parts[0][1], 0)
    for part, aggregates in parts:
        for key, value in part.aggregate(**aggregates).items():
            totals[key] += round(value or 0)
    return totals


# The counts of the units' steps (docs/indicators.md, "Units ranked by their steps"): finished in
# the period, of them late (the step's own outcome), open at its end, of them past their due time.
STEP_KEYS = ("steps_finished", "steps_finished_late", "steps_open", "steps_overdue")


def _scoped_steps(ctx: Context, *, unit_indexed: bool = True) -> QuerySet[DossierStep]:
    if ctx.scope.unit is not None:
        steps = listing.counted_steps([ctx.scope.unit.pk], unit_indexed=unit_indexed)
    else:
        units = Unit.objects.filter(agency_id=ctx.scope.agency.pk).values("pk")
        steps = listing.counted_steps(units, unit_indexed=unit_indexed)
    scope = ctx.scope
    if scope.sector is not None or scope.procedure is not None or scope.officer is not None:
        whole_units = dataclasses.replace(scope, unit=None)
        steps = steps.filter(
            dossier__in=scoped_dossiers(ctx.narrowed(whole_units, {})).values("pk")
        )
    return steps


def step_counts_by_unit(ctx: Context) -> dict[int, dict[str, int]]:
    """Unit id → ``STEP_KEYS`` of the scope's units over the period, from two grouped queries:
    the counted steps finished in it (through the index of finished steps by unit), and those
    open at its end (now while it runs: the index of open steps) whose dossier had not ended and
    was not waiting for a supplement then (``listing.steps_open_at``)."""
    start, end, cutoff = ctx.start, ctx.end, ctx.cutoff
    steps = _scoped_steps(ctx)
    found: dict[int, dict[str, int]] = {}

    def add(unit: int, **counts: int) -> None:
        totals = found.setdefault(unit, dict.fromkeys(STEP_KEYS, 0))
        for key, value in counts.items():
            totals[key] += value

    finished = (
        steps.filter(finished_at__gte=start, finished_at__lt=end)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(outcome="late")))
    )
    for row in finished:
        add(row["unit_id"], steps_finished=row["n"], steps_finished_late=row["late"])
    # Two parts: not finished, and finished after the cut-off (the index of finished steps).
    # The unfinished ones are read from the scope's dossiers that had not ended by the cut-off
    # (``listing.not_ended_by``: at 1,000,000 dossiers, today's 16,989 live ones), each one's
    # steps by its key, not from the index of every open step: a stopped dossier's last step is
    # never finished, so that index holds more of them every year (19,798 of its 36,787 steps at
    # 1M, each looked up to be thrown away; docs/benchmarks.md). The steps' unit and finish then
    # serve no index. A unit's steps are those of its agency's dossiers (a step's unit is one of
    # the dossier's agency: ``catalog.intake``, and the units an opinion may be asked of).
    unfinished = (
        _scoped_steps(ctx, unit_indexed=False)
        .alias(finished=listing.Unindexed("finished_at", output_field=DateTimeField()))
        .filter(finished__isnull=True, dossier__agency_id=ctx.scope.agency.pk)
        .filter(listing.not_ended_by(cutoff, "dossier__"))
    )
    for part in (unfinished, steps.filter(finished_at__gte=cutoff)):
        still_open = (
            listing.steps_open_at(part, cutoff)
            .order_by()
            .values("unit_id")
            .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=cutoff)))
        )
        for row in still_open:
            add(row["unit_id"], steps_open=row["n"], steps_overdue=row["overdue"])
    return found


def step_counts(ctx: Context) -> dict[str, int]:
    """``STEP_KEYS`` of the scope (one unit, or every unit of the agency together)."""

    def compute() -> dict[str, int]:
        totals = dict.fromkeys(STEP_KEYS, 0)
        for counts in step_counts_by_unit(ctx).values():
            for key in STEP_KEYS:
                totals[key] += counts[key]
        return totals

    return ctx.once("step_counts", compute)


class SecondsBetween(Func):
    """Seconds from one datetime column to another, as a float, on SQLite and PostgreSQL
    (Django's duration arithmetic calls a Python function per row on SQLite)."""

    output_field = FloatField()

    def __init__(self, start: str, end: str) -> None:
        # Rendered as "end − start".
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ",
            **extra,
        )


def rounded_seconds(start: str, end: str) -> Cast:
    """Whole seconds from ``start`` to ``end`` of one row: sums of these are exact integers, so
    the 2.2 of a period equals the sum of its days' (``rollup``)."""
    return Cast(Round(SecondsBetween(start, end)), IntegerField())


def processing_time(ctx: Context) -> tuple[int, float]:
    """Indicator 2.2: how many dossiers finished in the period and their total processing time
    in seconds, from receipt to the end of processing less the time the clock stopped for
    supplements."""

    def compute() -> tuple[int, float]:
        counts = dossier_counts(ctx)
        finished = (
            scoped_dossiers(ctx)
            .filter(finished_at__gte=ctx.start, finished_at__lt=ctx.end)
            .exclude(status=Status.STOPPED)
        )
        # The clock stops of those dossiers, read from the (few) stops through the index of
        # finished dossiers.
        stops = ClockStop.objects.filter(
            dossier__in=finished.values("pk"), ended_at__isnull=False
        ).aggregate(waited=Sum(rounded_seconds("started_at", "ended_at")))
        waited = float(stops["waited"] or 0)
        return counts["finished"], counts["finished_seconds"] - waited

    return ctx.once("processing_time", compute)


def processing_time_by_procedure(ctx: Context) -> dict[int, tuple[int, float]]:
    """``processing_time`` of every procedure of the scope at once: procedure id → (dossiers
    finished in the period, their processing seconds less the supplement waits), from one
    grouped query per part and one over the clock stops, instead of a few queries per
    procedure. Each part's sum is rounded as ``dossier_counts`` rounds it, so each figure is the
    one ``processing_time`` gives for that procedure's scope."""
    procedure = "procedure_version__procedure_id"
    finished_q = Q(finished_at__gte=ctx.start, finished_at__lt=ctx.end) & ~Q(status=Status.STOPPED)
    found: dict[int, tuple[int, float]] = {}
    for part in _parts(ctx):
        rows = (
            part.filter(finished_q)
            .order_by()
            .values(procedure)
            .annotate(n=Count("pk"), seconds=Sum(rounded_seconds("received_at", "finished_at")))
        )
        for row in rows:
            count, seconds = found.get(row[procedure], (0, 0.0))
            found[row[procedure]] = (count + row["n"], seconds + round(row["seconds"] or 0))
    stops = (
        ClockStop.objects.filter(
            dossier__in=scoped_dossiers(ctx).filter(finished_q).values("pk"),
            ended_at__isnull=False,
        )
        .order_by()
        .values(f"dossier__{procedure}")
        .annotate(waited=Sum(rounded_seconds("started_at", "ended_at")))
    )
    for row in stops:
        key = row[f"dossier__{procedure}"]
        if key in found:
            count, seconds = found[key]
            found[key] = (count, seconds - float(row["waited"] or 0))
    return found


def received_facts(ctx: Context) -> dict[str, int]:
    """Counts over the dossiers received in the period that read their papers, fees and
    payments (3.6, 4.2): one query each, run only when a measure asks."""

    def compute() -> dict[str, int]:
        received = scoped_dossiers(ctx).filter(received_at__gte=ctx.start, received_at__lt=ctx.end)
        papers = DossierPaper.objects.filter(dossier=OuterRef("pk"))
        fees = DossierFee.objects.filter(dossier=OuterRef("pk"), amount_vnd__gt=0)
        paid_online = Payment.objects.filter(dossier=OuterRef("pk"), method=PaymentMethod.ONLINE)
        with_fees = received.filter(Exists(fees))
        return {
            # 4.2: every paper scanned and the result file stored.
            "digitised": received.exclude(result_file="")
            .filter(Exists(papers))
            .exclude(Exists(papers.filter(scan="")))
            .count(),
            "with_fees": with_fees.count(),
            "paid_online": with_fees.filter(Exists(paid_online)).count(),
        }

    return ctx.once("received_facts", compute)


def scoped_procedure_ids(ctx: Context) -> list[int]:
    """The procedures the scope carries out (the agency's active assignments)."""

    def compute() -> list[int]:
        scope = ctx.scope
        qs = AgencyProcedure.objects.filter(agency_id=scope.agency.pk, is_active=True)
        if scope.unit is not None:
            qs = qs.filter(unit_id=scope.unit.pk)
        if scope.sector is not None:
            qs = qs.filter(procedure__sector_id=scope.sector.pk)
        if scope.procedure is not None:
            qs = qs.filter(procedure_id=scope.procedure.pk)
        return sorted(qs.values_list("procedure_id", flat=True))

    return ctx.once("procedure_ids", compute)


def versions_in_force(ctx: Context) -> dict[int, ProcedureVersion]:
    """Procedure id → its version in force on the period's last day (published or retired)."""

    def compute() -> dict[int, ProcedureVersion]:
        qs = (
            ProcedureVersion.objects.filter(
                procedure_id__in=scoped_procedure_ids(ctx),
                status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED],
                effective_from__lte=ctx.date_to,
            )
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.date_to))
            .order_by("procedure_id", "effective_from", "number")
        )
        return {version.procedure_id: version for version in qs}

    return ctx.once("versions_in_force", compute)


def versions_decided_in(ctx: Context) -> list[ProcedureVersion]:
    """Versions of the scope's procedures whose publication decision is dated in the period."""

    def compute() -> list[ProcedureVersion]:
        return list(
            ProcedureVersion.objects.filter(
                procedure_id__in=scoped_procedure_ids(ctx),
                decision_date__gte=ctx.date_from,
                decision_date__lte=ctx.date_to,
            )
            .exclude(status=VersionStatus.DRAFT)
            .annotate(
                channel_count=Count("channels", distinct=True),
                paper_count=Count("papers", distinct=True),
                basis_count=Count("legal_bases", distinct=True),
            )
        )

    return ctx.once("versions_decided", compute)


def online_procedure_ids_used(ctx: Context) -> set[int]:
    """Procedures that received at least one online dossier in the period (3.2)."""
    return ctx.once(
        "online_used",
        lambda: set(
            scoped_dossiers(ctx)
            .filter(
                received_at__gte=ctx.start,
                received_at__lt=ctx.end,
                channel_kind__in=ONLINE_CHANNELS,
            )
            .values_list("procedure_version__procedure_id", flat=True)
            .distinct()
        ),
    )


def handled_count_where(ctx: Context, key: str, condition: Q) -> int:
    """How many dossiers of the period (the denominator of 2.1 and 5.4) meet ``condition``:
    one count per part, with no list of dossiers leaving the database."""

    def compute() -> int:
        handled = Q(ended__isnull=True) | Q(ended__gte=ctx.start)
        return sum(
            part.annotate(ended=ended_at()).filter(handled).filter(condition).count()
            for part in _parts(ctx)
        )

    return ctx.once(f"handled_where:{key}", compute)

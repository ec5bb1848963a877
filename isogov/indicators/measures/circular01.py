"""Circular 01/2018/TT-VPCP art. 13 (vn-one-stop-rules.md §5): nine indicators scored 2/1/0.

Indicators 1–4 (and 7) are scored per dossier: the dossiers whose result was returned in the
period, the moment their outcome is classified (dossiers/services/results.py). An indicator's
score is the mean over those dossiers, rounded to 1 decimal; one with no data is left out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, When
from django.utils.translation import gettext_lazy as _

from isogov.dossiers.models import Dossier, DossierStep, StepKind

from ..queries import ONLINE_CHANNELS, dossier_counts, scoped_dossiers
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register
from ..scoring import mean_points, online_service_points
from .online import online_share, procedures_online

SOURCE = "TT 01/2018/TT-VPCP art. 13; vn-one-stop-rules.md §5"
TWO = Decimal(2)


def _scored(ctx: Context) -> QuerySet[Dossier]:
    return (
        scoped_dossiers(ctx)
        .filter(returned_at__gte=ctx.start, returned_at__lt=ctx.end)
        .exclude(outcome="")
    )


def _steps(ctx: Context) -> QuerySet[DossierStep]:
    steps = DossierStep.objects.filter(
        dossier=OuterRef("pk"),
        kind=StepKind.PROCESS,
        is_counted=True,
        finished_at__isnull=False,
    )
    if ctx.scope.officer is not None:
        steps = steps.filter(finished_by_id=ctx.scope.officer.pk)
    return steps


def _points(ctx: Context) -> dict[str, Any]:
    """The point expression of each per-dossier indicator."""
    steps = _steps(ctx)
    return {
        # 1 Total time vs the legal time: shorter 2, equal 1, longer 0.
        "p1": Case(When(outcome="early", then=2), When(outcome="on_time", then=1), default=0),
        # 2 [A] Time at each unit vs its allowance: 0 when any step was late, 2 when every step
        # finished early, else 1.
        "p2": Case(
            When(Exists(steps.filter(outcome="late")), then=0),
            When(Exists(steps.exclude(outcome="early")), then=1),
            default=2,
        ),
        # 3 [A] Contacts needed to complete the dossier = supplement requests: 0 → 2, 1 → 1,
        # more → 0 (whether the applicant was at fault is not recorded).
        "p3": Case(When(supplement_count=0, then=2), When(supplement_count=1, then=1), default=0),
        # 4 [A] Agencies contacted: none for a dossier sent online or by post, only the one-stop
        # unit for one brought to the desk (the system routes every dossier through it).
        "p4": Case(When(Q(channel_kind__in=(*ONLINE_CHANNELS, "postal")), then=2), default=1),
    }


def _totals(ctx: Context) -> dict[str, int]:
    def compute() -> dict[str, int]:
        points = _points(ctx)
        annotated = _scored(ctx).annotate(**points)
        # The sums take other names than the annotations they add up: an aggregate named like
        # an annotation shadows it.
        sums = {f"sum_{k}": Sum(k, output_field=IntegerField()) for k in points}
        row = annotated.aggregate(count=Count("pk"), **sums)
        return {k.removeprefix("sum_"): int(v or 0) for k, v in row.items()}

    return ctx.once("tt01_totals", compute)


def _per_dossier(key: str) -> Any:
    def compute(ctx: Context) -> Figure:
        totals = _totals(ctx)
        count = totals["count"]
        score = mean_points(totals[key], count)
        if score is None:
            return Figure(0, 0, None, Figure.ratio(0, 0).state)
        return Figure(totals[key], count, score)

    def behind(ctx: Context) -> list[tuple[str, int]]:
        rows = (
            _scored(ctx)
            .annotate(points=_points(ctx)[key])
            .filter(points__lt=2)
            .order_by("code")
            .values_list("code", "points")
        )
        return [(code, int(points)) for code, points in rows]

    return compute, behind


def no_data(ctx: Context) -> Figure:
    """5 One-stop model, 6 publication on site, 7 complaints about staff, 8 complaints handled:
    the system does not record these facts yet."""
    return Figure.no_data()


def online_services(ctx: Context) -> Figure:
    counts = dossier_counts(ctx)
    s = ctx.settings
    points = online_service_points(
        procedures_online=procedures_online(ctx).value,
        dossiers_online=online_share(ctx).value,
        any_late=counts["received_online_late"] > 0,
        procedures_min=s.need("tt01.9.procedures_online"),
        full_at=s.need("tt01.9.dossiers_online_full"),
        partial_at=s.need("tt01.9.dossiers_online_partial"),
    )
    if points is None:
        return Figure(None, None, None, Figure.ratio(0, 0).state)
    return Figure(points, 1, Decimal(points))


NAMES = {
    "1": _("Total time against the legal time"),
    "2": _("Time at each unit against its allowance"),
    "3": _("Contacts needed to complete the dossier"),
    "4": _("Agencies contacted"),
    "5": _("One-stop model"),
    "6": _("Publication of procedures"),
    "7": _("Staff attitude"),
    "8": _("Complaints and petitions handled"),
    "9": _("Online services"),
}
DEFINITIONS = {
    "1": _("Per returned dossier: shorter than the legal time 2, equal 1, longer 0."),
    "2": _("Per returned dossier: every step early 2, none late 1, any step late 0."),
    "3": _("Per returned dossier: no supplement request 2, one 1, more 0."),
    "4": _("Per returned dossier: online or by post 2, at the one-stop desk 1."),
    "5": _("Per unit: procedures decided or received and returned at the one-stop unit."),
    "6": _("Per unit: procedures posted at the office and online."),
    "7": _("Per dossier: early and no complaint 2, on time and no complaint 1, a complaint 0."),
    "8": _("Per unit: complaints and petitions handled on time."),
    "9": _("Per unit: share of procedures and of dossiers online, none late."),
}
for number in "123456789":
    compute: Any
    behind: Any = None
    if number in "1234":
        compute, behind = _per_dossier(f"p{number}")
    elif number == "9":
        compute = online_services
    else:
        compute = no_data
    register(
        Measure(
            f"tt01.{number}",
            NAMES[number],
            DEFINITIONS[number],
            SOURCE,
            MeasureUnit.POINTS,
            Direction.HIGHER,
            compute,
            "tt01",
            points="value",
            max_points=TWO,
            behind=behind,
        )
    )

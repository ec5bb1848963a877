"""Decision 766 group 3 — Cung cấp dịch vụ trực tuyến (online service, incl. payment), 22 points."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from isogov.catalog.models import OnlineLevel

from ..queries import (
    dossier_counts,
    online_procedure_ids_used,
    received_facts,
    versions_in_force,
)
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register

SOURCE = "QĐ 766/QĐ-TTg, Phụ lục, chỉ số 3.1–3.6; indicators.md A"


def _online_procedures(ctx: Context) -> set[int]:
    return {
        procedure_id
        for procedure_id, version in versions_in_force(ctx).items()
        if version.online_level != OnlineLevel.NONE
    }


def procedures_online(ctx: Context) -> Figure:
    return Figure.ratio(len(_online_procedures(ctx)), len(versions_in_force(ctx)))


def online_services_used(ctx: Context) -> Figure:
    online = _online_procedures(ctx)
    return Figure.ratio(len(online & online_procedure_ids_used(ctx)), len(online))


def online_share(ctx: Context) -> Figure:
    """3.3 [A]: without the synchronisation factor, which no data supports yet (1.4)."""
    counts = dossier_counts(ctx)
    return Figure.ratio(counts["received_online"], counts["received"])


def procedures_with_online_payment(ctx: Context) -> Figure:
    """3.5: the catalogue records no payment-platform integration per procedure yet."""
    return Figure.no_data()


def dossiers_paid_online(ctx: Context) -> Figure:
    counts = received_facts(ctx)
    return Figure.ratio(counts["paid_online"], counts["with_fees"])


for code, name, definition, compute in (
    (
        "3.1",
        _("Procedures offering online service"),
        _("Procedures offered online (partly or fully) ÷ procedures the scope carries out."),
        procedures_online,
    ),
    (
        "3.2",
        _("Online services that received a dossier"),
        _("Procedures offered online that received at least one online dossier ÷ those offered."),
        online_services_used,
    ),
    (
        "3.3",
        _("Online share of dossiers"),
        _("Dossiers received online ÷ dossiers received in the period."),
        online_share,
    ),
    (
        "3.5",
        _("Procedures with online payment"),
        _("Procedures integrated with online payment ÷ procedures with fees."),
        procedures_with_online_payment,
    ),
    (
        "3.6",
        _("Dossiers paid online"),
        _("Dossiers received in the period with an online payment ÷ those with fees due."),
        dossiers_paid_online,
    ),
):
    register(
        Measure(
            code, name, definition, SOURCE, MeasureUnit.PERCENT, Direction.HIGHER, compute, "766-3"
        )
    )

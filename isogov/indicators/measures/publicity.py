"""Decision 766 group 1 — Công khai, minh bạch (publication and transparency), 18 points."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from isogov.core import clock
from isogov.workcal.selectors import calendar_for

from ..queries import versions_decided_in
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register, supplied

SOURCE = "QĐ 766/QĐ-TTg, Phụ lục; indicators.md A"


def published_on_time(ctx: Context) -> Figure:
    """1.1: the publication decision at least N working days before the version takes effect."""
    versions = versions_decided_in(ctx)
    days = int(ctx.settings.need("d766.1.1.working_days_before"))
    calendar = calendar_for(agency=ctx.scope.agency)
    on_time = [
        v
        for v in versions
        if v.effective_from is not None
        and v.decision_date is not None
        and v.decision_date <= calendar.working_day_before(v.effective_from, days)
    ]
    return Figure.ratio(len(on_time), len(versions))


def made_public_on_time(ctx: Context) -> Figure:
    """1.2: made public (published in the catalogue) within N working days of the decision."""
    versions = versions_decided_in(ctx)
    days = int(ctx.settings.need("d766.1.2.within_working_days"))
    calendar = calendar_for(agency=ctx.scope.agency)
    on_time = [
        v
        for v in versions
        if v.published_at is not None
        and v.decision_date is not None
        and clock.to_local(v.published_at).date()
        <= calendar.working_day_after(v.decision_date, days)
    ]
    return Figure.ratio(len(on_time), len(versions))


def published_complete(ctx: Context) -> Figure:
    """1.3: [A] complete = at least one channel, one paper and one legal basis, and the
    competent authority, the steps and the result stated."""
    versions = [v for v in versions_decided_in(ctx) if v.published_at is not None]
    complete = [
        v
        for v in versions
        if v.channel_count  # type: ignore[attr-defined]
        and v.paper_count  # type: ignore[attr-defined]
        and v.basis_count  # type: ignore[attr-defined]
        and v.authority.strip()
        and v.steps_text.strip()
        and v.result.strip()
    ]
    return Figure.ratio(len(complete), len(versions))


def synced_to_portal(ctx: Context) -> Figure:
    """1.4: the sync state is kept by ``integrations`` (above this app), which supplies the
    figure at app ready (``registry.supply``); without it, no data."""
    return supplied("1.4", ctx)


register(
    Measure(
        "1.1",
        _("Procedures published on time"),
        _(
            "Procedure versions whose publication decision was issued at least 5 working days "
            "before they take effect ÷ versions decided in the period."
        ),
        SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        published_on_time,
        "766-1",
    )
)
register(
    Measure(
        "1.2",
        _("Procedures made public on time"),
        _(
            "Procedure versions made public in the catalogue within 5 working days of their "
            "publication decision ÷ decisions in the period."
        ),
        SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        made_public_on_time,
        "766-1",
    )
)
register(
    Measure(
        "1.3",
        _("Procedures published with all components"),
        _("Published procedure versions with every component ÷ versions made public."),
        SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        published_complete,
        "766-1",
    )
)
register(
    Measure(
        "1.4",
        _("Dossiers synchronised to the national portal"),
        _("Dossiers synchronised to the national public service portal ÷ dossiers received."),
        SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        synced_to_portal,
        "766-1",
    )
)

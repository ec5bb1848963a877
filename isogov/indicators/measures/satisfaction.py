"""Decision 766 group 5 — Mức độ hài lòng (satisfaction), 18 points; and the survey scores of
the ratings (indicators.md C).

Petitions (PAKN, ``feedback.FeedbackItem``) and ratings (``feedback.Rating``) are read through
the feedback app's selectors (ARCHITECTURE.md: indicators → dossiers, feedback). A scope and
period with no petition (5.1–5.3) or with neither a rating nor a petition (5.4, the surveys)
shows "chưa có dữ liệu" (no data) rather than a figure made of nothing. Ratings from the counter
tablet (kiosk) are lower trust: they are left out of 5.4 and of the survey scores, and shown on
their own (``survey.kiosk``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from isogov.feedback import selectors as feedback
from isogov.feedback.models import RatingChannel

from ..queries import dossier_counts, handled_count_where
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register

SOURCE = "QĐ 766/QĐ-TTg, Phụ lục, chỉ số 5.1–5.4; indicators.md A"
SURVEY_SOURCE = "NĐ 61/2018/NĐ-CP điều 31; indicators.md C (SIPAS)"
SATISFIED = ("very_satisfied", "satisfied")


def _narrowing(ctx: Context) -> dict[str, object]:
    scope = ctx.scope
    return {
        "unit": scope.unit,
        "officer": scope.officer,
        "procedure_id": scope.procedure.pk if scope.procedure is not None else None,
        "sector_id": scope.sector.pk if scope.sector is not None else None,
    }


def _present(ctx: Context) -> tuple[bool, bool]:
    """Whether the period has items, and token ratings (one query, asked before the rows)."""
    return ctx.once(
        "feedback_present",
        lambda: feedback.feedback_present(
            agency=ctx.scope.agency,
            start=ctx.start,
            end=ctx.end,
            **_narrowing(ctx),  # type: ignore[arg-type]
        ),
    )


def _items(ctx: Context) -> list[feedback.ItemFacts]:
    if not _present(ctx)[0]:
        return []
    return ctx.once(
        "feedback_items",
        lambda: feedback.feedback_facts(
            agency=ctx.scope.agency,
            start=ctx.start,
            end=ctx.end,
            cutoff=ctx.cutoff,
            **_narrowing(ctx),  # type: ignore[arg-type]
        ),
    )


def _ratings(ctx: Context, channel: str) -> list[dict[str, str]]:
    return ctx.once(
        f"ratings:{channel}",
        lambda: feedback.rating_answers(
            agency=ctx.scope.agency,
            start=ctx.start,
            end=ctx.end,
            channel=channel,
            **_narrowing(ctx),  # type: ignore[arg-type]
        ),
    )


def classified(ctx: Context) -> Figure:
    """5.1: petitions classified ÷ petitions received in the period."""
    items = _items(ctx)
    if not items:
        return Figure.no_data()
    return Figure.ratio(sum(i.classified for i in items), len(items))


def on_time(ctx: Context) -> Figure:
    """5.2: petitions whose every step kept its deadline (unfinished ones judged at the end of
    the period) ÷ petitions received in the period."""
    items = _items(ctx)
    if not items:
        return Figure.no_data()
    return Figure.ratio(sum(i.on_time for i in items), len(items))


def petition_satisfaction(ctx: Context) -> Figure:
    """5.3: (petitions − those rated dissatisfied, late or repeated) ÷ petitions."""
    items = _items(ctx)
    if not items:
        return Figure.no_data()
    bad = sum(1 for i in items if i.dissatisfied or not i.on_time or i.repeated)
    return Figure.ratio(len(items) - bad, len(items))


def procedure_satisfaction(ctx: Context) -> Figure:
    """5.4: 100% − (overdue rate + rate of dossiers with a petition or a dislike), over the
    dossiers of 2.1; a dossier both late and disliked counts in both rates, as the formula adds
    them, and the figure stops at 0%. [A] Counted as (handled − late − disliked) ÷ handled."""
    if not any(_present(ctx)):
        return Figure.no_data()
    counts = dossier_counts(ctx)
    handled = counts["handled"]
    late = handled - counts["on_time"]
    disliked = handled_count_where(ctx, "disliked", feedback.dossier_disliked())
    return Figure.ratio(max(handled - late - disliked, 0), handled)


def _survey(field: str, channel: str = RatingChannel.TOKEN) -> object:
    def compute(ctx: Context) -> Figure:
        answers = [row[field] for row in _ratings(ctx, channel) if row[field]]
        if not _ratings(ctx, channel):
            return Figure.no_data()
        return Figure.ratio(sum(a in SATISFIED for a in answers), len(answers))

    return compute


for code, name, definition, compute in (
    (
        "5.1",
        _("Petitions classified"),
        _("Petitions (PAKN) classified ÷ petitions received."),
        classified,
    ),
    (
        "5.2",
        _("Petitions handled on time"),
        _(
            "Petitions refused within 2, sent back for supplement within 5, handled within 15 "
            "and published within 2 working days ÷ petitions."
        ),
        on_time,
    ),
    (
        "5.3",
        _("Petition satisfaction"),
        _("(Petitions − dissatisfied, late or repeated ones) ÷ petitions."),
        petition_satisfaction,
    ),
    (
        "5.4",
        _("Satisfaction with procedure handling"),
        _(
            "100% − (overdue rate + rate of dossiers with a petition or a dislike). Ratings "
            "given on the counter tablet are left out (lower trust)."
        ),
        procedure_satisfaction,
    ),
):
    register(
        Measure(
            code, name, definition, SOURCE, MeasureUnit.PERCENT, Direction.HIGHER, compute, "766-5"
        )
    )

SURVEY = (
    ("overall", _("Satisfied overall"), _("Ratings satisfied or very satisfied overall")),
    (
        "information",
        _("Satisfied with the published information"),
        _("Ratings satisfied or very satisfied with the published information (art. 31.1.d)"),
    ),
    (
        "attitude",
        _("Satisfied with the officers' attitude"),
        _("Ratings satisfied or very satisfied with the officers' attitude (art. 31.1.đ)"),
    ),
    (
        "lawfulness",
        _("Satisfied with the lawfulness of the result and costs"),
        _("Ratings satisfied or very satisfied with the result and costs (art. 31.1.e)"),
    ),
    (
        "complaint_handling",
        _("Satisfied with the handling of feedback"),
        _("Ratings satisfied or very satisfied with the handling of feedback (art. 31.1.g)"),
    ),
    (
        "online_service",
        _("Satisfied with the online service"),
        _("Ratings satisfied or very satisfied with the online service (art. 31.1.h)"),
    ),
)
for field, name, definition in SURVEY:
    register(
        Measure(
            f"survey.{field}",
            name,
            definition,
            SURVEY_SOURCE,
            MeasureUnit.PERCENT,
            Direction.HIGHER,
            _survey(field),  # type: ignore[arg-type]
            "survey",
            points="none",
        )
    )
register(
    Measure(
        "survey.kiosk",
        _("Satisfied overall at the counter tablet (lower trust)"),
        _(
            "Counter-tablet ratings satisfied or very satisfied overall ÷ counter-tablet "
            "ratings. The officer being rated runs the tablet: shown apart, counted nowhere else."
        ),
        SURVEY_SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        _survey("overall", RatingChannel.KIOSK),  # type: ignore[arg-type]
        "survey",
        points="none",
    )
)

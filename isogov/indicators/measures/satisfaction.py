"""Decision 766 group 5 — Mức độ hài lòng (satisfaction), 18 points.

Petitions (PAKN), "dislikes" and ratings come with the feedback app; until it exists every
measure here says "no data" rather than a figure made of the overdue rate alone.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register

SOURCE = "QĐ 766/QĐ-TTg, Phụ lục, chỉ số 5.1–5.4; indicators.md A"


def feedback_pending(ctx: Context) -> Figure:
    """No petitions or ratings are recorded yet. When the feedback app lands, its selectors are
    read here (ARCHITECTURE.md: indicators → dossiers, feedback)."""
    return Figure.no_data()


for code, name, definition in (
    ("5.1", _("Petitions classified"), _("Petitions (PAKN) classified ÷ petitions received.")),
    (
        "5.2",
        _("Petitions handled on time"),
        _(
            "Petitions refused within 2, sent back for supplement within 5, handled within 15 "
            "and published within 2 working days ÷ petitions."
        ),
    ),
    (
        "5.3",
        _("Petition satisfaction"),
        _("(Petitions − dissatisfied, late or repeated ones) ÷ petitions."),
    ),
    (
        "5.4",
        _("Satisfaction with procedure handling"),
        _("100% − (overdue rate + rate of dossiers with a petition or a dislike)."),
    ),
):
    register(
        Measure(
            code,
            name,
            definition,
            SOURCE,
            MeasureUnit.PERCENT,
            Direction.HIGHER,
            feedback_pending,
            "766-5",
        )
    )

"""The units' own steps (ISO 9001 §5.3: each unit answers for the steps it handles): how many of
the counted steps a unit handled in the period were on time. The leader's dashboard ranks the
units by these (docs/indicators.md, "Units ranked by their steps")."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ..queries import step_counts
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register

SOURCE = "TCVN ISO 9001:2015 §5.3, §9.1.1; the steps of the procedure's internal process"


def steps_on_time(ctx: Context) -> Figure:
    c = step_counts(ctx)
    handled = c["steps_finished"] + c["steps_open"]
    late = c["steps_finished_late"] + c["steps_overdue"]
    return Figure.ratio(handled - late, handled)


def _count(compute_value: object) -> object:
    def compute(ctx: Context) -> Figure:
        value = compute_value(step_counts(ctx))  # type: ignore[operator]
        return Figure(value, None, Decimal(value))

    return compute


register(
    Measure(
        "steps.on_time",
        _("Steps handled on time"),
        _(
            "Counted steps finished in the period by their due time (not late), and steps open at "
            "its end and not past their due time, ÷ the steps finished in the period and those "
            "open at its end. A step of a stopped dossier, or of one waiting for a supplement, is "
            "not open."
        ),
        SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        steps_on_time,
        "steps",
        points="none",
    )
)
register(
    Measure(
        "steps.handled",
        _("Steps handled"),
        _("Counted steps finished in the period and those open at its end."),
        SOURCE,
        MeasureUnit.COUNT,
        Direction.HIGHER,
        _count(lambda c: c["steps_finished"] + c["steps_open"]),  # type: ignore[arg-type]
        "steps",
        points="none",
    )
)
register(
    Measure(
        "steps.overdue_at_end",
        _("Steps overdue"),
        _("Counted steps open at the end of the period and past their due time."),
        SOURCE,
        MeasureUnit.COUNT,
        Direction.LOWER,
        _count(lambda c: c["steps_overdue"]),  # type: ignore[arg-type]
        "steps",
        points="none",
    )
)

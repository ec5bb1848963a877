"""Decision 766 group 2 — Tiến độ, kết quả giải quyết (progress and results), 20 points; and
the plain counts dashboards show beside them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ..queries import dossier_counts, processing_time
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register
from ..scoring import round_to

SOURCE = "QĐ 766/QĐ-TTg, Phụ lục, chỉ số 2.1–2.2; indicators.md A"


def handled_on_time(ctx: Context) -> Figure:
    counts = dossier_counts(ctx)
    return Figure.ratio(counts["on_time"], counts["handled"])


def average_processing_days(ctx: Context) -> Figure:
    """2.2 [A]: in calendar days (one unit for every procedure of the scope), the time the clock
    stopped for supplements left out."""
    count, seconds = processing_time(ctx)
    days = round_to(Decimal(seconds) / Decimal(86400), 2)
    if not count:
        return Figure(days, 0, None, Figure.ratio(0, 0).state)
    return Figure(days, count, round_to(days / count, 2))


def _count(key: str) -> object:
    def compute(ctx: Context) -> Figure:
        value = dossier_counts(ctx)[key]
        return Figure(value, None, Decimal(value))

    return compute


register(
    Measure(
        "2.1",
        _("Dossiers handled early or on time"),
        _(
            "(Dossiers ended by their appointment + unfinished dossiers still within it) ÷ "
            "dossiers received or handled in the period. The end is the first of: processing "
            "finished, result returned, stopped or refused; a withdrawal is an end; an "
            "unfinished dossier ends on the period's last day. The supplement time is left out; "
            "more than one supplement request counts as late."
        ),
        SOURCE,
        MeasureUnit.PERCENT,
        Direction.HIGHER,
        handled_on_time,
        "766-2",
    )
)
register(
    Measure(
        "2.2",
        _("Average processing time"),
        _(
            "Total processing time of the dossiers finished in the period ÷ those dossiers, in "
            "calendar days, without the time the clock stopped for supplements."
        ),
        SOURCE,
        MeasureUnit.DAYS,
        Direction.LOWER,
        average_processing_days,
        "766-2",
    )
)

COUNTS = (
    ("received", _("Dossiers received"), _("Dossiers received in the period.")),
    (
        "finished",
        _("Dossiers finished"),
        _("Dossiers whose processing finished (or was refused) in the period."),
    ),
    (
        "finished_late",
        _("Dossiers finished late"),
        _("Dossiers finished in the period after their appointment."),
    ),
    (
        "overdue_at_end",
        _("Dossiers overdue"),
        _("Dossiers unfinished at the end of the period and past their appointment."),
    ),
    (
        "open_at_end",
        _("Dossiers in process"),
        _("Dossiers unfinished at the end of the period."),
    ),
    ("stopped", _("Dossiers stopped or withdrawn"), _("Dossiers stopped in the period.")),
)
for key, name, definition in COUNTS:
    register(
        Measure(
            f"count.{key}",
            name,
            definition,
            "Nghị định 118/2025/NĐ-CP; indicators.md A",
            MeasureUnit.COUNT,
            Direction.HIGHER if key in ("received", "finished") else Direction.LOWER,
            _count(key),  # type: ignore[arg-type]
            "count",
            points="none",
        )
    )

"""Decision 766 group 4 — Số hóa hồ sơ (digitisation), 22 points."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..queries import dossier_counts, received_facts
from ..registry import Context, Direction, Figure, Measure, MeasureUnit, register

SOURCE = "QĐ 766/QĐ-TTg, Phụ lục, chỉ số 4.1–4.5; indicators.md A"


def electronic_result(ctx: Context) -> Figure:
    counts = dossier_counts(ctx)
    return Figure.ratio(counts["with_e_result"], counts["with_result"])


def digitised(ctx: Context) -> Figure:
    return Figure.ratio(received_facts(ctx)["digitised"], dossier_counts(ctx)["received"])


def no_data(ctx: Context) -> Figure:
    """Reuse of digitised data, the applicant's data store and VNeID checks are not recorded."""
    return Figure.no_data()


for code, name, definition, compute in (
    (
        "4.1",
        _("Dossiers with an electronic result"),
        _(
            "Dossiers finished in the period whose signed result file is stored ÷ dossiers "
            "finished with a written result."
        ),
        electronic_result,
    ),
    (
        "4.2",
        _("Dossiers digitised"),
        _(
            "Dossiers received in the period whose every paper is scanned and whose result "
            "file is stored ÷ dossiers received."
        ),
        digitised,
    ),
    (
        "4.3",
        _("Dossiers reusing digitised data"),
        _("Dossiers reusing at least one digitised paper ÷ dossiers received."),
        no_data,
    ),
    (
        "4.4",
        _("Dossiers linked to the applicant's data store"),
        _("Dossiers linked to the applicant's electronic data store ÷ dossiers received."),
        no_data,
    ),
    (
        "4.5",
        _("Use of population data"),
        _("Dossiers whose applicant was verified against the population database (VNeID)."),
        no_data,
    ),
):
    register(
        Measure(
            code, name, definition, SOURCE, MeasureUnit.PERCENT, Direction.HIGHER, compute, "766-4"
        )
    )

"""The periodic statistics report (issue 10 item 4): what an agency sends up each month,
quarter and year about the dossiers it received and handled.

Chapter III of Circular 02/2017/TT-VPCP asks the one-stop system for "tình hình, kết quả giải
quyết thủ tục hành chính trong kỳ báo cáo" (shared/domain/sources/national-portal-and-one-stop-
system-excerpts.txt, the one-stop system's art. e). The table layout below follows the columns
agencies report by — received (carried over, new by channel), resolved (early, on time, late),
in process (within, past the deadline) — per sector; the form itself is not among our sources,
so its exact layout and the extra columns (returned, withdrawn, refused, stopped) are [A].

Each dossier of the period is classified once by ``dossiers.listing.stat_annotate``; the counts
here group that classification and the dossier list a count opens (``/dossiers/search/?stat=…``)
filters on it (``stat_q``), so they cannot disagree. Counts are a few grouped queries (the
period's dossiers in three disjoint parts, each through an index, as the registry reads them),
by sector, procedure or unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, QuerySet
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.catalog.models import Procedure, Sector
from isogov.core import clock
from isogov.dossiers.listing import CHANNEL_CELLS, STAT_CATEGORIES, stat_annotate, stat_bounds
from isogov.dossiers.models import Dossier, DossierStep

BY = ("sector", "procedure", "unit")
BY_LABELS = {"sector": _("Sector"), "procedure": _("Procedure"), "unit": _("Unit")}
PERIOD_KINDS = ("month", "quarter", "year")
SNAPSHOT_PREFIX = "statistics:"

# The report's columns in the table's order, each with its heading (English source).
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("received", _("Received: total")),
    ("carried_over", _("Carried over")),
    ("new", _("New: total")),
    ("new_online", _("New online")),
    ("new_in_person", _("New in person")),
    ("new_postal", _("New by post")),
    ("resolved", _("Resolved: total")),
    ("resolved_early", _("Early")),
    ("resolved_on_time", _("On time")),
    ("resolved_late", _("Late")),
    ("in_process", _("In process: total")),
    ("in_process_within", _("Within the deadline")),
    ("in_process_overdue", _("Past the deadline")),
    ("withdrawn", _("Withdrawn")),
    ("refused", _("Refused")),
    ("stopped", _("Stopped")),
    ("returned", _("Returned for a supplement")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)


@dataclass
class Row:
    """One line of the table: a sector, procedure or unit (``code`` for the list filter), or the
    total (``code`` empty)."""

    code: str
    label: str
    counts: dict[str, int]

    @property
    def balanced(self) -> bool:
        """Carried over + new = resolved + in process + withdrawn + refused + stopped."""
        c = self.counts
        ended_or_open = c["resolved"] + c["in_process"] + c["withdrawn"] + c["refused"]
        return c["received"] == c["carried_over"] + c["new"] == ended_or_open + c["stopped"]


@dataclass
class Report:
    agency: Agency
    date_from: dt.date
    date_to: dt.date
    by: str
    rows: list[Row]
    total: Row
    taken_at: dt.datetime | None = None  # a stored snapshot's time; None: live figures
    notes: list[str] = field(default_factory=list)


def period_bounds(kind: str, year: int, number: int = 1) -> tuple[dt.date, dt.date]:
    """The first and last day of month ``number``, quarter ``number`` or the year."""
    if kind == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first_month = number if kind == "month" else 3 * (number - 1) + 1
    last_month = number if kind == "month" else first_month + 2
    after = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return dt.date(year, first_month, 1), after - dt.timedelta(days=1)


def _parts(agency: Agency, start: dt.datetime, end: dt.datetime) -> list[QuerySet[Dossier]]:
    """The dossiers the period concerns in three disjoint parts, each through an index."""
    base = Dossier.objects.filter(agency_id=agency.pk, received_at__isnull=False)
    return [
        base.filter(received_at__gte=start, received_at__lt=end),
        base.filter(received_at__lt=start, finished_at__gte=start),
        base.filter(received_at__lt=start, finished_at__isnull=True),
    ]


GROUP_FIELDS = {
    "sector": "procedure_version__procedure__sector_id",
    "procedure": "procedure_version__procedure_id",
}
_CELL_FIELDS = ("stat_origin", "stat_channel", "stat_disposition", "was_returned")


def _add(
    counts: dict[str, int], n: int, origin: str, kind: str, disposition: str, returned: Any
) -> None:
    """Add ``n`` dossiers of one classification to the cells they count in."""
    cells = ["received", origin, disposition]
    if origin == "new":
        cells.append(CHANNEL_CELLS.get(kind, ""))
    for parent in ("resolved", "in_process"):
        if disposition.startswith(f"{parent}_"):
            cells.append(parent)
    if returned:
        cells.append("returned")
    for cell in cells:
        if cell in counts:
            counts[cell] += n


def _classified(part: QuerySet[Dossier], start: Any, end: Any, cutoff: Any) -> QuerySet[Dossier]:
    return stat_annotate(part, start, end, cutoff).annotate(
        stat_dossier=F("pk"), stat_channel=F("channel_kind")
    )


def _count(
    agency: Agency, date_from: dt.date, date_to: dt.date, by: str | None
) -> dict[int | None, dict[str, int]]:
    """Key (sector, procedure or unit id; None without ``by``) → the count of each cell: one
    grouped query per part, each dossier classified once (``listing.stat_annotate``)."""
    if by == "unit":
        return _count_by_unit(agency, date_from, date_to)
    start, end, cutoff = stat_bounds(date_from, date_to)
    key_field = GROUP_FIELDS[by] if by is not None else None
    found: dict[int | None, dict[str, int]] = {}
    for part in _parts(agency, start, end):
        grouped = (
            _classified(part, start, end, cutoff)
            .order_by()
            .values(*([key_field] if key_field else []), *_CELL_FIELDS)
            .annotate(n=Count("pk"))
        )
        for row in grouped:
            counts = found.setdefault(
                row[key_field] if key_field else None, dict.fromkeys(STAT_CATEGORIES, 0)
            )
            _add(counts, row["n"], *(row[name] for name in _CELL_FIELDS))
    return found


def _count_by_unit(
    agency: Agency, date_from: dt.date, date_to: dt.date
) -> dict[int | None, dict[str, int]]:
    """Unit id → the count of each cell. [A] A unit's dossiers are those that reached one of
    its steps (the registry's unit scope): a dossier counts once in each unit it went through.

    Each dossier is classified once, in a materialised common table expression, and only then
    joined with its steps: grouping the join directly classified it once per step (some five
    times, each with its correlated event lookups) and was the slowest report.
    """
    start, end, cutoff = stat_bounds(date_from, date_to)
    steps = connection.ops.quote_name(DossierStep._meta.db_table)
    found: dict[int | None, dict[str, int]] = {}
    for part in _parts(agency, start, end):
        classified = (
            _classified(part, start, end, cutoff).order_by().values("stat_dossier", *_CELL_FIELDS)
        )
        inner, params = classified.query.sql_with_params()
        sql = (
            f"WITH classified AS MATERIALIZED ({inner}) "  # noqa: S608
            "SELECT s.unit_id, c.stat_origin, c.stat_channel, c.stat_disposition, "
            "c.was_returned, COUNT(DISTINCT c.stat_dossier) "
            f"FROM classified c JOIN {steps} s ON s.dossier_id = c.stat_dossier "
            "WHERE s.received_at IS NOT NULL "
            "GROUP BY s.unit_id, c.stat_origin, c.stat_channel, c.stat_disposition, "
            "c.was_returned"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for unit_id, origin, kind, disposition, returned, n in rows:
            counts = found.setdefault(unit_id, dict.fromkeys(STAT_CATEGORIES, 0))
            _add(counts, n, origin, kind, disposition, returned)
    return found


def _labels(agency: Agency, by: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Id → (code, name) of the sectors, procedures or units."""
    if by == "sector":
        return {s.pk: (s.code, s.name) for s in Sector.objects.filter(pk__in=ids)}
    if by == "unit":
        return {u.pk: (u.code, u.name) for u in Unit.objects.filter(pk__in=ids)}
    names = {
        row["procedure_version__procedure_id"]: row["name"]
        for row in Dossier.objects.filter(
            agency_id=agency.pk, procedure_version__procedure_id__in=ids
        )
        .order_by()
        .values("procedure_version__procedure_id")
        .annotate(name=Max("procedure_name"))
    }
    return {p.pk: (p.code, names.get(p.pk, p.code)) for p in Procedure.objects.filter(pk__in=ids)}


def compute_report(agency: Agency, date_from: dt.date, date_to: dt.date, by: str) -> Report:
    """The report from the live data."""
    grouped = _count(agency, date_from, date_to, by)
    labels = _labels(agency, by, [k for k in grouped if k is not None])
    rows = [
        Row(*(labels.get(key, ("", "—")) if key is not None else ("", "—")), counts)
        for key, counts in grouped.items()
    ]
    rows = [row for row in rows if any(row.counts.values())]
    rows.sort(key=lambda row: (row.label.casefold(), row.code))
    if by == "unit":
        total_counts = _count(agency, date_from, date_to, None).get(
            None, dict.fromkeys(STAT_CATEGORIES, 0)
        )
    else:
        total_counts = {key: sum(row.counts[key] for row in rows) for key in COLUMN_KEYS}
    return Report(agency, date_from, date_to, by, rows, Row("", str(_("Total")), total_counts))


def as_figures(report: Report) -> dict[str, Any]:
    """The JSON a snapshot stores."""
    return {
        "rows": [{"code": r.code, "label": r.label, "counts": r.counts} for r in report.rows],
        "total": report.total.counts,
    }


def statistics_report(agency: Agency, date_from: dt.date, date_to: dt.date, by: str) -> Report:
    """The report; a closed period with a stored snapshot gives the stored figures (issue 10
    item 8), so a report sent up never changes after its dossiers do."""
    from .models import IndicatorSnapshot

    snapshot = IndicatorSnapshot.objects.filter(
        agency=agency,
        scope_key=f"{SNAPSHOT_PREFIX}{by}",
        date_from=date_from,
        date_to=date_to,
    ).first()
    if snapshot is None or not isinstance(snapshot.figures, dict):
        return compute_report(agency, date_from, date_to, by)
    stored = snapshot.figures
    rows = [Row(r["code"], r["label"], r["counts"]) for r in stored["rows"]]
    total = Row("", str(_("Total")), stored["total"])
    return Report(agency, date_from, date_to, by, rows, total, taken_at=snapshot.taken_at)


def is_closed(date_to: dt.date) -> bool:
    return date_to < clock.today()


def unbalanced_rows(report: Report) -> list[Row]:
    """Rows that break carried over + new = resolved + in process + withdrawn + refused +
    stopped (none, unless the data is inconsistent)."""
    return [row for row in [*report.rows, report.total] if not row.balanced]

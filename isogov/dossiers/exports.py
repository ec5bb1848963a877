"""Dossier lists as XLSX or CSV, streamed (``?format=xlsx`` / ``?format=csv`` on a list page).

Every export goes through ``core.documents.xlsx.xlsx_stream`` or ``core.documents.csvfile.
csv_stream``, so text that a spreadsheet could run as a formula (``=1+1``, ``@SUM(…)``, also
after leading blanks) is written as text. A query's rows are read with
``QuerySet.iterator(chunk_size=…)``, so a list of a million dossiers never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from isogov.core.documents.csvfile import csv_stream
from isogov.core.documents.xlsx import xlsx_stream
from isogov.core.sql import read_once

from .models import Dossier
from .queues import QueueRow

CHUNK_ROWS = 2000
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
LIST_WIDTHS = (26, 40, 28, 16, 22, 17, 17, 17, 17, 12, 28)


def list_headings() -> list[str]:
    return [
        _("Dossier code"),
        _("Procedure"),
        _("Applicant"),
        _("Phone"),
        _("Status"),
        _("Received at"),
        _("Appointment"),
        _("Result ready at"),
        _("Result returned at"),
        _("Handling outcome"),
        _("Handled by"),
    ]


def _values(dossier: Dossier, holder: str) -> tuple[Any, ...]:
    return (
        dossier.code,
        dossier.procedure_name,
        dossier.applicant_name,
        dossier.applicant_phone,
        str(dossier.get_status_display()),
        dossier.received_at,
        dossier.promised_due_at,
        dossier.finished_at,
        dossier.returned_at,
        str(dossier.get_outcome_display()) if dossier.outcome else "",
        holder,
    )


def dossier_rows(queryset: QuerySet[Dossier]) -> Iterator[tuple[Any, ...]]:
    """The rows of a dossier query, read in chunks under a small SQLite page cache
    (``core.sql.read_once``): constant memory."""
    dossiers = queryset.select_related("handling_unit").iterator(chunk_size=CHUNK_ROWS)
    for dossier in read_once(dossiers):
        unit = dossier.handling_unit
        yield _values(dossier, unit.name if unit is not None else "")


def queue_rows(rows: Iterable[QueueRow]) -> Iterator[tuple[Any, ...]]:
    """The rows of a queue tab, with who holds each piece of work now."""
    for row in rows:
        yield _values(row.dossier, row.holder)


def export_response(
    export: str, *, filename: str, sheet_title: str, rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """The rows as a streamed XLSX or CSV download (``export`` is one of ``FORMATS``)."""
    headings = list_headings()
    body: Iterator[bytes]
    if export == "xlsx":
        body = xlsx_stream(
            sheet_title=sheet_title, headings=headings, rows=rows, widths=LIST_WIDTHS
        )
    else:
        body = csv_stream(headings=headings, rows=rows)
    return streaming_download(body, export=export, filename=filename)


def streaming_download(
    body: Iterator[bytes], *, export: str, filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[export])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export}"'
    return response

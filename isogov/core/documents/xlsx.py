"""A streaming XLSX writer (openpyxl write-only mode) that neutralises formula injection.

A spreadsheet opened in Excel or LibreOffice runs a cell that starts with ``=``, ``+``, ``-``
or ``@`` (and, in some versions, a tab or carriage return) as a formula; an applicant's name such
as ``=HYPERLINK(...)`` would then run on an officer's machine (OWASP "CSV injection"). Every text
cell that starts with one of those characters gets a leading apostrophe and is stored as text.
Rows are written as they come, so a year of dossiers never sits in memory as cell objects.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from isogov.core.clock import to_local
from isogov.core.documents.text import nfc

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADING = Alignment(wrap_text=True, horizontal="center", vertical="center")


def safe_value(value: Any) -> Any:
    """The value as a spreadsheet cell stores it: text NFC and never a formula, an aware
    datetime as Vietnam wall-clock time (XLSX has no time zones), anything else as it is."""
    if isinstance(value, str):
        value = nfc(value)
        return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, dt.datetime):
        return to_local(value).replace(tzinfo=None)
    return value


def xlsx_bytes(
    *,
    sheet_title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_rows: Sequence[Sequence[Any]] = (),
    widths: Sequence[float] = (),
    landscape: bool = True,
) -> bytes:
    """A one-sheet workbook: ``title_rows`` (first cell bold), the heading row, then ``rows``.

    The heading row is frozen and repeated on every printed page; every cell goes through
    ``safe_value``; dates and datetimes get a Vietnamese number format.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_value(sheet_title)[:31])
    # Write-only sheets take their column and page settings before the first row.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    heading_row = len(title_rows) + 1
    sheet.freeze_panes = f"A{heading_row + 1}"
    sheet.print_title_rows = f"{heading_row}:{heading_row}"
    if landscape:
        sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    for values in title_rows:
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=safe_value(value))
            if index == 0:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
    heading_cells = []
    for text in headings:
        cell = WriteOnlyCell(sheet, value=safe_value(text))
        cell.font = Font(bold=True)
        cell.alignment = _HEADING
        cell.border = _BORDER
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for values in rows:
        sheet.append([_body_cell(sheet, value) for value in values])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _body_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_value(value))
    cell.alignment = _WRAP
    cell.border = _BORDER
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell

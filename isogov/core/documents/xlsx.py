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
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from isogov.core.clock import to_local
from isogov.core.documents.text import nfc

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet skips leading blanks before it looks for a formula (" =1+1" runs too).
_BLANKS = " \t\r\n\u00a0"
CHUNK = 64 * 1024
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
        return f"'{value}" if is_formula_like(value) else value
    if isinstance(value, dt.datetime):
        return to_local(value).replace(tzinfo=None)
    return value


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or a tab/CR trick)."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(_BLANKS).startswith(FORMULA_TRIGGERS)


def literal_cell(sheet: Any, value: Any) -> Any:
    """``value`` for a write-only sheet, text stored as text even when it looks like a formula
    (for exchange files read back as they were written: no apostrophe is added)."""
    if isinstance(value, str) and is_formula_like(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl made "=…" a formula; stored as the text it is
        return cell
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
    buffer = io.BytesIO()
    _write(buffer, sheet_title, headings, rows, title_rows, widths, landscape)
    return buffer.getvalue()


def xlsx_stream(
    *,
    sheet_title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_rows: Sequence[Sequence[Any]] = (),
    widths: Sequence[float] = (),
    landscape: bool = True,
) -> Iterator[bytes]:
    """The same workbook as ``xlsx_bytes`` in constant memory, for ``StreamingHttpResponse``:
    openpyxl's write-only sheet spools the rows to a temporary file as they come, the workbook
    is zipped into another, which is then read out in 64 KiB chunks. Nothing runs (and no
    query is made) until the first chunk is asked for."""
    with tempfile.TemporaryFile() as spool:
        _write(spool, sheet_title, headings, rows, title_rows, widths, landscape)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk


def _write(
    target: IO[bytes],
    sheet_title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    landscape: bool,
) -> None:
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
    styles = _body_styles(sheet)
    for values in rows:
        sheet.append([_body_cell(sheet, value, styles) for value in values])
    workbook.save(target)


def _body_styles(sheet: Any) -> dict[str, Any]:
    """The body cells' styles, registered once: setting a style object on every cell hashes
    it each time, which made a million-row export take an hour."""
    styles = {}
    for kind, number_format in (
        ("text", None),
        ("datetime", DATETIME_FORMAT),
        ("date", DATE_FORMAT),
    ):
        template = WriteOnlyCell(sheet)
        template.alignment = _WRAP
        template.border = _BORDER
        if number_format:
            template.number_format = number_format
        styles[kind] = template._style
    return styles


def _body_cell(sheet: Any, value: Any, styles: dict[str, Any]) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_value(value))
    if isinstance(value, dt.datetime):
        kind = "datetime"
    elif isinstance(value, dt.date):
        kind = "date"
    else:
        kind = "text"
    cell._style = copy(styles[kind])
    return cell

"""A streaming XLSX writer that neutralises formula injection.

A spreadsheet opened in Excel or LibreOffice runs a cell that starts with ``=``, ``+``, ``-``
or ``@`` (and, in some versions, a tab or carriage return) as a formula; an applicant's name such
as ``=HYPERLINK(...)`` would then run on an officer's machine (OWASP "CSV injection"). Every text
cell that starts with one of those characters gets a leading apostrophe and is stored as text.

The workbook is written directly as the zip of XML parts an XLSX is (ECMA-376 SpreadsheetML):
one sheet whose rows go into the zip's deflate stream as they come, text as inline strings (no
shared-string table growing with the rows), six cell styles written once. Memory does not depend
on the number of rows. openpyxl's write-only sheet did the same job at about 2,500 rows a second
of CPU (a Python object per cell, also with lxml); this writer formats each row as one string
(issue 10: a million rows). openpyxl still reads these files back in the tests, and writes the
catalogue's exchange file (``literal_cell``).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from isogov.core.clock import to_local
from isogov.core.documents.text import nfc

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet skips leading blanks before it looks for a formula (" =1+1" runs too).
_BLANKS = " \t\r\n\u00a0"
CHUNK = 64 * 1024
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
WRITE_ROWS = 500  # rows formatted before one write into the zip stream

# Cell styles (indexes into styles.xml's cellXfs, below).
_PLAIN, _BOLD, _HEADING, _TEXT, _DATETIME, _DATE, _PLAIN_DATETIME, _PLAIN_DATE = range(8)
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()
# XML 1.0 has no place for these control characters; openpyxl refused them with an error.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# A sheet name may not hold these (Excel refuses the file).
_SHEET_NAME_BAN = re.compile(r"[\[\]:*?/\\]")


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
    """``value`` for an openpyxl write-only sheet, text stored as text even when it looks like a
    formula (for exchange files read back as they were written: no apostrophe is added)."""
    if isinstance(value, str) and is_formula_like(value):
        from openpyxl.cell import WriteOnlyCell

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
    the rows are zipped into a temporary file as they come, which is then read out in 64 KiB
    chunks. Nothing runs (and no query is made) until the first chunk is asked for."""
    with tempfile.TemporaryFile() as spool:
        _write(spool, sheet_title, headings, rows, title_rows, widths, landscape)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk


# --- the parts ------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/></Types>'
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>'
)
_CORE = (
    _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>isogov</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    "</cp:coreProperties>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
_WORKBOOK = (
    _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    "<bookViews><workbookView/></bookViews>"
    '<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>'
    '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">{titles}'
    "</definedName></definedNames></workbook>"
)
_THIN = "".join(
    f'<{side} style="thin"><color auto="1"/></{side}>'
    for side in ("left", "right", "top", "bottom")
)
_WRAP_TOP = '<alignment vertical="top" wrapText="1"/>'
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATETIME_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    f"<border>{_THIN}<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # _PLAIN
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # _BOLD
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" '
    'applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'  # _HEADING
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" '
    f'applyAlignment="1">{_WRAP_TOP}</xf>'  # _TEXT
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
    f'applyBorder="1" applyAlignment="1">{_WRAP_TOP}</xf>'  # _DATETIME
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
    f'applyBorder="1" applyAlignment="1">{_WRAP_TOP}</xf>'  # _DATE
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/>'  # _PLAIN_DATETIME
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/>'  # _PLAIN_DATE
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """``1`` → ``"A"``, ``27`` → ``"AA"``."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(title: str) -> str:
    """A valid sheet name (Excel: at most 31 characters, none of ``[]:*?/\\``)."""
    name = _SHEET_NAME_BAN.sub(" ", nfc(title)).strip("' ")[:31].strip()
    return name or "Sheet1"


@functools.lru_cache(maxsize=4096)  # procedures, units, statuses repeat row after row
def _text(value: str) -> str:
    """Text as the XML of an inline string (NFC, never a formula, XML-safe)."""
    text = safe_value(value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    escaped = text
    if "&" in escaped:
        escaped = escaped.replace("&", "&amp;")
    if "<" in escaped:
        escaped = escaped.replace("<", "&lt;")
    if ">" in escaped:
        escaped = escaped.replace(">", "&gt;")
    if "\r" in escaped:
        escaped = escaped.replace("\r", "&#13;")
    if text != text.strip():
        return f'<is><t xml:space="preserve">{escaped}</t></is>'
    return f"<is><t>{escaped}</t></is>"


def _serial(value: dt.datetime | dt.date) -> str:
    """A date or wall-clock datetime as an Excel serial day number (the 1900 system)."""
    if isinstance(value, dt.datetime):
        delta = value - _EPOCH
        days = delta.days
        seconds = delta.seconds + delta.microseconds / 1e6
        if 0 < days <= 60:  # Excel's 29/02/1900
            days -= 1
        return repr(days + seconds / 86400) if seconds else str(days)
    days = (value - _EPOCH_DATE).days
    if 0 < days <= 60:
        days -= 1
    return str(days)


def _cell_writer(styles: tuple[int, int, int]) -> Callable[[str, Any], str]:
    """A function ``(reference, value) → "<c …>…</c>"`` with the styles (text, datetime, date)."""
    text_style, datetime_style, date_style = styles
    text_open = f' s="{text_style}" t="inlineStr">' if text_style else ' t="inlineStr">'
    number_open = f' s="{text_style}"><v>' if text_style else "><v>"
    bool_open = f' s="{text_style}" t="b"><v>' if text_style else ' t="b"><v>'
    empty = f' s="{text_style}"/>' if text_style else ""

    def cell(ref: str, value: Any) -> str:
        kind = type(value)
        if kind is str and value:
            return f'<c r="{ref}"{text_open}{_text(value)}</c>'
        if value is None or kind is str:  # "" is an empty cell, as openpyxl wrote it
            return f'<c r="{ref}"{empty}' if empty else ""
        if kind is int or kind is float or kind is Decimal:
            if (kind is float and not math.isfinite(value)) or (
                kind is Decimal and not value.is_finite()
            ):
                return f'<c r="{ref}"{text_open}{_text(str(value))}</c>'
            return f'<c r="{ref}"{number_open}{value}</v></c>'
        if kind is bool:
            return f'<c r="{ref}"{bool_open}{int(value)}</v></c>'
        if isinstance(value, dt.datetime):
            local = safe_value(value)
            return f'<c r="{ref}" s="{datetime_style}"><v>{_serial(local)}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="{date_style}"><v>{_serial(value)}</v></c>'
        if isinstance(value, int | float):  # an IntEnum, a numpy number …
            return cell(ref, int(value) if isinstance(value, int) else float(value))
        return f'<c r="{ref}"{text_open}{_text(str(value))}</c>'

    return cell


def _write(
    target: IO[bytes],
    sheet_title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    landscape: bool,
) -> None:
    name = sheet_name(sheet_title)
    heading_row = len(title_rows) + 1
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("docProps/core.xml", _CORE.format(created=created))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        quoted = "'" + name.replace("'", "''") + "'"
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                name=quoteattr(name),
                titles=f"{quoted}!${heading_row}:${heading_row}".translate(_ESCAPES),
            ),
        )
        # A million rows of XML pass 2 GiB before deflate: the entry may need ZIP64.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            sheet = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
            sheet.write(_sheet_head(heading_row, widths))
            _sheet_rows(sheet, headings, rows, title_rows)
            setup = ' orientation="landscape"' if landscape else ""
            sheet.write(
                "</sheetData>"
                '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" '
                'footer="0.3"/>'
                f'<pageSetup paperSize="9" fitToWidth="1" fitToHeight="0"{setup}/>'
                "</worksheet>"
            )
            sheet.flush()
            sheet.detach()


def _sheet_head(heading_row: int, widths: Sequence[float]) -> str:
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    return (
        _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
        '<pageSetUpPr fitToPage="1"/></sheetPr>'
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{heading_row}" topLeftCell="A{heading_row + 1}" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def _sheet_rows(
    sheet: IO[str],
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_rows: Sequence[Sequence[Any]],
) -> None:
    letters: list[str] = []
    plain = _cell_writer((_PLAIN, _PLAIN_DATETIME, _PLAIN_DATE))
    bold = _cell_writer((_BOLD, _PLAIN_DATETIME, _PLAIN_DATE))
    heading = _cell_writer((_HEADING, _DATETIME, _DATE))
    body = _cell_writer((_TEXT, _DATETIME, _DATE))

    def refs(number: int, count: int) -> list[str]:
        while len(letters) < count:
            letters.append(column_letter(len(letters) + 1))
        return [f"{letter}{number}" for letter in letters[:count]]

    number = 0
    for values in title_rows:
        number += 1
        cells = "".join(
            (bold if index == 0 else plain)(ref, value)
            for index, (ref, value) in enumerate(
                zip(refs(number, len(values)), values, strict=True)
            )
        )
        sheet.write(f'<row r="{number}">{cells}</row>')
    number += 1
    cells = "".join(
        heading(ref, text) for ref, text in zip(refs(number, len(headings)), headings, strict=True)
    )
    sheet.write(f'<row r="{number}">{cells}</row>')
    batch: list[str] = []
    for values in rows:
        number += 1
        row_refs = refs(number, len(values))
        batch.append(f'<row r="{number}">' + "".join(map(body, row_refs, values)) + "</row>")
        if len(batch) >= WRITE_ROWS:
            sheet.write("".join(batch))
            batch.clear()
    sheet.write("".join(batch))

"""The streaming XLSX writer: formulas neutralised, times in Vietnam, rows from an iterator."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from isogov.core.documents.csvfile import csv_stream
from isogov.core.documents.xlsx import literal_cell, safe_value, xlsx_bytes, xlsx_stream


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Nguyễn Thị Hồng Nhung", "Nguyễn Thị Hồng Nhung"),
        ("a=b", "a=b"),
        (" =1+1", "' =1+1"),
        ("  \t@SUM(A1)", "'  \t@SUM(A1)"),
        ("\n-1", "'\n-1"),
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "carriage-return",
        "plain",
        "inner-equals",
        "after-spaces",
        "after-spaces-and-tab",
        "after-newline",
    ],
)
def test_text_that_a_spreadsheet_would_run_is_stored_as_text(text: str, stored: str) -> None:
    assert safe_value(text) == stored


def test_numbers_are_left_alone() -> None:
    assert safe_value(-5) == -5
    assert safe_value(None) is None


def test_workbook_streams_rows_and_reads_back_neutralised() -> None:
    def rows() -> Iterator[list[object]]:
        yield ["=1+1", dt.datetime(2026, 2, 13, 9, 0, tzinfo=dt.UTC), -3]
        yield ["@x", None, dt.date(2026, 3, 5)]

    data = xlsx_bytes(
        sheet_title="Sổ theo dõi 2026",
        title_rows=[["Tiêu đề", None, "Mẫu số 06"]],
        headings=["Tên", "Lúc", "Số"],
        rows=rows(),
        widths=[20, 18, 8],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Tiêu đề", None, "Mẫu số 06"]
    assert values[1] == ["Tên", "Lúc", "Số"]
    # 09:00 UTC is 16:00 in Vietnam; XLSX has no time zone.
    assert values[2] == ["'=1+1", dt.datetime(2026, 2, 13, 16, 0), -3]
    assert values[3][0] == "'@x"
    assert sheet["A3"].data_type == "s"  # text, not a formula
    assert sheet["B3"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == 20
    assert sheet.title == "Sổ theo dõi 2026"


def test_the_streamed_workbook_is_the_same_workbook_in_chunks() -> None:
    rows = ([f"=A{n}", n] for n in range(5000))
    chunks = list(xlsx_stream(sheet_title="Danh sách", headings=["Tên", "Số"], rows=rows))
    assert len(chunks) > 1 and all(len(chunk) <= 64 * 1024 for chunk in chunks)
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    assert sheet is not None
    assert sheet["A2"].value == "'=A0" and sheet["A2"].data_type == "s"
    assert sheet.max_row == 5001


def test_csv_neutralises_formulas_and_writes_vietnam_time() -> None:
    rows = [
        ["=1+1", dt.datetime(2026, 2, 13, 9, 0, tzinfo=dt.UTC), -3],
        [" @x", None, dt.date(2026, 3, 5)],
    ]
    body = b"".join(csv_stream(headings=["Tên", "Lúc", "Số"], rows=rows)).decode("utf-8")
    assert body.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert read == [
        ["Tên", "Lúc", "Số"],
        ["'=1+1", "13/02/2026 16:00", "-3"],
        ["' @x", "", "05/03/2026"],
    ]


def test_a_literal_cell_keeps_the_text_exactly_and_never_a_formula() -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append([literal_cell(sheet, "=1+1"), literal_cell(sheet, "plain")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read is not None
    assert read["A1"].value == "=1+1" and read["A1"].data_type == "s"


def test_the_sheet_keeps_its_print_setup_styles_and_awkward_text() -> None:
    rows = [
        ["a\r\nb", "\x01bell\x1f", " lề ", 1.5, True, Decimal("2.50"), float("nan"), None],
        ["<b>&amp;</b>", dt.date(2026, 3, 5), dt.datetime(1900, 1, 1, 12, 0), 10**15, "", 0, -1, 7],
    ]
    data = xlsx_bytes(
        sheet_title="Sổ: 2026/[x]?*",
        headings=[f"Cột {n}" for n in range(1, 9)],
        rows=rows,
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Sổ  2026  x"
    assert sheet.print_title_rows == "$1:$1"  # repeated on every printed page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["A1"].alignment.horizontal == "center"
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == ["a\r\nb", "bell", " lề ", 1.5, True, 2.5, "nan", None]
    assert values[1] == [
        "<b>&amp;</b>",
        dt.datetime(2026, 3, 5),
        dt.datetime(1900, 1, 1, 12),
        10**15,
        None,
        0,
        -1,
        7,
    ]
    assert sheet["B3"].number_format == "dd/mm/yyyy"
    # Every body cell has its border, an empty one too; text wraps at the top.
    assert sheet["H2"].border.left.style == "thin" and sheet["H2"].alignment.wrap_text

"""The streaming XLSX writer: formulas neutralised, times in Vietnam, rows from an iterator."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from isogov.core.documents.xlsx import safe_value, xlsx_bytes


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
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return", "plain", "inner-equals"],
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

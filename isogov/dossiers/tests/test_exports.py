"""Dossier lists and the register as streamed XLSX and CSV, formulas neutralised."""

from __future__ import annotations

import csv
import io
from typing import Any

import time_machine
from django.test import Client
from openpyxl import load_workbook

from isogov.dossiers.services import ApplicantInput, IntakeInput, PaperInput, dossier_receive

from .conftest import at


def _receive(desk: Any, name: str) -> Any:
    data = IntakeInput(
        agency=desk.department,
        procedure_code="1.014464",
        channel_kind="in_person",
        applicant=ApplicantInput(name=name, phone="0912345678"),
        papers=[PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
    )
    with time_machine.travel(at(3, 2, 9), tick=False):
        return dossier_receive(actor=desk.user("motcua"), data=data)


def _xlsx_values(response: Any) -> list[Any]:
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [cell for row in sheet.iter_rows() for cell in row]


def _csv_rows(response: Any) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_an_applicant_named_like_a_formula_is_text_in_the_register(
    client: Client, desk: Any
) -> None:
    dossier = _receive(desk, "=1+1")
    client.force_login(desk.user("motcua"))
    response = client.get("/dossiers/register/", {"year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-theo-doi-2026.xlsx"'
    cells = {cell.value: cell for cell in _xlsx_values(response)}
    assert dossier.code in cells
    assert "=1+1" not in cells
    assert cells["'=1+1"].data_type == "s"  # text, never a formula
    rows = _csv_rows(client.get("/dossiers/register/", {"year": 2026, "format": "csv"}))
    line = next(row for row in rows if dossier.code in row)
    assert "'=1+1" in line and "=1+1" not in line


def test_search_results_export_every_match_with_the_filters(client: Client, desk: Any) -> None:
    formula = _receive(desk, "@SUM(A1)")
    plain = _receive(desk, "Trần Văn Bình")
    client.force_login(desk.user("motcua"))
    rows = _csv_rows(client.get("/dossiers/search/", {"q": "binh", "format": "csv"}))
    codes = [row[0] for row in rows[1:]]
    assert codes == [plain.code]
    values = [
        c.value
        for c in _xlsx_values(client.get("/dossiers/search/", {"status": "open", "format": "xlsx"}))
    ]
    assert formula.code in values and plain.code in values and "'@SUM(A1)" in values


def test_the_queue_tab_exports_with_who_holds_the_work(client: Client, desk: Any) -> None:
    dossier = _receive(desk, " =HYPERLINK(1)")
    client.force_login(desk.user("motcua"))
    rows = _csv_rows(client.get("/dossiers/", {"tab": "all", "format": "csv"}))
    line = next(row for row in rows if row[0] == dossier.code)
    assert line[2] == "'=HYPERLINK(1)"  # the name is stored stripped


def test_an_export_needs_a_signed_in_officer(client: Client, desk: Any) -> None:
    _receive(desk, "Lê Thị Lan")
    for path in ("/dossiers/register/", "/dossiers/search/", "/dossiers/"):
        response = client.get(path, {"year": 2026, "q": "lan", "format": "csv"})
        assert response.status_code == 302  # to the sign-in page

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


def test_the_exports_read_their_rows_under_the_small_cache(desk: Any, monkeypatch: Any) -> None:
    """A million dossiers read through the connection's 256 MiB cache filled it (381 MB peak):
    the search export reads past ``ONE_PASS_AFTER_ROWS`` rows under ``core.sql.read_once``'s
    small cache, set back after, and a short one leaves it alone; the register, which SQLite
    sorts at its first row (706 MB for a year), is read under it from the first row."""
    from django.db import connection

    from isogov.core import sql
    from isogov.core.sql import ONE_PASS_CACHE_KIB
    from isogov.core.tests.test_database_session import _cache_kib as cache_kib
    from isogov.dossiers.exports import dossier_rows
    from isogov.dossiers.models import Dossier
    from isogov.dossiers.register import register_rows

    first = _receive(desk, "Trần Văn Bình")
    second = _receive(desk, "Lê Thị Lan")

    def register() -> Any:
        return register_rows(agency=desk.department, dossiers=Dossier.objects.order_by("pk"))

    def listed() -> Any:
        return dossier_rows(Dossier.objects.order_by("pk"))

    codes = [first.code, second.code]
    if connection.vendor != "sqlite":
        assert [row[0] for row in listed()] == codes
        assert [row.dossier_code for row in register()] == codes
        return
    before, small = cache_kib(), ONE_PASS_CACHE_KIB
    assert [(row[0], cache_kib()) for row in listed()] == [(code, before) for code in codes]
    lines = [(row.dossier_code, cache_kib()) for row in register()]
    assert lines == [(code, small) for code in codes]
    assert cache_kib() == before != small
    monkeypatch.setattr(sql, "ONE_PASS_AFTER_ROWS", 1)
    rows = [(row[0], cache_kib()) for row in listed()]
    assert rows == [(first.code, before), (second.code, small)]
    assert cache_kib() == before


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


def _link(html: str, anchor: str) -> str:
    import html as html_module
    import re

    found = re.search(rf'<a href="([^"]*)" id="{anchor}">', html)
    assert found is not None, anchor
    return html_module.unescape(found.group(1))


def test_the_search_and_queue_pages_link_their_downloads_with_their_filters(
    client: Client, desk: Any
) -> None:
    """An officer finds the download on the page: the search's every match with the page's
    filters (not its first 200), the queue's tab; no link where nothing is listed."""
    lan = _receive(desk, "Lê Thị Lan")
    binh = _receive(desk, "Trần Văn Bình")
    client.force_login(desk.user("motcua"))
    page = client.get("/dossiers/search/", {"q": "binh", "status": "open", "page": "2"})
    text = page.content.decode()
    assert "Tải về mọi hồ sơ tìm được: " in text
    csv_link = _link(text, "export-csv")
    assert csv_link.startswith("?") and "page=" not in csv_link
    assert {"q=binh", "status=open", "format=csv"} <= set(csv_link[1:].split("&"))
    rows = _csv_rows(client.get("/dossiers/search/" + csv_link))
    assert [row[0] for row in rows[1:]] == [binh.code]
    xlsx = [
        c.value for c in _xlsx_values(client.get("/dossiers/search/" + _link(text, "export-xlsx")))
    ]
    assert binh.code in xlsx and lan.code not in xlsx
    nothing = client.get("/dossiers/search/", {"q": "khong-co-ai"}).content.decode()
    assert 'id="list-export"' not in nothing
    queue = client.get("/dossiers/", {"tab": "all"}).content.decode()
    assert "Tải danh sách của thẻ này: " in queue
    tab_link = _link(queue, "export-csv")
    assert tab_link == "?tab=all&format=csv"
    codes = {row[0] for row in _csv_rows(client.get("/dossiers/" + tab_link))[1:]}
    assert codes == {lan.code, binh.code}

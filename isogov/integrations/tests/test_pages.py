"""The integration's pages and background ways in: mappings, file import, pull, the panel."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook

from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import CFS
from isogov.integrations.files import inbound_job_create, inbound_job_run
from isogov.integrations.inbound import inbound_import
from isogov.integrations.models import (
    DossierSync,
    InboundImport,
    InboundStatus,
    ProcedureCodeMap,
    StatusCodeMap,
    UnmappedCode,
)
from isogov.integrations.pull import inbound_pull
from isogov.integrations.wire import Maps

pytestmark = pytest.mark.django_db
HEADER = ["MaHoSo", "MaTTHC", "ChuHoSo", "TrangThaiHoSo", "NgayTiepNhan", "NgayHenTra"]


def _csv(*rows: list[str]) -> bytes:
    lines = [",".join(HEADER), *(",".join(row) for row in rows)]
    return ("\ufeff" + "\n".join(lines)).encode()


def test_a_csv_file_is_imported_by_the_worker(desk: Any) -> None:
    content = _csv(
        ["F-1", CFS, "Nguyễn Văn An", "2", "20260504080000", "20260515170000"],
        ["F-2", "7.777777", "Trần Thị Bình", "2", "20260504090000", "20260515170000"],
    )
    job = inbound_job_create(
        actor=desk.user("quantri"), agency=desk.department, source="CSV", name="hs.csv",
        content=content,
    )  # fmt: skip
    job = inbound_job_run(job_id=job.pk)
    assert job.status == InboundStatus.DONE, job.messages
    assert (job.result["created"], job.result["unmapped"]) == (
        1,
        [{"MaTTHC": "7.777777", "rows": [2]}],
    )
    assert job.done == job.total > 0
    assert Dossier.objects.get(source="CSV", external_code="F-1").status == "received"


def test_an_xlsx_file_with_a_bad_date_imports_nothing(desk: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "HoSo"
    sheet.append(HEADER)
    sheet.append(["X-1", CFS, "Nguyễn Văn An", 2, "20260504080000", "20260515170000"])
    sheet.append(["X-2", CFS, "Lê Văn Cường", 2, "20260504080000", "15/05/2026"])
    history = book.create_sheet("TienDo")
    history.append(["MaHoSo", "ThoiDiemXuLy", "TrangThai", "NoiDungXuLy"])
    history.append(["X-1", "20260504080000", 2, "Tiếp nhận"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = inbound_job_create(
        actor=desk.user("quantri"), agency=desk.department, source="XLSX", name="hs.xlsx",
        content=buffer.getvalue(),
    )  # fmt: skip
    job = inbound_job_run(job_id=job.pk)
    assert job.status == InboundStatus.FAILED
    assert len(job.messages) == 1 and "NgayHenTra" in job.messages[0] and "2" in job.messages[0]
    assert not Dossier.objects.filter(source="XLSX").exists()


def test_the_import_page_queues_the_file_and_shows_its_progress(desk: Any) -> None:
    client = Client()
    client.force_login(desk.user("quantri"))
    assert client.get("/integrations/imports/").status_code == 200
    upload = SimpleUploadedFile(
        "hs.csv", _csv(["P-1", CFS, "Nguyễn Văn An", "2", "20260504080000", "20260515170000"])
    )
    answer = client.post("/integrations/imports/", {"source": "HT", "file": upload})
    assert answer.status_code == 302
    job = InboundImport.objects.get(source="HT")
    # The test settings run the worker's tasks at once (after commit: not inside a test).
    inbound_job_run(job_id=job.pk)
    page = client.get(answer["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-result"' in page and "hx-trigger" not in page
    bad = SimpleUploadedFile("hs.txt", b"x")
    answer = client.post("/integrations/imports/", {"source": "HT", "file": bad})
    assert answer.status_code == 400
    # Only system administrators.
    client.force_login(desk.user("motcua"))
    assert client.get("/integrations/imports/").status_code == 403


def test_mapping_a_listed_code_lets_its_dossiers_in(desk: Any) -> None:
    record = {
        "MaHoSo": "M-1", "MaTTHC": "2.000001.H26", "ChuHoSo": "Nguyễn Văn An",
        "TrangThaiHoSo": "2", "NgayTiepNhan": "20260504080000",
    }  # fmt: skip
    inbound_import(agency=desk.department, source="HT", records=[record])
    assert UnmappedCode.objects.filter(portal_code="2.000001.H26").exists()
    client = Client()
    client.force_login(desk.user("quantri"))
    page = client.get("/integrations/mappings/").content.decode()
    assert "2.000001.H26" in page
    answer = client.post(
        "/integrations/mappings/",
        {"action": "procedure", "procedure_code": "9.9", "portal_code": "2.000001.H26"},
    )
    assert answer.status_code == 400 and 'id="mapping-errors"' in answer.content.decode()
    answer = client.post(
        "/integrations/mappings/",
        {"action": "procedure", "procedure_code": CFS, "portal_code": "2.000001.H26"},
    )
    assert answer.status_code == 302
    assert not UnmappedCode.objects.exists()
    assert ProcedureCodeMap.objects.get().portal_code == "2.000001.H26"
    result = inbound_import(agency=desk.department, source="HT", records=[record])
    assert result.created == 1
    # Outbound, the same table gives the code; a status override changes the code sent.
    client.post(
        "/integrations/mappings/", {"action": "status", "status": "refused", "portal_code": "3"}
    )
    assert StatusCodeMap.objects.get(status="refused").portal_code == 3
    assert Maps.load().status_code("refused") == "3"
    answer = client.post(
        "/integrations/mappings/", {"action": "status", "status": "refused", "portal_code": "11"}
    )
    assert answer.status_code == 400


def test_the_periodic_pull_imports_the_endpoint_batch(desk: Any) -> None:
    body = json.dumps(
        {"records": [{"MaHoSo": "PULL-1", "MaTTHC": CFS, "ChuHoSo": "Nguyễn Văn An",
                      "TrangThaiHoSo": "2", "NgayTiepNhan": "20260504080000"}]}
    ).encode()  # fmt: skip
    seen: list[str] = []

    class Feed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings = {
        "PULL_URL": f"http://127.0.0.1:{server.server_address[1]}/feed",
        "PULL_TOKEN": "t0k",
        "PULL_SOURCE": "PULL",
        "PULL_AGENCY": desk.department.code,
    }
    try:
        with override_settings(ISOGOV_INBOUND=settings):
            assert inbound_pull() == 1
    finally:
        server.server_close()
    assert seen == ["Bearer t0k"]
    assert Dossier.objects.filter(source="PULL", external_code="PULL-1").exists()


def test_the_dossier_page_panel(desk: Any) -> None:
    inbound_import(
        agency=desk.department,
        source="HT",
        records=[{"MaHoSo": "E-1", "MaTTHC": CFS, "ChuHoSo": "Nguyễn Văn An",
                  "TrangThaiHoSo": "2", "NgayTiepNhan": "20260504080000"}],
    )  # fmt: skip
    client = Client()
    client.force_login(desk.user("motcua"))
    detail = client.get("/dossiers/E-1/").content.decode()
    assert "/integrations/dossiers/E-1/panel/" in detail
    assert 'id="actions"' not in detail  # read-only: no action offered
    panel = client.get("/integrations/dossiers/E-1/panel/").content.decode()
    assert "HT" in panel and 'id="integration-panel"' in panel
    # A native dossier: nothing while the sync is off; its state and a retry when it is on.
    native = Dossier.objects.filter(agency=desk.department, source="").first()
    if native is None:
        from isogov.dossiers import services
        from isogov.dossiers.tests.conftest import intake

        native = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    assert client.get(f"/integrations/dossiers/{native.code}/panel/").content == b""
    with override_settings(ISOGOV_PORTAL={"ENABLED": True}):
        panel = client.get(f"/integrations/dossiers/{native.code}/panel/").content.decode()
        assert 'id="sync-state"' in panel
        assert client.post(f"/integrations/dossiers/{native.code}/sync/").status_code == 302
    assert DossierSync.objects.get(dossier=native).next_attempt_at is not None

"""The forms of real dossiers, read back from the PDFs and the XLSX the pages serve."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from isogov.dossiers import services
from isogov.dossiers.models import Dossier

from .conftest import VN, action_of, intake, officer_for

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _act(when: dt.datetime, service: Any, dossier: Dossier, user: Any, **kwargs: Any) -> None:
    dossier.refresh_from_db()
    if user is None:  # whoever the action table names
        user = officer_for(dossier, action_of(service), **kwargs)
    with time_machine.travel(when, tick=False):
        service(actor=user, code=dossier.code, version=dossier.version, **kwargs)


@pytest.fixture
def handled(desk: Any) -> Dossier:
    return build_handled(desk)


def build_handled(desk: Any) -> Dossier:
    """A CFS dossier received before Tết, one late step, an apology, finished and returned.

    Steps finish on 23/2 08:00 (the desk's transfer), 11:00, 15:00; 24/2 08:30, 10:00,
    14:00; 25/2 15:00 (the result goes back to the desk: the return step starts). Apology on
    23/2 13:00 with the new appointment 27/2 16:00; returned 26/2 09:00.
    """
    with time_machine.travel(at(2, 13, 16), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    _act(at(2, 23, 8), services.dossier_step_complete, dossier, None)  # early (before 08:30)
    _act(at(2, 23, 11), services.dossier_step_complete, dossier, None)  # late (due 10:30)
    _act(
        at(2, 23, 13),
        services.dossier_apologise,
        dossier,
        None,
        new_due_at=at(2, 27, 16),
        reason="Chờ xác minh thông tin xuất bản phẩm",
    )
    for when in (at(2, 23, 15), at(2, 24, 8, 30), at(2, 24, 10), at(2, 24, 14), at(2, 25, 15)):
        _act(when, services.dossier_step_complete, dossier, None)
    _act(
        at(2, 25, 15, 30),
        services.dossier_record_result,
        dossier,
        None,
        number="15/GCN-STTTT",
        summary="Cấp giấy chứng nhận CFS",
        signer="Trần Thị Lãnh",
    )
    _act(at(2, 25, 15, 40), services.dossier_approve_result, dossier, None)
    _act(at(2, 26, 9), services.dossier_return_result, dossier, None, method="at_desk")
    dossier.refresh_from_db()
    return dossier


def test_receipt_pdf_reads_back_code_applicant_and_appointment(
    client: Client, desk: Any, handled: Dossier
) -> None:
    client.force_login(desk.user("motcua"))
    response = client.get(f"/dossiers/{handled.code}/forms/receipt.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert handled.code in text
    assert "Nguyễn Thị Hồng Nhung" in text
    # Form 01 stays as issued: 3 working days from Fri 13/2 16:00 skip Tết (16–20/2), so
    # 1 h on Fri 13, 8 h on Mon 23, 8 h on Tue 24 and 7 h on Wed 25: 16:00 on 25/2. The
    # apology's new date (27/2) does not rewrite it.
    assert "16 giờ 00 phút, ngày 25 tháng 02 năm 2026" in text
    assert "27 tháng 02" not in text


def test_receipt_pdf_prints_the_dossiers_rating_link_and_its_qr_code(
    client: Client, desk: Any, handled: Dossier
) -> None:
    client.force_login(desk.user("motcua"))
    pdf = client.get(f"/dossiers/{handled.code}/forms/receipt.pdf").content
    assert handled.rating_token
    url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/danh-gia/{handled.rating_token}/"
    assert url in _text(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 2  # the lookup and the rating


def test_control_sheet_is_generated_from_the_step_log(
    client: Client, desk: Any, handled: Dossier
) -> None:
    client.force_login(desk.user("motcua"))
    text = _text(client.get(f"/dossiers/{handled.code}/forms/control-sheet.pdf").content)
    assert handled.code in text
    assert "Trước hạn" in text and "Quá hạn" in text and "Đúng hạn" in text


def test_apology_pdf_names_the_new_appointment(client: Client, desk: Any, handled: Dossier) -> None:
    client.force_login(desk.user("lanhdao"))
    text = _text(client.get(f"/dossiers/{handled.code}/forms/apology.pdf").content)
    assert "Chờ xác minh thông tin xuất bản phẩm" in text
    assert "ngày 27 tháng 02 năm 2026" in text


def test_form_of_an_event_that_did_not_happen_is_404(
    client: Client, desk: Any, handled: Dossier
) -> None:
    client.force_login(desk.user("motcua"))
    assert client.get(f"/dossiers/{handled.code}/forms/refusal.pdf").status_code == 404
    assert client.get(f"/dossiers/{handled.code}/forms/nope.pdf").status_code == 404


def test_other_agency_cannot_print_the_forms(client: Client, desk: Any, handled: Dossier) -> None:
    client.force_login(desk.user("tuphap"))
    assert client.get(f"/dossiers/{handled.code}/forms/receipt.pdf").status_code == 404


def test_supplement_and_refusal_forms(client: Client, desk: Any) -> None:
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
        refused = services.dossier_intake_refuse(
            actor=desk.user("motcua"),
            data=intake(desk, name="Công ty TNHH Đầu tư Phát triển Hải Phòng"),
            reason="Không thuộc thẩm quyền giải quyết của Sở",
        )
    _act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    _act(
        at(3, 9, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu bản sao giấy phép",
        items=["Bản sao giấy phép xuất bản"],
    )
    client.force_login(desk.user("motcua"))
    supplement = _text(client.get(f"/dossiers/{dossier.code}/forms/supplement-request.pdf").content)
    assert "Bản sao giấy phép xuất bản" in supplement and dossier.code in supplement
    refusal = _text(client.get(f"/dossiers/{refused.code}/forms/refusal.pdf").content)
    assert "Không thuộc thẩm quyền giải quyết của Sở" in refusal
    assert "Công ty TNHH Đầu tư Phát triển Hải Phòng" in refusal


def test_register_as_xlsx_and_pdf(client: Client, desk: Any, handled: Dossier) -> None:
    client.force_login(desk.user("motcua"))
    page = client.get("/dossiers/register/", {"year": 2026}).content.decode()
    assert handled.code in page
    workbook = load_workbook(
        io.BytesIO(client.get("/dossiers/register/", {"year": 2026, "format": "xlsx"}).getvalue())
    )
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert handled.code in values and "Nguyễn Thị Hồng Nhung" in values
    assert handled.code in _text(
        client.get("/dossiers/register/", {"year": 2026, "format": "pdf"}).content
    )
    assert handled.code not in client.get("/dossiers/register/", {"year": 2025}).content.decode()


def test_public_lookup_needs_the_phone_number(client: Client, handled: Dossier) -> None:
    found = client.post("/tra-cuu/", {"ma": handled.code, "thong_tin": "0912 345 678"})
    assert 'id="lookup-result"' in found.content.decode()
    wrong = client.post(
        "/tra-cuu/", {"ma": handled.code, "thong_tin": "0900000000"}
    ).content.decode()
    assert 'id="lookup-result"' not in wrong and "Không tìm thấy hồ sơ" in wrong


def test_the_register_of_a_year_uses_the_forms_of_that_year(client: Client, desk: Any) -> None:
    client.force_login(desk.user("motcua"))

    def form_number(year: int) -> str:
        content = client.get("/dossiers/register/", {"year": year, "format": "xlsx"}).getvalue()
        sheet = load_workbook(io.BytesIO(content)).active
        return str([cell for cell in sheet[1] if cell.value][-1].value)

    # Circular 01/2018 (form 06) under Decree 61/2018; Circular 03/2025 (form 07) after.
    assert form_number(2024) == "Mẫu số 06"
    assert form_number(2026) == "Mẫu số 07"


@pytest.mark.parametrize(("ruleset", "offered"), [("nd118-2025", True), ("nd61-2018", False)])
def test_the_stop_notice_is_offered_only_where_the_form_set_has_one(
    client: Client, desk: Any, ruleset: str, offered: bool
) -> None:
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    Dossier.objects.filter(pk=dossier.pk).update(ruleset=ruleset)
    officer = desk.user("motcua")
    for service, kwargs in (
        (services.dossier_request_withdrawal, {"reason": "Xin rút"}),
        (services.dossier_stop, {"reason": "Dừng theo đề nghị"}),
    ):
        dossier.refresh_from_db()
        with time_machine.travel(at(3, 9, 9), tick=False):
            service(actor=officer, code=dossier.code, version=dossier.version, **kwargs)
    client.force_login(officer)
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert ("stop-notice.pdf" in page) is offered
    if offered:
        assert client.get(f"/dossiers/{dossier.code}/forms/stop-notice.pdf").status_code == 200

"""Legal fidelity of the printed forms (issue 8 §4), read back from the real PDFs and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from isogov.accounts.models import Unit, User
from isogov.dossiers import services
from isogov.dossiers.models import Dossier

from .conftest import act, at, intake
from .test_documents import build_handled

pytestmark = pytest.mark.django_db

REGISTER_XLSX = {"year": 2026, "format": "xlsx"}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def form(client: Client, dossier: Dossier, name: str) -> str:
    response = client.get(f"/dossiers/{dossier.code}/forms/{name}.pdf")
    assert response.status_code == 200, response.content[:300]
    return pdf_text(response.content)


def register_rows(client: Client) -> dict[str, dict[str, Any]]:
    """The XLSX register's rows as {dossier code: {heading: value}}."""
    response = client.get("/dossiers/register/", REGISTER_XLSX)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[2]
    return {row[1]: dict(zip(headings, row, strict=True)) for row in rows[3:]}


def received(desk: Any, when: dt.datetime, **applicant: str) -> Dossier:
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, **applicant))


def with_supplement(desk: Any, items: list[str]) -> Dossier:
    """Received Mon 2/3/2026 08:00, transferred 09:00, supplement requested 10:00."""
    dossier = received(desk, at(3, 2, 8))
    act(at(3, 2, 9), services.dossier_step_complete, dossier, None)
    return act(
        at(3, 2, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu giấy tờ chứng minh điều kiện",
        items=items,
    )


# --- item 3: an apology does not rewrite history ---------------------------------------------


def test_register_shows_the_original_appointment_and_the_apology_under_notes(
    client: Client, desk: Any
) -> None:
    handled = build_handled(desk)
    client.force_login(desk.user("motcua"))
    row = register_rows(client)[handled.code]
    # The receipt's appointment (16:00 Wed 25/2, see test_documents), not the apology's 27/2.
    assert row["Hẹn trả kết quả"] == dt.datetime(2026, 2, 25, 16, 0)
    assert row["Ghi chú"] == "Hẹn lại: 16:00 27/02/2026 (phiếu xin lỗi ngày 23/02/2026)"
    text = pdf_text(client.get("/dossiers/register/", {"year": 2026, "format": "pdf"}).content)
    assert "Hẹn lại: 16:00 27/02/2026 (phiếu xin lỗi ngày 23/02/2026)" in text
    assert "16:00 25/02/2026" in text


def test_control_sheet_keeps_the_original_appointment_and_names_the_applicant(
    client: Client, desk: Any
) -> None:
    handled = build_handled(desk)
    client.force_login(desk.user("motcua"))
    text = form(client, handled, "control-sheet")
    assert "Thời gian hẹn trả kết quả: 16 giờ 00 phút, ngày 25 tháng 02 năm 2026" in text
    assert "Ghi chú: Hẹn lại: 16:00 27/02/2026 (phiếu xin lỗi ngày 23/02/2026)" in text
    assert "Tổ chức, cá nhân: Nguyễn Thị Hồng Nhung" in text
    # The lead unit, not the desk that holds the returned dossier now.
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Báo chí – Xuất bản" in text


def test_receipt_keeps_the_issued_appointment_while_the_clock_is_stopped(
    client: Client, desk: Any
) -> None:
    dossier = with_supplement(desk, ["Đơn đề nghị (theo mẫu)"])
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "receipt")
    # 3 working days (24 h) from Mon 2/3 08:00 with 07:30–11:30, 13:00–17:00: 7.5 h on Monday,
    # 8 h on Tuesday and Wednesday, the last half hour on Thursday: 08:00 on 5/3.
    assert (
        "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 05 tháng 3 năm 2026"
        in text
    )


# --- item 6: the register's columns ----------------------------------------------------------


def test_register_names_the_lead_unit_and_the_transfer_and_return_dates(
    client: Client, desk: Any
) -> None:
    handled = build_handled(desk)
    client.force_login(desk.user("motcua"))
    row = register_rows(client)[handled.code]
    assert row["Số lượng hồ sơ (bộ)"] == 1
    # The first counted step outside the desk is Phòng Báo chí – Xuất bản's (CFS step 2),
    # although the returned dossier now sits at the desk.
    assert row["Cơ quan chủ trì giải quyết"] == "Phòng Báo chí – Xuất bản"
    assert row["Nhận hồ sơ"] == dt.datetime(2026, 2, 13, 16, 0)
    assert row["Chuyển hồ sơ đến cơ quan giải quyết"] == dt.datetime(2026, 2, 23, 8, 0)
    # The return step (8, "Trả kết quả") started when step 7 finished.
    assert row["Nhận kết quả từ cơ quan giải quyết"] == dt.datetime(2026, 2, 25, 15, 0)
    assert row["Trả kết quả"] == dt.datetime(2026, 2, 26, 9, 0)


def test_register_leaves_the_appointment_blank_while_the_clock_is_stopped(
    client: Client, desk: Any
) -> None:
    dossier = with_supplement(desk, ["Đơn đề nghị (theo mẫu)"])
    assert dossier.promised_due_at is None  # the clock is stopped
    client.force_login(desk.user("motcua"))
    row = register_rows(client)[dossier.code]
    assert row["Nhận hồ sơ"] == dt.datetime(2026, 3, 2, 8, 0)
    assert row["Hẹn trả kết quả"] is None  # never the receipt time
    assert row["Ghi chú"] == "Dừng tính thời gian từ 02/03/2026 (chờ bổ sung hồ sơ)"
    assert row["Chuyển hồ sơ đến cơ quan giải quyết"] == dt.datetime(2026, 3, 2, 9, 0)
    assert row["Nhận kết quả từ cơ quan giải quyết"] is None
    assert row["Trả kết quả"] is None
    text = pdf_text(client.get("/dossiers/register/", {"year": 2026, "format": "pdf"}).content)
    # Received 08:00 02/03/2026; transferred 09:00: no other date may stand for the appointment.
    assert text.count("02/03/2026") == 3  # received, transferred, and the note


# --- item 5: form 02 prints the real counts and the officer to contact -----------------------


def test_supplement_request_prints_the_catalogue_counts_and_the_officer_to_call(
    client: Client, desk: Any
) -> None:
    User.objects.filter(username="truongphong").update(phone="0225 3 842 111")
    dossier = with_supplement(
        desk,
        [
            "Đơn đề nghị (theo mẫu)",  # the pinned version: 1 original, 0 copies
            "giấy tờ chứng minh đủ điều kiện theo quy định",  # 0 originals, 1 copy
            "Bản sao giấy phép xuất bản",  # not in the version's list: no count
        ],
    )
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "supplement-request")
    assert "1 Đơn đề nghị (theo mẫu) 01 - -" in text
    assert "2 giấy tờ chứng minh đủ điều kiện theo quy định - 01 -" in text
    assert "3 Bản sao giấy phép xuất bản Lý do" in text  # three blank count cells
    assert "liên hệ với Lê Văn Trưởng, số điện thoại 0225 3 842 111 để được hướng dẫn" in text


def test_supplement_request_falls_back_to_the_agency_phone(client: Client, desk: Any) -> None:
    desk.department.phone = "0225 3 822 222"
    desk.department.save(update_fields=["phone"])
    dossier = with_supplement(desk, ["Đơn đề nghị (theo mẫu)"])
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "supplement-request")
    assert "liên hệ với Lê Văn Trưởng, số điện thoại 0225 3 822 222 để được" in text


# --- item 4: the refusal after appraisal is the agency's -------------------------------------


def test_refusal_after_appraisal_is_the_agencys_refusal_with_reasons(
    client: Client, desk: Any
) -> None:
    dossier = received(desk, at(3, 2, 8))
    act(at(3, 2, 9), services.dossier_step_complete, dossier, None)
    act(
        at(3, 3, 10),
        services.dossier_refuse,
        dossier,
        None,
        reason="Sản phẩm không thuộc danh mục được cấp CFS\nThiếu giấy phép xuất bản",
    )
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "refusal")
    assert "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text
    assert "TIẾP NHẬN GIẢI QUYẾT" not in text  # not the desk's form
    assert "không tiếp nhận" not in text
    assert "Sau khi thẩm định hồ sơ" in text
    assert "thông báo không giải quyết hồ sơ này với lý do cụ thể như sau" in text
    assert "1. Sản phẩm không thuộc danh mục được cấp CFS" in text
    assert "2. Thiếu giấy phép xuất bản" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text and "Trần Thị Lãnh" in text  # the leader signs
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in text
    assert "Hải Phòng, ngày 03 tháng 3 năm 2026" in text


def test_refusal_at_intake_stays_the_desks_form(client: Client, desk: Any) -> None:
    with time_machine.travel(at(3, 2, 8), tick=False):
        refused = services.dossier_intake_refuse(
            actor=desk.user("motcua"), data=intake(desk), reason="Không thuộc thẩm quyền"
        )
    client.force_login(desk.user("motcua"))
    text = form(client, refused, "refusal")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Phạm Thị Một" in text


# --- item 2: the stop notice after an automatic closure --------------------------------------


def closed_unanswered(desk: Any, when: dt.datetime) -> Dossier:
    dossier = with_supplement(desk, ["Đơn đề nghị (theo mẫu)"])
    with time_machine.travel(when, tick=False):
        services.dossier_close_unanswered(code=dossier.code)
    dossier.refresh_from_db()
    return dossier


def test_stop_notice_after_an_automatic_closure_cites_the_unanswered_request(
    client: Client, desk: Any
) -> None:
    # Requested Mon 2/3 10:00; 15 days have run out by Wed 18/3 10:00, a working day.
    dossier = closed_unanswered(desk, at(3, 18, 10))
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "stop-notice")
    assert "nhận được đề nghị dừng" not in text  # the applicant asked for nothing
    assert (
        "Ngày 02 tháng 3 năm 2026, Sở Khoa học và Công nghệ thành phố Hải Phòng đã gửi "
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in text
    )
    assert "Đã quá 15 ngày kể từ ngày yêu cầu bổ sung, hoàn thiện hồ sơ" in text
    assert "Hải Phòng, ngày 18 tháng 3 năm 2026" in text
    assert "kể từ ngày 18 tháng 3 năm 2026" in text
    # No one acted: the head of the agency signs.
    assert "THỦ TRƯỞNG CƠ QUAN" in text and "Trần Thị Lãnh" in text


def test_stop_notice_of_a_closure_is_dated_on_the_working_day_it_closed(
    client: Client, desk: Any
) -> None:
    # The job never closes on a day off (test_legal_clock): the period ran out during the
    # weekend of 21–22/3/2026, and the closure came on Monday 23/3.
    dossier = closed_unanswered(desk, at(3, 23, 9))
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "stop-notice")
    assert "Hải Phòng, ngày 23 tháng 3 năm 2026" in text
    assert "kể từ ngày 23 tháng 3 năm 2026" in text
    assert "21 tháng 3" not in text


def test_stop_notice_at_the_applicants_request_still_says_so(client: Client, desk: Any) -> None:
    dossier = received(desk, at(3, 2, 8))
    officer = desk.user("motcua")
    act(at(3, 2, 9), services.dossier_request_withdrawal, dossier, None, reason="Xin rút")
    act(at(3, 2, 10), services.dossier_stop, dossier, None, reason="Dừng theo đề nghị")
    client.force_login(officer)
    text = form(client, dossier, "stop-notice")
    assert "Vào 09 giờ 00 phút, ngày 02 tháng 3 năm 2026, " in text
    assert "nhận được đề nghị dừng giải quyết hồ sơ" in text
    assert "Đã quá" not in text


# --- item 7: the control sheet lists the consulted units -------------------------------------


def test_control_sheet_lists_each_opinion_with_its_due_time_and_outcome(
    client: Client, desk: Any
) -> None:
    dossier = received(desk, at(3, 2, 8))
    act(at(3, 2, 9), services.dossier_step_complete, dossier, None)
    unit = Unit.objects.get(agency=desk.department, code="BCVT")
    act(
        at(3, 2, 10),
        services.dossier_request_opinion,
        dossier,
        None,
        unit=unit,
        question="Ý kiến về tần số",
        allowance_value=Decimal("0.5"),
    )
    step = dossier.steps.get(kind="opinion")
    # Half a working day (4 h) from 10:00 Mon 2/3: 1.5 h to 11:30, 2.5 h from 13:00: 15:30.
    assert step.due_at == at(3, 2, 15, 30)
    # Answered at 16:00, half an hour after its due time: late.
    act(
        at(3, 2, 16),
        services.dossier_answer_opinion,
        dossier,
        None,
        step_id=step.pk,
        answer="Đồng ý",
    )
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "control-sheet")
    assert "Cơ quan phối hợp giải quyết hồ sơ: Phòng Bưu chính – Viễn thông" in text
    assert "Ý kiến của cơ quan, đơn vị phối hợp" in text
    assert (
        "Phòng Bưu chính – Viễn thông 10:00 02/03/2026 15:30 02/03/2026 16:00 02/03/2026 Quá hạn"
        in text
    )


# --- item 11: place name, "Không thu phí" ----------------------------------------------------


def test_receipt_puts_the_place_before_the_date_and_prints_no_fee_as_such(
    client: Client, desk: Any
) -> None:
    dossier = received(desk, at(3, 2, 8))
    client.force_login(desk.user("motcua"))
    text = form(client, dossier, "receipt")
    assert "Hải Phòng, ngày 02 tháng 3 năm 2026" in text
    # The CFS fee is 0 đồng with the note "Không thu phí": printed once, never "0 đồng".
    assert "Phí, lệ phí: Không thu phí" in text
    assert "0 đồng" not in text
    assert "Không thu phí (Không thu phí)" not in text
    with override_settings(PLACE_NAME="Thủy Nguyên"):
        assert "Thủy Nguyên, ngày 02 tháng 3 năm 2026" in form(client, dossier, "receipt")


# --- §5: the register's year -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "named"),
    [
        ("-1", "-1"),
        ("1", "1"),
        ("10000", "10000"),
        ("12345678901234567890", "12345678901234567890"),
        ("abc", "abc"),
        ("2026.5", "2026.5"),
    ],
    ids=["negative", "one", "five-digits", "twenty-digits", "letters", "decimal"],
)
@pytest.mark.parametrize("export", ["", "pdf", "xlsx"])
def test_register_rejects_an_impossible_year_with_400_naming_it(
    client: Client, desk: Any, year: str, named: str, export: str
) -> None:
    client.force_login(desk.user("motcua"))
    with time_machine.travel(at(3, 2, 8), tick=False):
        response = client.get("/dossiers/register/", {"year": year, "format": export})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Năm {named} nằm ngoài" in body or f"“{named}”" in body
    assert "2018–2027" in body or "ví dụ 2026" in body


@pytest.mark.parametrize("year", [2017, 2000])
def test_register_before_the_first_rule_set_is_a_clear_400(
    client: Client, desk: Any, year: int
) -> None:
    client.force_login(desk.user("motcua"))
    response = client.get("/dossiers/register/", {"year": year, "format": "xlsx"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Không có sổ theo dõi hồ sơ năm {year}" in body
    assert "bắt đầu từ năm 2018" in body


def test_register_of_the_first_rule_set_year_and_of_next_year_open(
    client: Client, desk: Any
) -> None:
    client.force_login(desk.user("motcua"))
    with time_machine.travel(at(3, 2, 8), tick=False):
        assert client.get("/dossiers/register/", {"year": 2018}).status_code == 200
        assert client.get("/dossiers/register/", {"year": 2027}).status_code == 200
        assert client.get("/dossiers/register/", {"year": 2028}).status_code == 400


def test_public_catalogue_prints_no_fee_once(client: Client, desk: Any) -> None:
    # The CFS fee: 0 đồng with the note "Không thu phí".
    html = client.get("/thu-tuc/1.014464/").content.decode()
    assert "Phí, lệ phí: Không thu phí" in html
    assert "Không thu phí (Không thu phí)" not in html


def test_apology_and_stop_notice_print_their_outgoing_numbers(client: Client, desk: Any) -> None:
    handled = build_handled(desk)
    extension = handled.extensions.get()
    assert extension.outgoing_label.startswith("1/")  # the year's first outgoing document
    client.force_login(desk.user("motcua"))
    assert f"Số: {extension.outgoing_label}" in form(client, handled, "apology")
    stopped = received(desk, at(3, 2, 8))
    act(at(3, 2, 9), services.dossier_request_withdrawal, stopped, None, reason="Xin rút")
    act(at(3, 2, 10), services.dossier_stop, stopped, None, reason="Dừng theo đề nghị")
    stopped.refresh_from_db()
    assert stopped.stop_label.startswith("2/")  # one register for both kinds
    assert f"Số: {stopped.stop_label}" in form(client, stopped, "stop-notice")

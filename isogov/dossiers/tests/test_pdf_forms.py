"""The one-stop forms rendered as real PDFs and read back with pypdf; the register as XLSX."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from isogov.core.documents.pdf import qr_png
from isogov.core.documents.text import vn_date, vn_datetime, vnd_text
from isogov.dossiers.pdf import (
    NO_STOP_NOTICE,
    AgencyHeader,
    ApologyData,
    Applicant,
    ControlSheetData,
    FeeLine,
    HandoverRow,
    PaperLine,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementItem,
    SupplementRequestData,
    fee_text,
    render_apology,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
)
from isogov.dossiers.register import RegisterData, RegisterRow, register_xlsx, render_register_pdf

UTC = dt.UTC
A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)

PERSON = "Nguyễn Thị Hồng Nhung"
COMPANY = "Công ty TNHH Đầu tư Phát triển Hải Phòng"
CODE = "000.00.15.H26-260213-0007"
# 16:00 in Vietnam (UTC+7) is 09:00 UTC.
RECEIVED_AT = dt.datetime(2026, 2, 13, 9, 0, tzinfo=UTC)
APPOINTMENT_AT = dt.datetime(2026, 2, 25, 9, 0, tzinfo=UTC)
APPOINTMENT_TEXT = "16 giờ 00 phút, ngày 25 tháng 02 năm 2026"

HEADER = AgencyHeader(
    parent_name="Ủy ban nhân dân thành phố Hải Phòng",
    agency_name="Sở Kế hoạch và Đầu tư",
    place="Hải Phòng",
)


def text_of(pdf: bytes, page: int | None = None) -> str:
    """The extracted text, NFC and with runs of whitespace folded to one space."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages if page is None else [reader.pages[page]]
    raw = " ".join(p.extract_text() for p in pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def page_size(pdf: bytes, page: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[page].mediabox
    return float(box.width), float(box.height)


def embedded_font_files(pdf: bytes) -> list[str]:
    """Base names of the fonts on page 1 that carry an embedded TrueType program."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    names = []
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor_owner = descendants[0].get_object() if descendants else font
        descriptor = descriptor_owner["/FontDescriptor"].get_object()
        if "/FontFile2" in descriptor:
            names.append(str(font["/BaseFont"]))
    return names


def image_count(pdf: bytes, page: int = 0) -> int:
    resources = PdfReader(io.BytesIO(pdf)).pages[page]["/Resources"]
    xobjects = resources.get("/XObject", {})
    return sum(1 for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image")


def assert_a5(pdf: bytes) -> None:
    width, height = page_size(pdf)
    assert width == pytest.approx(A5[0], abs=1)
    assert height == pytest.approx(A5[1], abs=1)


def receipt(**overrides: object) -> ReceiptData:
    values: dict[str, object] = {
        "header": HEADER,
        "number": "07/TNHS",
        "dossier_code": CODE,
        "applicant": Applicant(
            name=PERSON,
            address="Số 12 đường Lạch Tray, phường Ngô Quyền, thành phố Hải Phòng",
            phone="0912 345 678",
            email="nhung@example.vn",
            id_number="031190001234",
        ),
        "request": "Đăng ký thành lập doanh nghiệp tư nhân",
        "papers": [
            PaperLine("Giấy đề nghị đăng ký doanh nghiệp", originals=1, copies=0),
            PaperLine("Bản sao giấy tờ pháp lý của chủ doanh nghiệp tư nhân", 0, 1),
        ],
        "sets": 1,
        "legal_time_text": "03 ngày làm việc",
        "received_at": RECEIVED_AT,
        "appointment_at": APPOINTMENT_AT,
        "return_place": "Bộ phận Một cửa, Sở Kế hoạch và Đầu tư, số 1 Đinh Tiên Hoàng",
        "fees": [
            FeeLine("Lệ phí đăng ký doanh nghiệp", 1_500_000),
            FeeLine("Phí công bố thông tin", None),
        ],
        "register_book": "01/2026",
        "register_line": "0042",
        "officer_name": "Trần Văn Đức",
        "lookup_url": "https://dichvucong.haiphong.gov.vn/tra-cuu?ma=" + CODE,
    }
    values.update(overrides)
    return ReceiptData(**values)  # type: ignore[arg-type]


def supplement_request() -> SupplementRequestData:
    return SupplementRequestData(
        header=HEADER,
        number="03/YCBS",
        dossier_code=CODE,
        applicant=Applicant(name=COMPANY, address="Lô A2, KCN Đình Vũ", phone="0225 3 123 456"),
        request="Cấp giấy chứng nhận đăng ký đầu tư",
        items=[
            SupplementItem("Báo cáo năng lực tài chính của nhà đầu tư", 1, 0, 0),
            SupplementItem("Bản sao hợp đồng thuê đất", 0, 1, 2),
        ],
        reason="Hồ sơ thiếu báo cáo tài chính năm gần nhất.",
        helpline="bà Lê Thu Hà, số điện thoại 0225 3 842 111",
        officer_name="Lê Thu Hà",
        issued_at=RECEIVED_AT,
    )


def refusal() -> RefusalData:
    return RefusalData(
        header=HEADER,
        number="02/TC",
        dossier_code=CODE,
        applicant=Applicant(name=PERSON, address="Hải Phòng"),
        request="Đăng ký hộ kinh doanh",
        reasons=[
            "Thủ tục không thuộc thẩm quyền giải quyết của Sở.",
            "Đề nghị Ông/Bà nộp hồ sơ tại Ủy ban nhân dân phường nơi đặt trụ sở.",
        ],
        officer_name="Trần Văn Đức",
        issued_at=RECEIVED_AT,
    )


def apology() -> ApologyData:
    return ApologyData(
        header=HEADER,
        number="15/XL-SKHĐT",
        addressee=PERSON,
        received_at=RECEIVED_AT,
        dossier_code=CODE,
        original_appointment=dt.datetime(2026, 2, 20, 9, 0, tzinfo=UTC),
        reason="Cần xác minh thông tin với cơ quan thuế.",
        new_appointment=APPOINTMENT_AT,
        signer_title="Giám đốc",
        signer_name="Phạm Quốc Hưng",
        issued_at=dt.datetime(2026, 2, 18, 2, 0, tzinfo=UTC),
    )


def stop_notice() -> StopNoticeData:
    return StopNoticeData(
        header=HEADER,
        number="04/TB-SKHĐT",
        dossier_code=CODE,
        applicant=Applicant(name=COMPANY, address="Lô A2, KCN Đình Vũ"),
        request="Cấp giấy chứng nhận đăng ký đầu tư",
        requested_at=dt.datetime(2026, 2, 16, 3, 30, tzinfo=UTC),
        reason="Nhà đầu tư đề nghị dừng để điều chỉnh phương án đầu tư.",
        signer_title="Giám đốc",
        signer_name="Phạm Quốc Hưng",
        issued_at=dt.datetime(2026, 2, 17, 2, 0, tzinfo=UTC),
    )


OUTCOMES = ("early", "on_time", "late")


def control_sheet(rows: int = 3) -> ControlSheetData:
    return ControlSheetData(
        header=HEADER,
        dossier_code=CODE,
        received_at=RECEIVED_AT,
        appointment_at=APPOINTMENT_AT,
        handling_unit="Phòng Đăng ký kinh doanh",
        coordinating_units=["Cục Thuế thành phố Hải Phòng"],
        rows=[
            HandoverRow(
                from_unit="Bộ phận Tiếp nhận và Trả kết quả" if i % 2 == 0 else "Phòng ĐKKD",
                to_unit="Phòng Đăng ký kinh doanh" if i % 2 == 0 else "Lãnh đạo Sở",
                handed_at=RECEIVED_AT + dt.timedelta(hours=i),
                from_person=PERSON,
                to_person="Trần Văn Đức",
                outcome=OUTCOMES[i % 3],  # type: ignore[arg-type]
                note=f"Bước thứ {i + 1}",
            )
            for i in range(rows)
        ],
    )


def register(rows: int = 3) -> RegisterData:
    return RegisterData(
        agency_name="Sở Kế hoạch và Đầu tư thành phố Hải Phòng",
        year=2026,
        rows=[
            RegisterRow(
                line=i + 1,
                dossier_code=f"000.00.15.H26-260213-{i + 1:04d}",
                procedure="Đăng ký thành lập doanh nghiệp tư nhân",
                sets=1,
                applicant=COMPANY if i % 2 else PERSON,
                address_phone="Số 12 Lạch Tray, Hải Phòng; 0912 345 678",
                lead_agency="Phòng Đăng ký kinh doanh",
                received_at=RECEIVED_AT,
                appointment_at=APPOINTMENT_AT,
                transferred_at=RECEIVED_AT + dt.timedelta(hours=1),
                result_back_at=APPOINTMENT_AT if i % 2 else None,
                returned_at=APPOINTMENT_AT if i % 2 else None,
                how_collected="Trực tiếp",
                note="",
            )
            for i in range(rows)
        ],
    )


# --- Text helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 2, 25, 9, 0, tzinfo=UTC), APPOINTMENT_TEXT),
        # 20:05 UTC on 2 March is 03:05 on 3 March in Vietnam.
        (dt.datetime(2026, 3, 2, 20, 5, tzinfo=UTC), "03 giờ 05 phút, ngày 03 tháng 3 năm 2026"),
        # Naive datetimes are taken as Vietnam time, as everywhere else (core.clock.to_local).
        (dt.datetime(2026, 12, 1, 7, 30), "07 giờ 30 phút, ngày 01 tháng 12 năm 2026"),
    ],
    ids=["utc-shown-in-vietnam-time", "crosses-midnight-month-3-no-zero", "naive-is-local"],
)
def test_vn_datetime_prints_vietnam_local_time(value: dt.datetime, expected: str) -> None:
    assert vn_datetime(value) == expected


def test_vn_date_pads_days_and_the_first_two_months() -> None:
    # Decree 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading zero.
    assert vn_date(dt.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert vn_date(dt.date(2026, 11, 9)) == "ngày 09 tháng 11 năm 2026"


def test_money_prints_dong_with_dot_grouping() -> None:
    assert vnd_text(1_500_000) == "1.500.000 đồng"
    assert vnd_text(0) == "0 đồng"
    assert fee_text(FeeLine("Lệ phí", None)) == "Theo quy định"
    assert fee_text(FeeLine("Lệ phí", None, note="Miễn phí")) == "Miễn phí"


def test_a_fee_of_zero_prints_no_fee_once() -> None:
    assert fee_text(FeeLine("Phí, lệ phí", 0)) == "Không thu phí"
    assert fee_text(FeeLine("Phí, lệ phí", 0, note="Không thu phí")) == "Không thu phí"
    assert fee_text(FeeLine("Lệ phí", 0, note="Miễn cho hộ nghèo")) == (
        "Không thu phí (Miễn cho hộ nghèo)"
    )
    assert fee_text(FeeLine("Lệ phí", 50_000, note="Nộp trực tuyến")) == (
        "50.000 đồng (Nộp trực tuyến)"
    )


# --- The forms ------------------------------------------------------------------------------


def test_receipt_prints_title_code_applicant_appointment_and_fees() -> None:
    pdf = render_receipt(receipt())
    text = text_of(pdf)
    assert "Mẫu số 01" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" in text
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text
    assert CODE in text
    assert PERSON in text
    assert "Bản sao giấy tờ pháp lý của chủ doanh nghiệp tư nhân" in text
    assert "16 giờ 00 phút, ngày 13 tháng 02 năm 2026" in text  # received
    assert APPOINTMENT_TEXT in text
    assert "Hải Phòng, ngày 13 tháng 02 năm 2026" in text
    assert "1.500.000 đồng" in text
    assert "Theo quy định" in text
    assert "Quyển số: 01/2026, Số thứ tự: 0042" in text
    assert "Trần Văn Đức" in text


def test_receipt_is_one_a5_page_with_embedded_fonts_and_a_qr_image() -> None:
    pdf = render_receipt(receipt())
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert_a5(pdf)
    fonts = embedded_font_files(pdf)
    # Subset names, e.g. "/MPDFAA+DejaVuSansBook" and "/MPDFAA+DejaVuSansBold".
    assert any(name.endswith("DejaVuSansBook") for name in fonts)
    assert any(name.endswith("DejaVuSansBold") for name in fonts)
    assert image_count(pdf) == 1


def test_receipt_prints_decomposed_input_as_precomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", PERSON)
    assert decomposed != PERSON
    pdf = render_receipt(receipt(applicant=Applicant(name=decomposed)))
    raw = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert PERSON in raw


def test_receipt_without_lookup_url_has_no_qr() -> None:
    assert image_count(render_receipt(receipt(lookup_url=""))) == 0


def qr_images(pdf: bytes, page: int = 0) -> list[tuple[int, int, bytes]]:
    """The page's images as (width, height, one byte per pixel, black or white), left to right."""
    reader = PdfReader(io.BytesIO(pdf))
    images = []
    for image in reader.pages[page].images:
        grey = image.image.convert("L")
        images.append(
            (grey.width, grey.height, bytes(0 if v < 128 else 255 for v in grey.tobytes()))
        )
    return images


def qr_of(url: str) -> tuple[int, int, bytes]:
    grey = Image.open(qr_png(url)).convert("L")
    return grey.width, grey.height, bytes(0 if v < 128 else 255 for v in grey.tobytes())


def test_receipt_prints_the_rating_qr_code_beside_the_lookup_qr_code() -> None:
    rating = "https://dichvucong.haiphong.gov.vn/danh-gia/AbC-123_xyz/"
    pdf = render_receipt(receipt(rating_url=rating))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    images = qr_images(pdf)
    # Both QR codes, pixel for pixel the codes of the two links.
    assert sorted(images) == sorted([qr_of(rating), qr_of(receipt().lookup_url)])
    text = text_of(pdf)
    assert "Đánh giá" in text and "Tra cứu" in text
    assert f"Đánh giá sau khi nhận kết quả: {rating}" in text


def test_receipt_with_many_papers_flows_onto_numbered_pages_with_the_heading_repeated() -> None:
    papers = [
        PaperLine(f"Giấy tờ số {i}: bản kê khai chi tiết tài sản " + "rất dài " * 8, 1, 1)
        for i in range(40)
    ]
    pdf = render_receipt(receipt(papers=papers))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for index in range(len(pages) - 1):  # the last page may hold only the signatures
        page_text = text_of(pdf, index)
        assert "Tên giấy tờ" in page_text
        assert f"Trang {index + 1}/{len(pages)}" in page_text
    assert "Giấy tờ số 39" in text_of(pdf)
    assert APPOINTMENT_TEXT in text_of(pdf)


def test_supplement_request_prints_items_reason_and_helpline() -> None:
    pdf = render_supplement_request(supplement_request())
    text = text_of(pdf)
    assert "Mẫu số 02" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert CODE in text
    assert COMPANY in text
    assert "Bản sao chứng thực" in text
    assert "Báo cáo năng lực tài chính của nhà đầu tư" in text
    assert "Hồ sơ thiếu báo cáo tài chính năm gần nhất." in text
    assert "bà Lê Thu Hà, số điện thoại 0225 3 842 111" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
    assert_a5(pdf)
    assert embedded_font_files(pdf)


def test_refusal_prints_each_reason() -> None:
    pdf = render_refusal(refusal())
    text = text_of(pdf)
    assert "Mẫu số 03" in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert CODE in text
    assert PERSON in text
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau" in text
    assert "1. Thủ tục không thuộc thẩm quyền giải quyết của Sở." in text
    assert "2. Đề nghị Ông/Bà nộp hồ sơ" in text
    assert_a5(pdf)
    assert embedded_font_files(pdf)


def test_apology_under_circular_01_2018_promises_the_new_appointment() -> None:
    pdf = render_apology(apology())
    text = text_of(pdf)
    assert "Mẫu số 04" in text
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "ĐỀ NGHỊ GIA HẠN" not in text
    assert CODE in text
    assert PERSON in text
    assert "16 giờ 00 phút, ngày 20 tháng 02 năm 2026" in text  # the original appointment
    assert APPOINTMENT_TEXT in text  # the new one
    assert "Cần xác minh thông tin với cơ quan thuế." in text
    assert "GIÁM ĐỐC" in text
    assert "Phạm Quốc Hưng" in text
    assert "Hải Phòng, ngày 18 tháng 02 năm 2026" in text
    assert_a5(pdf)
    assert embedded_font_files(pdf)


def test_apology_under_circular_03_2025_is_also_an_extension_request() -> None:
    pdf = render_apology(apology(), form_set="tt03-2025")
    text = text_of(pdf)
    assert "Mẫu số 04" in text
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "PHIẾU XIN LỖI" not in text
    assert "đề nghị gia hạn thời gian giải quyết hồ sơ" in text
    assert APPOINTMENT_TEXT in text


def test_stop_notice_is_form_05_of_circular_03_2025() -> None:
    pdf = render_stop_notice(stop_notice(), form_set="tt03-2025")
    text = text_of(pdf)
    assert "Mẫu số 05" in text
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert CODE in text
    assert COMPANY in text
    assert "10 giờ 30 phút, ngày 16 tháng 02 năm 2026" in text  # the applicant's request
    assert "Nhà đầu tư đề nghị dừng để điều chỉnh phương án đầu tư." in text
    assert_a5(pdf)
    assert embedded_font_files(pdf)


def test_stop_notice_after_a_closure_cites_the_request_and_not_the_applicant() -> None:
    data = StopNoticeData(
        **{
            **stop_notice().__dict__,
            "requested_at": None,
            "reason": "Không bổ sung, hoàn thiện hồ sơ theo yêu cầu trong thời hạn quy định.",
            "supplement_requested_at": dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
            "unanswered_days": 15,
        }
    )
    text = text_of(render_stop_notice(data, form_set="tt03-2025"))
    assert "nhận được đề nghị dừng" not in text
    assert "Ngày 02 tháng 3 năm 2026, Sở Kế hoạch và Đầu tư đã gửi Phiếu yêu cầu bổ sung" in text
    assert "Đã quá 15 ngày kể từ ngày yêu cầu bổ sung, hoàn thiện hồ sơ" in text


def test_supplement_item_of_unknown_count_prints_no_count() -> None:
    data = SupplementRequestData(
        **{**supplement_request().__dict__, "items": [SupplementItem("Giấy lạ", None, None, None)]}
    )
    text = text_of(render_supplement_request(data))
    assert "1 Giấy lạ Lý do" in text
    assert "01" not in text.split("Giấy lạ")[1].split("Lý do")[0]


def test_stop_notice_does_not_exist_under_circular_01_2018() -> None:
    with pytest.raises(ValueError, match=NO_STOP_NOTICE.split(";")[0]):
        render_stop_notice(stop_notice(), form_set="tt01-2018")


def test_unknown_form_set_is_refused() -> None:
    with pytest.raises(ValueError):
        render_receipt(receipt(), form_set="tt99-2030")


@pytest.mark.parametrize(
    ("form_set", "number"), [("tt01-2018", "05"), ("tt03-2025", "06")], ids=["01-2018", "03-2025"]
)
def test_control_sheet_prints_outcomes_in_vietnamese(form_set: str, number: str) -> None:
    pdf = render_control_sheet(control_sheet(), form_set=form_set)
    text = text_of(pdf)
    assert f"Mẫu số {number}" in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert CODE in text
    assert PERSON in text
    assert APPOINTMENT_TEXT in text
    assert "Cục Thuế thành phố Hải Phòng" in text
    for outcome in ("Trước hạn", "Đúng hạn", "Quá hạn"):
        assert outcome in text.replace("Trước hạn/ Đúng hạn/ Quá hạn", "")
    assert_a5(pdf)
    assert embedded_font_files(pdf)


def test_long_control_sheet_repeats_the_table_heading_on_every_page() -> None:
    pdf = render_control_sheet(control_sheet(rows=60))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for index in range(len(pages)):
        page_text = text_of(pdf, index)
        assert "THỜI GIAN GIAO, NHẬN HỒ SƠ" in page_text
        assert CODE in page_text  # continuation pages name the dossier
        assert f"Trang {index + 1}/{len(pages)}" in page_text
    assert "Bước thứ 60" in text_of(pdf)


def test_control_sheet_refuses_an_unknown_outcome() -> None:
    data = control_sheet(rows=1)
    bad = ControlSheetData(
        **{**data.__dict__, "rows": [HandoverRow("A", "B", RECEIVED_AT, outcome="soon")]}  # type: ignore[arg-type]
    )
    with pytest.raises(ValueError, match="unknown handover outcome"):
        render_control_sheet(bad)


def test_short_forms_carry_no_page_numbers() -> None:
    assert "Trang 1/1" not in text_of(render_control_sheet(control_sheet()))


# --- The register ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_set", "number"), [("tt01-2018", "06"), ("tt03-2025", "07")], ids=["01-2018", "03-2025"]
)
def test_register_pdf_is_a4_landscape_with_its_rows(form_set: str, number: str) -> None:
    pdf = render_register_pdf(register(), form_set=form_set)
    width, height = page_size(pdf)
    assert width == pytest.approx(A4_LANDSCAPE[0], abs=1)
    assert height == pytest.approx(A4_LANDSCAPE[1], abs=1)
    text = text_of(pdf)
    assert f"Mẫu số {number}" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Năm 2026" in text
    assert "000.00.15.H26-260213-0003" in text
    assert COMPANY in text
    assert PERSON in text
    assert "25/02/2026" in text
    assert "Trang 1/1" in text  # Circular 01/2018 art. 10: register pages are numbered
    assert embedded_font_files(pdf)


def test_long_register_repeats_the_heading_on_every_page() -> None:
    pdf = render_register_pdf(register(rows=80))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for index in range(len(pages)):
        assert "Tên thủ tục hành chính" in text_of(pdf, index)
    assert "000.00.15.H26-260213-0080" in text_of(pdf)


def test_register_xlsx_has_the_heading_row_and_one_row_per_line() -> None:
    data = register(rows=3)
    sheet = load_workbook(io.BytesIO(register_xlsx(data))).active
    assert sheet is not None
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ NĂM 2026"
    assert sheet["A2"].value == "Sở Kế hoạch và Đầu tư thành phố Hải Phòng"
    headings = [cell.value for cell in sheet[3]]
    assert headings[:5] == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên tổ chức, cá nhân",
    ]
    assert "Hẹn trả kết quả" in headings
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 3
    first, second = rows[0], rows[1]
    assert first[0] == 1
    assert first[1] == "000.00.15.H26-260213-0001"
    assert first[4] == PERSON
    assert second[4] == COMPANY
    # Vietnam wall-clock time: 09:00 UTC is 16:00 in Hà Nội.
    assert first[headings.index("Hẹn trả kết quả")] == dt.datetime(2026, 2, 25, 16, 0)
    assert first[headings.index("Trả kết quả")] is None
    assert second[headings.index("Trả kết quả")] == dt.datetime(2026, 2, 25, 16, 0)

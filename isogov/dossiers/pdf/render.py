"""The one-stop forms as PDF (fpdf2) and the register as XLSX (openpyxl). Pure: data in, bytes out.

Circular 01/2018/TT-VPCP art. 9 sets six forms, A5 except the register (A4); Circular 03/2025
appendix I sets seven (vn-one-stop-rules.md §1). The ``form_set`` argument picks the numbering and
titles; the wording follows the official templates. The printed text is the legal form's own
Vietnamese and is deliberately not translated.

The font (DejaVu Sans, regular and bold) ships in ``fonts/`` and is embedded, subset, in every PDF:
agency machines have neither the font nor a network.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import TableHeadingsDisplay
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from isogov.core.clock import to_local
from isogov.core.money import format_vnd
from isogov.dossiers.pdf.data import (
    DEFAULT_UNIT_NAME,
    AgencyHeader,
    ApologyData,
    Applicant,
    ControlSheetData,
    FeeLine,
    Outcome,
    ReceiptData,
    RefusalData,
    RegisterData,
    RegisterRow,
    StopNoticeData,
    SupplementRequestData,
)
from isogov.dossiers.rulesets import FormSet

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"

NO_STOP_NOTICE = "Circular 01/2018 has no stop notice; use the tt03-2025 form set."

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

OUTCOME_TEXT: dict[str, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "": "",
}


class Form(StrEnum):
    RECEIPT = "receipt"
    SUPPLEMENT_REQUEST = "supplement_request"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP_NOTICE = "stop_notice"
    CONTROL_SHEET = "control_sheet"
    REGISTER = "register"


_COMMON_TITLES: dict[Form, str] = {
    Form.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    Form.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    Form.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    Form.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    Form.REGISTER: "SỔ THEO DÕI HỒ SƠ",
}

# (form number, title) per form set. Circular 01/2018 art. 9 [L]; Circular 03/2025 appendix I
# [S]: only the titles of 04 and 05 are confirmed there, the others keep the 01/2018 wording [A].
FORMS: dict[FormSet, dict[Form, tuple[str, str]]] = {
    FormSet.CIRCULAR_01_2018: {
        Form.RECEIPT: ("01", _COMMON_TITLES[Form.RECEIPT]),
        Form.SUPPLEMENT_REQUEST: ("02", _COMMON_TITLES[Form.SUPPLEMENT_REQUEST]),
        Form.REFUSAL: ("03", _COMMON_TITLES[Form.REFUSAL]),
        Form.APOLOGY: ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        Form.CONTROL_SHEET: ("05", _COMMON_TITLES[Form.CONTROL_SHEET]),
        Form.REGISTER: ("06", _COMMON_TITLES[Form.REGISTER]),
    },
    FormSet.CIRCULAR_03_2025: {
        Form.RECEIPT: ("01", _COMMON_TITLES[Form.RECEIPT]),
        Form.SUPPLEMENT_REQUEST: ("02", _COMMON_TITLES[Form.SUPPLEMENT_REQUEST]),
        Form.REFUSAL: ("03", _COMMON_TITLES[Form.REFUSAL]),
        Form.APOLOGY: ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
        Form.STOP_NOTICE: ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        Form.CONTROL_SHEET: ("06", _COMMON_TITLES[Form.CONTROL_SHEET]),
        Form.REGISTER: ("07", _COMMON_TITLES[Form.REGISTER]),
    },
}


def form_number_and_title(form: Form, form_set: FormSet | str) -> tuple[str, str]:
    """``(Form.APOLOGY, "tt03-2025")`` → ``("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ …")``."""
    forms = FORMS[FormSet(form_set)]
    if form not in forms:
        raise ValueError(NO_STOP_NOTICE)
    return forms[form]


# --- Vietnamese text for times, dates and money ---------------------------------------------


def _day_month(day: int, month: int) -> str:
    # Decree 30/2020/NĐ-CP appendix I: days below 10 and the months 1 and 2 take a leading zero.
    month_text = f"{month:02d}" if month <= 2 else str(month)
    return f"ngày {day:02d} tháng {month_text}"


def vn_date(value: dt.date | dt.datetime) -> str:
    """``2026-02-13`` → ``"ngày 13 tháng 02 năm 2026"`` (a datetime is taken in Vietnam time)."""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return f"{_day_month(value.day, value.month)} năm {value.year}"


def vn_datetime(value: dt.datetime) -> str:
    """An instant as ``"16 giờ 00 phút, ngày 13 tháng 02 năm 2026"`` in Vietnam time."""
    local = to_local(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date(local)}"


def vn_short_datetime(value: dt.datetime) -> str:
    """``"16:00 13/02/2026"`` in Vietnam time, for narrow register columns."""
    return f"{to_local(value):%H:%M %d/%m/%Y}"


def vnd_text(amount: int) -> str:
    """``1500000`` → ``"1.500.000 đồng"``."""
    return format_vnd(amount, unit="đồng")


def fee_text(fee: FeeLine) -> str:
    if fee.amount_vnd is not None:
        return vnd_text(fee.amount_vnd)
    return fee.note or "Theo quy định"


def _nfc(text: str) -> str:
    # Text typed on some keyboards arrives decomposed (NFD); print the precomposed glyphs.
    return unicodedata.normalize("NFC", text)


# --- Layout ---------------------------------------------------------------------------------

BODY_PT = 9
LINE_MM = 4.6
TABLE_PT = 7.5
TABLE_LINE_MM = 3.5
HEADING_STYLE = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


class _Document(FPDF):
    """An fpdf2 document with the embedded font, the form number and optional page numbers."""

    def __init__(
        self,
        *,
        page_format: str,
        orientation: str,
        corner_label: str,
        title: str,
        number_pages: bool,
        continuation: str = "",
    ) -> None:
        # A5 as millimetres: fpdf2 2.8.5+ warns on the "A5" name because it fixed its size.
        size = (148, 210) if page_format == "A5" else page_format
        super().__init__(orientation=orientation, unit="mm", format=size)
        self.corner_label = corner_label
        self.number_pages = number_pages
        self.continuation = continuation
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        margin = 12 if page_format == "A5" else 10
        self.set_margins(left=margin, top=9, right=margin)
        self.set_auto_page_break(auto=True, margin=11)
        self.set_title(title)
        self.set_lang("vi")
        self.set_creator("isogov")
        self.add_page()
        self.set_font(FONT, size=BODY_PT)

    def header(self) -> None:
        # Page 1 carries the form number; later pages say what they continue.
        text = self.corner_label if self.page_no() == 1 else self.continuation
        if not text:
            return
        self.set_font(FONT, "B" if self.page_no() == 1 else "", 7)
        self.set_xy(self.l_margin, 4)
        self.cell(self.epw, 4, _nfc(text), align="R" if self.page_no() == 1 else "L")
        self.set_xy(self.l_margin, self.t_margin)
        self.set_font(FONT, size=BODY_PT)

    def footer(self) -> None:
        if not self.number_pages:
            return
        self.set_y(-9)
        self.set_font(FONT, size=7)
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="C")

    # Text helpers. Everything printed goes through _nfc.

    def runs(self, *parts: tuple[str, bool], size: float = BODY_PT) -> None:
        """One paragraph of (text, bold) runs, wrapped at the margins."""
        self.set_x(self.l_margin)
        for text, bold in parts:
            self.set_font(FONT, "B" if bold else "", size)
            self.write(LINE_MM * size / BODY_PT, _nfc(text))
        self.ln(LINE_MM * size / BODY_PT)
        self.set_font(FONT, size=BODY_PT)

    def field(self, label: str, value: str, *, bold: bool = False) -> None:
        self.runs((f"{label} ", False), (value or "………………", bold))

    def paragraph(self, text: str, *, bold: bool = False, align: str = "J") -> None:
        self.set_font(FONT, "B" if bold else "", BODY_PT)
        self.multi_cell(0, LINE_MM, _nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=BODY_PT)

    def centred(self, text: str, *, bold: bool = False, size: float = BODY_PT) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(
            0, LINE_MM * max(size, BODY_PT) / BODY_PT, _nfc(text), align="C", new_x="LMARGIN"
        )
        self.set_font(FONT, size=BODY_PT)

    def gap(self, mm: float = 1.5) -> None:
        self.ln(mm)

    def rule(self, x_centre: float, y: float, width: float) -> None:
        self.set_line_width(0.25)
        self.line(x_centre - width / 2, y, x_centre + width / 2, y)


def _render(
    build: Callable[[_Document], None],
    *,
    corner_label: str,
    title: str,
    page_format: str = "A5",
    orientation: str = "portrait",
    always_number_pages: bool = False,
    continuation: str = "",
) -> bytes:
    """Build the document; when it runs past one page, build it again with page numbers."""

    def attempt(number_pages: bool) -> _Document:
        document = _Document(
            page_format=page_format,
            orientation=orientation,
            corner_label=corner_label,
            title=title,
            number_pages=number_pages,
            continuation=continuation,
        )
        build(document)
        return document

    document = attempt(always_number_pages)
    if not always_number_pages and document.pages_count > 1:
        document = attempt(True)
    return bytes(document.output())


def _header_block(
    pdf: _Document,
    header: AgencyHeader,
    *,
    issuer: str,
    number: str | None,
    dated: dt.datetime | None,
) -> None:
    """Agency names left, national name and motto right; number and date under them.

    ``issuer`` is "unit" when the one-stop unit issues the form (its name in bold under the
    agency), "agency" when the head of the agency signs (agency in bold, unit left out).
    """
    top = pdf.get_y()
    size = 7.2 if pdf.epw < 150 else 9
    line = 3.5 if pdf.epw < 150 else 4.4
    # The right column is as wide as the national name; the agency names get the rest.
    pdf.set_font(FONT, "B", size)
    right_w = pdf.get_string_width(NATIONAL_NAME) + 3
    left_w = pdf.epw - right_w
    right_x = pdf.l_margin + left_w

    lines: list[tuple[str, bool]] = []
    if header.parent_name:
        lines.append((header.parent_name.upper(), False))
    if issuer == "unit" and header.unit_name:
        lines.append((header.agency_name.upper(), False))
        lines.append((header.unit_name.upper(), True))
    else:
        lines.append((header.agency_name.upper(), True))
    pdf.set_xy(pdf.l_margin, top)
    for text, bold in lines:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(left_w, line, _nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.rule(pdf.l_margin + left_w / 2, pdf.get_y() + 0.8, left_w * 0.35)
    pdf.set_y(pdf.get_y() + 2)
    if number is not None:
        pdf.set_font(FONT, "", size)
        pdf.multi_cell(left_w, line, _nfc(f"Số: {number}"), align="C", new_x="LMARGIN")
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(right_w, line, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", size + 0.5)
    pdf.multi_cell(right_w, line, NATIONAL_MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    pdf.rule(right_x + right_w / 2, pdf.get_y() + 0.6, pdf.get_string_width(NATIONAL_MOTTO))
    pdf.set_y(pdf.get_y() + 2)
    if dated is not None:
        date_line = vn_date(dated)
        if header.place:
            date_line = f"{header.place}, {date_line}"
        pdf.set_x(right_x)
        pdf.set_font(FONT, "", size)
        pdf.multi_cell(right_w, line, _nfc(date_line), align="C", new_x="LMARGIN")
    right_bottom = pdf.get_y()

    pdf.set_y(max(left_bottom, right_bottom) + 4)
    pdf.set_font(FONT, size=BODY_PT)


def _balanced_lines(pdf: _Document, text: str) -> str:
    """A title too wide for one line, broken into two lines of similar width (no orphan word)."""
    if pdf.get_string_width(text) <= pdf.epw - 2:
        return text
    words = text.split()
    best = min(
        range(1, len(words)),
        key=lambda i: max(
            pdf.get_string_width(" ".join(words[:i])), pdf.get_string_width(" ".join(words[i:]))
        ),
    )
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def _title(pdf: _Document, title: str) -> None:
    pdf.set_font(FONT, "B", 10.5)
    pdf.centred(_balanced_lines(pdf, title), bold=True, size=10.5)
    pdf.gap(1)


def _signatures(pdf: _Document, blocks: Sequence[tuple[str, str, str]]) -> None:
    """Signature columns: (role, hint, printed name); an empty role leaves a blank column."""
    height = 34
    pdf.gap(3)
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    width = pdf.epw / len(blocks)
    for index, (role, hint, name) in enumerate(blocks):
        x = pdf.l_margin + index * width
        if not role:
            continue
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", BODY_PT)
        pdf.multi_cell(width, LINE_MM, _nfc(role), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 7.5)
        pdf.multi_cell(width, 3.6, _nfc(hint), align="C", new_x="LEFT", new_y="NEXT")
        if name:
            pdf.set_xy(x, top + height - 6)
            pdf.set_font(FONT, "B", BODY_PT)
            pdf.multi_cell(width, LINE_MM, _nfc(name), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, top + height)
    pdf.set_font(FONT, size=BODY_PT)


SIGN_HINT = "(Ký và ghi rõ họ tên)"
SEAL_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"


def _applicant_fields(pdf: _Document, applicant: Applicant, *, label: str) -> None:
    pdf.field(label, applicant.name, bold=True)
    if applicant.id_number:
        pdf.field("Số định danh cá nhân/Mã số doanh nghiệp:", applicant.id_number)
    pdf.field("Địa chỉ:", applicant.address)
    contact = applicant.phone or "………………"
    if applicant.email:
        contact = f"{contact}    Email: {applicant.email}"
    pdf.field("Số điện thoại:", contact)


def _table(
    pdf: _Document,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    col_widths: Sequence[float],
    align: Sequence[str],
    size: float = TABLE_PT,
) -> None:
    """A bordered table; long cells wrap, rows flow onto new pages under a repeated heading."""
    pdf.set_font(FONT, "", size)
    with pdf.table(
        width=pdf.epw,
        col_widths=tuple(col_widths),
        text_align=tuple(align),
        headings_style=HEADING_STYLE,
        line_height=TABLE_LINE_MM * size / TABLE_PT,
        padding=(0.8, 1, 0.8, 1),
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        v_align="MIDDLE",
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(_nfc(text), align="C")
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(_nfc(value))
    pdf.set_font(FONT, size=BODY_PT)
    pdf.gap(1.5)


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def _unit_in_text(header: AgencyHeader) -> str:
    if header.unit_name == DEFAULT_UNIT_NAME:
        return "Bộ phận Tiếp nhận và Trả kết quả"
    return header.unit_name


def _count(value: int) -> str:
    return f"{value:02d}" if value else "-"


# --- The forms ------------------------------------------------------------------------------


def render_receipt(
    data: ReceiptData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả, A5, with the dossier code as a QR code."""
    number, title = form_number_and_title(Form.RECEIPT, form_set)

    def build(pdf: _Document) -> None:
        _header_block(pdf, data.header, issuer="unit", number=data.number, dated=data.received_at)
        _title(pdf, title)
        qr_size = 20.0
        qr_top = pdf.get_y()
        if data.lookup_url:
            pdf.image(
                _qr_png(data.lookup_url),
                x=pdf.w - pdf.r_margin - qr_size,
                y=qr_top,
                w=qr_size,
                h=qr_size,
                alt_text="QR",
            )
            # Text beside the QR code wraps before it.
            pdf.set_right_margin(pdf.r_margin + qr_size + 2)
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        _applicant_fields(pdf, data.applicant, label="Tiếp nhận hồ sơ của:")
        if data.lookup_url:
            pdf.set_right_margin(pdf.r_margin - qr_size - 2)
            pdf.set_y(max(pdf.get_y(), qr_top + qr_size + 1))
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.runs(("1. Thành phần hồ sơ nộp gồm:", False))
        if data.papers:
            _table(
                pdf,
                ("TT", "Tên giấy tờ", "Bản chính", "Bản sao"),
                [
                    (str(i), paper.name, _count(paper.originals), _count(paper.copies))
                    for i, paper in enumerate(data.papers, start=1)
                ],
                col_widths=(8, 80, 18, 18),
                align=("C", "L", "C", "C"),
            )
        pdf.field("2. Số lượng hồ sơ:", f"{data.sets:02d} (bộ)")
        pdf.field("3. Thời gian giải quyết hồ sơ theo quy định là:", data.legal_time_text)
        pdf.field("4. Thời gian nhận hồ sơ:", vn_datetime(data.received_at))
        pdf.field(
            "5. Thời gian trả kết quả giải quyết hồ sơ:",
            vn_datetime(data.appointment_at),
            bold=True,
        )
        pdf.field("6. Đăng ký nhận kết quả tại:", data.return_place)
        if data.fees:
            pdf.runs(("7. Phí, lệ phí:", False))
            for fee in data.fees:
                pdf.runs((f"   - {fee.name}: ", False), (fee_text(fee), False))
            amounts = [fee.amount_vnd for fee in data.fees]
            if len(amounts) > 1 and all(amount is not None for amount in amounts):
                total = sum(amount for amount in amounts if amount is not None)
                pdf.runs(("   Tổng cộng: ", False), (vnd_text(total), True))
        pdf.runs(
            ("Vào Sổ theo dõi hồ sơ, Quyển số: ", False),
            (data.register_book or "……", False),
            (", Số thứ tự: ", False),
            (data.register_line or "……", False),
        )
        if data.lookup_url:
            pdf.runs(("Tra cứu tình trạng hồ sơ: ", False), (data.lookup_url, False), size=7)
        _signatures(
            pdf,
            (
                ("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, ""),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, data.officer_name),
            ),
        )

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Giấy tiếp nhận hồ sơ – Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_supplement_request(
    data: SupplementRequestData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, A5."""
    number, title = form_number_and_title(Form.SUPPLEMENT_REQUEST, form_set)

    def build(pdf: _Document) -> None:
        _header_block(pdf, data.header, issuer="unit", number=data.number, dated=data.issued_at)
        _title(pdf, title)
        _applicant_fields(pdf, data.applicant, label="Hồ sơ của:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.runs(("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", False))
        _table(
            pdf,
            ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo"),
            [
                (
                    str(i),
                    item.paper,
                    _count(item.originals),
                    _count(item.certified_copies),
                    _count(item.photocopies),
                )
                for i, item in enumerate(data.items, start=1)
            ],
            col_widths=(8, 62, 17, 20, 17),
            align=("C", "L", "C", "C", "C"),
        )
        pdf.field("Lý do:", data.reason)
        pdf.paragraph(
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"{data.helpline or '………………'} để được hướng dẫn."
        )
        _signatures(pdf, (("", "", ""), ("NGƯỜI HƯỚNG DẪN", SIGN_HINT, data.officer_name)))

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Phiếu yêu cầu bổ sung – Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_refusal(
    data: RefusalData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ, A5."""
    number, title = form_number_and_title(Form.REFUSAL, form_set)

    def build(pdf: _Document) -> None:
        _header_block(pdf, data.header, issuer="unit", number=data.number, dated=data.issued_at)
        _title(pdf, title)
        pdf.paragraph(
            f"{_unit_in_text(data.header)} – {data.header.agency_name} tiếp nhận hồ sơ của:"
        )
        _applicant_fields(pdf, data.applicant, label="Ông/Bà/Tổ chức:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.gap(1)
        pdf.paragraph(
            "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, "
            f"{_unit_in_text(data.header)} thông báo không tiếp nhận, giải quyết hồ sơ này "
            "với lý do cụ thể như sau:"
        )
        for i, reason in enumerate(data.reasons, start=1):
            pdf.paragraph(f"{i}. {reason}")
        pdf.paragraph("Xin thông báo để Ông/Bà biết và thực hiện./.")
        _signatures(pdf, (("", "", ""), ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, data.officer_name)))

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_apology(
    data: ApologyData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """The apology for a late result with the new appointment (an extension request in 03/2025)."""
    form_set = FormSet(form_set)
    number, title = form_number_and_title(Form.APOLOGY, form_set)
    agency = data.header.agency_name

    def build(pdf: _Document) -> None:
        _header_block(pdf, data.header, issuer="agency", number=data.number, dated=data.issued_at)
        _title(pdf, title)
        pdf.gap(1)
        pdf.runs(("Kính gửi: ", False), (data.addressee, True))
        pdf.gap(1)
        pdf.paragraph(
            f"Ngày {vn_date(data.received_at).removeprefix('ngày ')}, {agency} tiếp nhận "
            f"giải quyết hồ sơ của Ông/Bà, mã hồ sơ: {data.dossier_code}."
        )
        pdf.field("Thời hạn trả kết quả giải quyết hồ sơ:", vn_datetime(data.original_appointment))
        pdf.paragraph(
            f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng hạn."
        )
        pdf.field("Lý do:", data.reason)
        if form_set == FormSet.CIRCULAR_03_2025:
            # Decree 118/2025 art. 19.6: the apology proposes the extension; moved only once.
            pdf.paragraph(
                f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và đề nghị "
                "gia hạn thời gian giải quyết hồ sơ, hẹn trả kết quả vào:"
            )
        else:
            pdf.paragraph(
                f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. {agency} "
                "xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào:"
            )
        pdf.centred(vn_datetime(data.new_appointment), bold=True)
        pdf.paragraph("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.")
        _signatures(pdf, (("", "", ""), (data.signer_title.upper(), SEAL_HINT, data.signer_name)))

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_stop_notice(
    data: StopNoticeData, *, form_set: FormSet | str = FormSet.CIRCULAR_03_2025
) -> bytes:
    """Thông báo dừng giải quyết hồ sơ (Circular 03/2025 only; Decree 118/2025 art. 21)."""
    number, title = form_number_and_title(Form.STOP_NOTICE, form_set)
    agency = data.header.agency_name

    def build(pdf: _Document) -> None:
        _header_block(pdf, data.header, issuer="agency", number=data.number, dated=data.issued_at)
        _title(pdf, title)
        pdf.gap(1)
        pdf.runs(("Kính gửi: ", False), (data.applicant.name, True))
        pdf.gap(1)
        pdf.paragraph(
            f"Vào {vn_datetime(data.requested_at)}, {agency} nhận được đề nghị dừng giải quyết "
            "hồ sơ của Ông/Bà/Tổ chức:"
        )
        _applicant_fields(pdf, data.applicant, label="Tên tổ chức, cá nhân:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.field("Lý do dừng giải quyết:", data.reason)
        pdf.paragraph(
            f"{agency} thông báo dừng giải quyết hồ sơ nêu trên kể từ {vn_date(data.issued_at)}./."
        )
        _signatures(pdf, (("", "", ""), (data.signer_title.upper(), SEAL_HINT, data.signer_name)))

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


CONTROL_SHEET_HEADINGS = (
    "TÊN CƠ QUAN (BỘ PHẬN)",
    "THỜI GIAN GIAO, NHẬN HỒ SƠ",
    "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)",
    "GHI CHÚ",
)


def outcome_text(outcome: Outcome | str) -> str:
    """``"on_time"`` → ``"Đúng hạn"``; "" (not judged yet) prints nothing."""
    try:
        return OUTCOME_TEXT[outcome]
    except KeyError:
        raise ValueError(f"unknown handover outcome: {outcome!r}") from None


def render_control_sheet(
    data: ControlSheetData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ, A5, one table row per handover."""
    number, title = form_number_and_title(Form.CONTROL_SHEET, form_set)

    def build(pdf: _Document) -> None:
        _header_block(pdf, data.header, issuer="unit", number=None, dated=None)
        _title(pdf, title)
        pdf.centred(f"Mã hồ sơ: {data.dossier_code}", bold=True)
        pdf.centred("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", size=7.5)
        pdf.gap(1)
        pdf.field("Thời gian nhận hồ sơ:", vn_datetime(data.received_at))
        pdf.field("Thời gian hẹn trả kết quả:", vn_datetime(data.appointment_at), bold=True)
        pdf.field("Cơ quan (bộ phận) giải quyết hồ sơ:", data.handling_unit)
        pdf.field(
            "Cơ quan phối hợp giải quyết hồ sơ:", "; ".join(data.coordinating_units) or "Không"
        )
        pdf.gap(1)
        rows = []
        for i, row in enumerate(data.rows, start=1):
            who = f"Người giao: {row.from_person or '……'}\nNgười nhận: {row.to_person or '……'}"
            rows.append(
                (
                    f"{i}. Giao: {row.from_unit}\nNhận: {row.to_unit}",
                    f"{vn_datetime(row.handed_at)}\n{who}",
                    outcome_text(row.outcome),
                    row.note,
                )
            )
        _table(
            pdf,
            CONTROL_SHEET_HEADINGS,
            rows,
            col_widths=(38, 46, 21, 19),
            align=("L", "L", "C", "L"),
            size=7,
        )

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Phiếu kiểm soát – Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


# --- The register ---------------------------------------------------------------------------

REGISTER_HEADINGS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Hình thức nhận kết quả",
    "Ký nhận",
    "Ghi chú",
)
# Millimetres on A4 landscape (277 mm between margins); a Circular 01/2018 code fits on one
# line at 7 pt, a longer Circular 04/2025 code wraps at its hyphens.
REGISTER_PDF_WIDTHS = (9, 39, 42, 32, 30, 25, 18, 18, 18, 16, 14, 16)
REGISTER_XLSX_WIDTHS = (6, 26, 40, 28, 30, 26, 17, 17, 17, 16, 12, 18)


def _register_values(row: RegisterRow) -> tuple[str, ...]:
    returned = vn_short_datetime(row.returned_at) if row.returned_at else ""
    return (
        f"{row.line:02d}",
        row.dossier_code,
        row.procedure,
        row.applicant,
        row.address_phone,
        row.lead_agency,
        vn_short_datetime(row.received_at).replace(" ", "\n"),
        vn_short_datetime(row.appointment_at).replace(" ", "\n"),
        returned.replace(" ", "\n"),
        row.how_collected,
        "",
        row.note,
    )


def render_register_pdf(
    data: RegisterData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Sổ theo dõi hồ sơ, A4 landscape, pages numbered (Circular 01/2018 art. 10)."""
    number, title = form_number_and_title(Form.REGISTER, form_set)

    def build(pdf: _Document) -> None:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(
            pdf.epw, 5, _nfc(data.agency_name.upper()), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.gap(2)
        pdf.centred(title, bold=True, size=13)
        pdf.centred(f"Năm {data.year}", bold=True)
        pdf.gap(2)
        _table(
            pdf,
            REGISTER_HEADINGS,
            [_register_values(row) for row in data.rows],
            col_widths=REGISTER_PDF_WIDTHS,
            align=("C", "L", "L", "L", "L", "L", "C", "C", "C", "L", "C", "L"),
            size=7,
        )

    return _render(
        build,
        corner_label=f"Mẫu số {number}",
        title=f"{title} {data.year}",
        page_format="A4",
        orientation="landscape",
        always_number_pages=True,
        continuation=f"Sổ theo dõi hồ sơ năm {data.year} – {data.agency_name} (tiếp theo)",
    )


def _naive_local(value: dt.datetime | None) -> dt.datetime | None:
    # XLSX has no time zones: write Vietnam wall-clock time.
    return None if value is None else to_local(value).replace(tzinfo=None)


def register_xlsx(
    data: RegisterData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """The register as a spreadsheet: title in rows 1–2, the heading in row 3, one row per line."""
    number, title = form_number_and_title(Form.REGISTER, form_set)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Sổ theo dõi {data.year}"
    last_column = get_column_letter(len(REGISTER_HEADINGS))
    sheet["A1"] = _nfc(f"{title} NĂM {data.year}")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(f"A1:{get_column_letter(len(REGISTER_HEADINGS) - 1)}1")
    sheet[f"{last_column}1"] = f"Mẫu số {number}"
    sheet["A2"] = _nfc(data.agency_name)
    sheet["A2"].font = Font(bold=True)
    sheet.merge_cells(f"A2:{last_column}2")

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(list(REGISTER_HEADINGS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border
    for row in data.rows:
        sheet.append(
            [
                row.line,
                _nfc(row.dossier_code),
                _nfc(row.procedure),
                _nfc(row.applicant),
                _nfc(row.address_phone),
                _nfc(row.lead_agency),
                _naive_local(row.received_at),
                _naive_local(row.appointment_at),
                _naive_local(row.returned_at),
                _nfc(row.how_collected),
                None,
                _nfc(row.note),
            ]
        )
    for cells in sheet.iter_rows(min_row=4):
        for cell in cells:
            cell.alignment = wrap
            cell.border = border
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    for index, width in enumerate(REGISTER_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

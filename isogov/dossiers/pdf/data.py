"""What the one-stop forms print: plain frozen dataclasses, no ORM.

The dossier services build these from their models and hand them to ``render``; the renderer
never queries anything. Every ``*_at`` is an aware datetime (stored UTC); the forms print it in
Vietnam local time. Field names follow the form fields listed in vn-one-stop-rules.md §1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_UNIT_NAME = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"

Outcome = Literal["early", "on_time", "late", ""]


@dataclass(frozen=True)
class AgencyHeader:
    """The top-left block of every form (tên cơ quan chủ quản / cơ quan / bộ phận)."""

    parent_name: str  # cơ quan chủ quản, e.g. "UBND TỈNH HẢI PHÒNG"; may be ""
    agency_name: str  # cơ quan giải quyết, e.g. "SỞ TÀI CHÍNH"
    unit_name: str = DEFAULT_UNIT_NAME
    address: str = ""
    phone: str = ""
    # The place written before the date ("Hải Phòng, ngày … tháng … năm …"); omitted when "".
    place: str = ""


@dataclass(frozen=True)
class Applicant:
    """The person or organisation the dossier belongs to (tổ chức, cá nhân)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""  # CCCD or enterprise code; printed when given


@dataclass(frozen=True)
class PaperLine:
    """One paper handed in (thành phần hồ sơ) with its number of originals and copies."""

    name: str
    originals: int
    copies: int


@dataclass(frozen=True)
class FeeLine:
    """A fee or charge (phí, lệ phí); ``amount_vnd`` None prints the note or "Theo quy định"."""

    name: str
    amount_vnd: int | None
    note: str = ""


@dataclass(frozen=True)
class ReceiptData:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01)."""

    header: AgencyHeader
    number: str  # số phiếu
    dossier_code: str  # mã hồ sơ
    applicant: Applicant
    request: str  # nội dung yêu cầu giải quyết (usually the procedure name)
    papers: list[PaperLine]
    sets: int  # số lượng hồ sơ (bộ)
    legal_time_text: str  # e.g. "15 ngày làm việc"
    received_at: dt.datetime
    appointment_at: dt.datetime
    return_place: str  # đăng ký nhận kết quả tại
    fees: list[FeeLine] = field(default_factory=list)
    register_book: str = ""  # sổ theo dõi hồ sơ, quyển số
    register_line: str = ""  # số thứ tự
    officer_name: str = ""  # người tiếp nhận hồ sơ
    lookup_url: str = ""  # encoded in the QR code; no QR when ""


@dataclass(frozen=True)
class SupplementItem:
    """One paper to add or complete, with how many of each kind of copy."""

    paper: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True)
class SupplementRequestData:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02)."""

    header: AgencyHeader
    number: str
    dossier_code: str
    applicant: Applicant
    request: str
    items: list[SupplementItem]
    reason: str
    helpline: str  # who to call while completing the dossier, e.g. "Ông Trần Văn A, 0225 ..."
    officer_name: str  # người hướng dẫn
    issued_at: dt.datetime


@dataclass(frozen=True)
class RefusalData:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ (form 03)."""

    header: AgencyHeader
    number: str
    dossier_code: str
    applicant: Applicant
    request: str
    reasons: list[str]
    officer_name: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class ApologyData:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (04); under 03/2025 also asks for an extension."""

    header: AgencyHeader
    number: str
    addressee: str  # kính gửi
    received_at: dt.datetime
    dossier_code: str
    original_appointment: dt.datetime
    reason: str
    new_appointment: dt.datetime
    signer_title: str  # e.g. "GIÁM ĐỐC" (thủ trưởng cơ quan)
    signer_name: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class StopNoticeData:
    """Thông báo dừng giải quyết hồ sơ (form 05 of Circular 03/2025; fields not confirmed [A])."""

    header: AgencyHeader
    number: str
    dossier_code: str
    applicant: Applicant
    request: str
    requested_at: dt.datetime  # when the applicant asked to stop
    reason: str
    signer_title: str
    signer_name: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class HandoverRow:
    """One handover in the dossier's step log: from one unit to the next."""

    from_unit: str
    to_unit: str
    handed_at: dt.datetime
    from_person: str = ""
    to_person: str = ""
    outcome: Outcome = ""  # early = trước hạn, on_time = đúng hạn, late = quá hạn
    note: str = ""


@dataclass(frozen=True)
class ControlSheetData:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (05; 06 under 03/2025)."""

    header: AgencyHeader
    dossier_code: str
    received_at: dt.datetime
    appointment_at: dt.datetime
    handling_unit: str  # cơ quan (bộ phận) giải quyết hồ sơ
    coordinating_units: list[str]  # cơ quan phối hợp giải quyết hồ sơ
    rows: list[HandoverRow]


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register (sổ theo dõi hồ sơ); lines restart at 1 each year."""

    line: int
    dossier_code: str
    procedure: str
    applicant: str
    address_phone: str
    lead_agency: str
    received_at: dt.datetime
    appointment_at: dt.datetime
    returned_at: dt.datetime | None
    how_collected: str  # hình thức nhận kết quả: trực tiếp, bưu chính, trực tuyến …
    note: str = ""


@dataclass(frozen=True)
class RegisterData:
    """Sổ theo dõi hồ sơ (06; 07 under 03/2025): one book per year."""

    agency_name: str
    year: int
    rows: list[RegisterRow]

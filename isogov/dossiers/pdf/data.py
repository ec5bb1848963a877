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
    rating_url: str = ""  # the rating link's QR code beside it; none when ""
    # Re-issued after the full supplement arrived (Decree 61/2018 art. 19.4): when, else None.
    reissued_at: dt.datetime | None = None


@dataclass(frozen=True)
class SupplementItem:
    """One paper to add or complete, with how many of each kind of copy."""

    paper: str
    # None: the paper is not in the procedure's list, so the count is unknown and not printed.
    originals: int | None = 0
    certified_copies: int | None = 0
    photocopies: int | None = 0


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
    # Who to call while completing the dossier: the requesting officer's name and phone.
    helpline: str
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
class AppraisalRefusalData:
    """The competent agency's refusal after appraisal, with its reasons (Decree 61/2018 art.
    19.8: "thông báo bằng văn bản nêu rõ lý do không giải quyết hồ sơ theo mẫu Phiếu từ chối
    giải quyết hồ sơ"), signed by the agency's leader and sent through the one-stop desk."""

    header: AgencyHeader
    number: str
    dossier_code: str
    applicant: Applicant
    request: str
    received_at: dt.datetime
    reasons: list[str]
    signer_title: str
    signer_name: str
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
    requested_at: dt.datetime | None  # when the applicant asked to stop; None: closed by rule
    reason: str
    signer_title: str
    signer_name: str
    issued_at: dt.datetime
    # A closure because the supplement request went unanswered (Decree 118/2025): the request's
    # date and the number of days the applicant had. The applicant asked for nothing then.
    supplement_requested_at: dt.datetime | None = None
    unanswered_days: int = 0


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
class OpinionRow:
    """A consulted unit's opinion (Decree 61/2018 art. 19.5): asked, due, answered, outcome."""

    unit: str
    requested_at: dt.datetime | None
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    outcome: Outcome = ""
    note: str = ""


@dataclass(frozen=True)
class ControlSheetData:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (05; 06 under 03/2025)."""

    header: AgencyHeader
    dossier_code: str
    received_at: dt.datetime
    # The appointment of the receipt (form 01): an apology never rewrites it.
    appointment_at: dt.datetime | None
    handling_unit: str  # cơ quan (bộ phận) giải quyết hồ sơ
    coordinating_units: list[str]  # cơ quan phối hợp giải quyết hồ sơ
    rows: list[HandoverRow]
    applicant: str = ""
    opinions: list[OpinionRow] = field(default_factory=list)
    # "Ghi chú": the apology's new appointment and its date, when there was one.
    note: str = ""

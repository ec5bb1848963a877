"""The form table (numbers and titles per form set) and the wording shared by several forms.

Circular 01/2018/TT-VPCP art. 9 sets six forms, A5 except the register (A4); Circular 03/2025
appendix I sets seven (vn-one-stop-rules.md §1). The printed text is the legal form's own
Vietnamese and is deliberately not translated.
"""

from __future__ import annotations

from enum import StrEnum

from isogov.core.documents.text import vnd_text
from isogov.dossiers.pdf.data import FeeLine, Outcome
from isogov.dossiers.rulesets import FormSet

NO_STOP_NOTICE = "Circular 01/2018 has no stop notice; use the tt03-2025 form set."

# What a fee of 0 đồng prints: the forms say "Không thu phí", never "0 đồng".
NO_FEE = "Không thu phí"
FEE_AS_REGULATED = "Theo quy định"

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
    APPRAISAL_REFUSAL = "appraisal_refusal"
    APOLOGY = "apology"
    STOP_NOTICE = "stop_notice"
    CONTROL_SHEET = "control_sheet"
    REGISTER = "register"


_COMMON_TITLES: dict[Form, str] = {
    Form.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    Form.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    Form.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    # Decree 61/2018 art. 19.8: after appraisal the competent agency refuses "theo mẫu Phiếu từ
    # chối giải quyết hồ sơ": form 03's template, issued and signed by the agency, not the desk.
    Form.APPRAISAL_REFUSAL: "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
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
        Form.APPRAISAL_REFUSAL: ("03", _COMMON_TITLES[Form.APPRAISAL_REFUSAL]),
        Form.APOLOGY: ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        Form.CONTROL_SHEET: ("05", _COMMON_TITLES[Form.CONTROL_SHEET]),
        Form.REGISTER: ("06", _COMMON_TITLES[Form.REGISTER]),
    },
    FormSet.CIRCULAR_03_2025: {
        Form.RECEIPT: ("01", _COMMON_TITLES[Form.RECEIPT]),
        Form.SUPPLEMENT_REQUEST: ("02", _COMMON_TITLES[Form.SUPPLEMENT_REQUEST]),
        Form.REFUSAL: ("03", _COMMON_TITLES[Form.REFUSAL]),
        Form.APPRAISAL_REFUSAL: ("03", _COMMON_TITLES[Form.APPRAISAL_REFUSAL]),
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


def outcome_text(outcome: Outcome | str) -> str:
    """``"on_time"`` → ``"Đúng hạn"``; "" (not judged yet) prints nothing."""
    try:
        return OUTCOME_TEXT[outcome]
    except KeyError:
        raise ValueError(f"unknown handover outcome: {outcome!r}") from None


def amount_text(amount: int) -> str:
    """``1500000`` → ``"1.500.000 đồng"``; ``0`` → ``"Không thu phí"``."""
    return vnd_text(amount) if amount else NO_FEE


def fee_text(fee: FeeLine) -> str:
    """What a fee line prints: the amount (or "Không thu phí"), then its note unless the note
    only repeats it; without an amount, the note or "Theo quy định"."""
    if fee.amount_vnd is None:
        return fee.note or FEE_AS_REGULATED
    amount = amount_text(fee.amount_vnd)
    note = fee.note.strip()
    if note and note.casefold() != amount.casefold():
        return f"{amount} ({note})"
    return amount

"""The official one-stop forms as PDF and the register as XLSX: plain data in, bytes out.

Callers build the dataclasses in ``data`` and call the functions in ``render``; nothing here
touches the database.
"""

from isogov.dossiers.pdf.data import (
    AgencyHeader,
    ApologyData,
    Applicant,
    ControlSheetData,
    FeeLine,
    HandoverRow,
    PaperLine,
    ReceiptData,
    RefusalData,
    RegisterData,
    RegisterRow,
    StopNoticeData,
    SupplementItem,
    SupplementRequestData,
)
from isogov.dossiers.pdf.render import (
    NO_STOP_NOTICE,
    Form,
    form_number_and_title,
    register_xlsx,
    render_apology,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_register_pdf,
    render_stop_notice,
    render_supplement_request,
)

__all__ = [
    "NO_STOP_NOTICE",
    "AgencyHeader",
    "ApologyData",
    "Applicant",
    "ControlSheetData",
    "FeeLine",
    "Form",
    "HandoverRow",
    "PaperLine",
    "ReceiptData",
    "RefusalData",
    "RegisterData",
    "RegisterRow",
    "StopNoticeData",
    "SupplementItem",
    "SupplementRequestData",
    "form_number_and_title",
    "register_xlsx",
    "render_apology",
    "render_control_sheet",
    "render_receipt",
    "render_refusal",
    "render_register_pdf",
    "render_stop_notice",
    "render_supplement_request",
]

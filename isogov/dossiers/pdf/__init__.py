"""The official one-stop forms as PDF: plain data in, bytes out.

Callers build the dataclasses in ``data`` and call the renderers in ``onestop``; nothing here
touches the database. The form table (numbers and titles per form set) is ``forms``; the
domain-free layout and Vietnamese text helpers are ``isogov.core.documents``. The register (PDF
and XLSX) is ``isogov.dossiers.register``.
"""

from isogov.dossiers.pdf.data import (
    AgencyHeader,
    ApologyData,
    Applicant,
    AppraisalRefusalData,
    ControlSheetData,
    FeeLine,
    HandoverRow,
    OpinionRow,
    PaperLine,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementItem,
    SupplementRequestData,
)
from isogov.dossiers.pdf.forms import (
    NO_STOP_NOTICE,
    Form,
    fee_text,
    form_number_and_title,
    outcome_text,
)
from isogov.dossiers.pdf.onestop import (
    render_apology,
    render_appraisal_refusal,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
)

__all__ = [
    "NO_STOP_NOTICE",
    "AgencyHeader",
    "ApologyData",
    "Applicant",
    "AppraisalRefusalData",
    "ControlSheetData",
    "FeeLine",
    "Form",
    "HandoverRow",
    "OpinionRow",
    "PaperLine",
    "ReceiptData",
    "RefusalData",
    "StopNoticeData",
    "SupplementItem",
    "SupplementRequestData",
    "fee_text",
    "form_number_and_title",
    "outcome_text",
    "render_apology",
    "render_appraisal_refusal",
    "render_control_sheet",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement_request",
]

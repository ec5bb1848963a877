"""The official forms of one dossier: read its records, fill the form data, render.

Reads only; the data always comes from the stored records (the control sheet from the step
log), never typed by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation

from isogov.accounts.models import Agency
from isogov.catalog.templatetags.catalog import duration
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound

from . import pdf
from .models import Dossier, DossierEvent, DossierStep, StepKind
from .rulesets import ruleset_by_code

NO_SUCH_FORM = "no_such_form"


def _header(agency: Agency) -> pdf.AgencyHeader:
    return pdf.AgencyHeader(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        agency_name=agency.name,
        address=agency.address,
        phone=agency.phone,
    )


def _applicant(dossier: Dossier) -> pdf.Applicant:
    return pdf.Applicant(
        name=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        id_number=dossier.applicant_id_number,
    )


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/tra-cuu/?ma={dossier.code}"


def _officer(dossier: Dossier) -> str:
    return dossier.received_by.display_name if dossier.received_by else ""


def _event(dossier: Dossier, *actions: str) -> DossierEvent:
    event = dossier.events.filter(action__in=actions).order_by("-at", "-id").first()
    if event is None:
        raise NotFound()
    return event


def receipt(dossier: Dossier) -> bytes:
    if dossier.received_at is None or dossier.promised_due_at is None:
        raise NotFound()
    with translation.override("vi"):
        data = pdf.ReceiptData(
            header=_header(dossier.agency),
            number=str(dossier.register_line or ""),
            dossier_code=dossier.code,
            applicant=_applicant(dossier),
            request=dossier.request_summary or dossier.procedure_name,
            papers=[pdf.PaperLine(p.name, p.originals, p.copies) for p in dossier.papers.all()],
            sets=dossier.sets_count,
            legal_time_text=duration(dossier.time_value, dossier.time_unit),
            received_at=dossier.received_at,
            appointment_at=dossier.promised_due_at,
            return_place=dossier.agency.address or dossier.agency.name,
            fees=[pdf.FeeLine(f.name, f.amount_vnd, f.note) for f in dossier.fees.all()],
            register_book=f"Sổ theo dõi hồ sơ năm {clock.to_local(dossier.received_at).year}",
            register_line=str(dossier.register_line or ""),
            officer_name=_officer(dossier),
            lookup_url=lookup_url(dossier),
        )
    return pdf.render_receipt(data, form_set=ruleset_by_code(dossier.ruleset).form_set)


def supplement_request(dossier: Dossier) -> bytes:
    stop = dossier.clock_stops.order_by("-started_at").first()
    if stop is not None:
        reason, items, issued = stop.reason, list(stop.items), stop.started_at
        officer = stop.requested_by.display_name
    else:
        event = _event(dossier, "intake_incomplete", "return_incomplete")
        reason, items, issued = event.message, list(event.data.get("items", [])), event.at
        officer = event.actor.display_name if event.actor else ""
    data = pdf.SupplementRequestData(
        header=_header(dossier.agency),
        number=dossier.code[-4:],
        dossier_code=dossier.code,
        applicant=_applicant(dossier),
        request=dossier.procedure_name,
        items=[pdf.SupplementItem(paper=item, originals=1) for item in items],
        reason=reason,
        helpline=dossier.agency.phone,
        officer_name=officer,
        issued_at=issued,
    )
    return pdf.render_supplement_request(data, form_set=ruleset_by_code(dossier.ruleset).form_set)


def refusal(dossier: Dossier) -> bytes:
    event = _event(dossier, "intake_refuse", "refuse_intake", "refuse")
    data = pdf.RefusalData(
        header=_header(dossier.agency),
        number=dossier.code[-4:],
        dossier_code=dossier.code,
        applicant=_applicant(dossier),
        request=dossier.procedure_name,
        reasons=[line for line in event.message.splitlines() if line.strip()] or [event.message],
        officer_name=event.actor.display_name if event.actor else "",
        issued_at=event.at,
    )
    return pdf.render_refusal(data, form_set=ruleset_by_code(dossier.ruleset).form_set)


def apology(dossier: Dossier) -> bytes:
    extension = dossier.extensions.order_by("-created_at").first()
    if extension is None or dossier.received_at is None:
        raise NotFound()
    data = pdf.ApologyData(
        header=_header(dossier.agency),
        number=dossier.code[-4:],
        addressee=dossier.applicant_name,
        received_at=dossier.received_at,
        dossier_code=dossier.code,
        original_appointment=extension.previous_due_at,
        reason=extension.reason,
        new_appointment=extension.new_due_at,
        signer_title="Thủ trưởng cơ quan",
        signer_name=extension.approved_by.display_name,
        issued_at=extension.created_at,
    )
    return pdf.render_apology(data, form_set=ruleset_by_code(dossier.ruleset).form_set)


def stop_notice(dossier: Dossier) -> bytes:
    event = _event(dossier, "stop", "close_unanswered")
    requested = dossier.events.filter(action="request_withdrawal").order_by("-at").first()
    data = pdf.StopNoticeData(
        header=_header(dossier.agency),
        number=dossier.code[-4:],
        dossier_code=dossier.code,
        applicant=_applicant(dossier),
        request=dossier.procedure_name,
        requested_at=requested.at if requested else event.at,
        reason=event.message,
        signer_title="Thủ trưởng cơ quan",
        signer_name=event.actor.display_name if event.actor else "",
        issued_at=event.at,
    )
    form_set = ruleset_by_code(dossier.ruleset).form_set
    try:
        return pdf.render_stop_notice(data, form_set=form_set)
    except ValueError as error:
        raise ApplicationError(str(error), code=NO_SUCH_FORM) from error


def has_stop_notice(dossier: Dossier) -> bool:
    """Whether the dossier's form set has a stop notice (Circular 01/2018 has none)."""
    try:
        pdf.form_number_and_title(pdf.Form.STOP_NOTICE, ruleset_by_code(dossier.ruleset).form_set)
    except ValueError:
        return False
    return True


def control_sheet(dossier: Dossier) -> bytes:
    """Form 05 (06 under Circular 03/2025), generated from the step log."""
    if dossier.received_at is None or dossier.promised_due_at is None:
        raise NotFound()
    steps: list[DossierStep] = list(
        dossier.steps.filter(kind__in=[StepKind.PROCESS, StepKind.REWORK])
        .select_related("finished_by", "assignee")
        .order_by("order", "id")
    )
    rows = []
    for index, step in enumerate(steps):
        if step.finished_at is None:
            break
        following = steps[index + 1] if index + 1 < len(steps) else None
        rows.append(
            pdf.HandoverRow(
                from_unit=step.unit_label or step.name,
                to_unit=(following.unit_label or following.name) if following else "",
                handed_at=step.finished_at,
                from_person=step.finished_by.display_name if step.finished_by else "",
                to_person=following.assignee.display_name
                if following and following.assignee
                else "",
                outcome=step.outcome,  # type: ignore[arg-type]  # one of the outcome values
                note=step.name,
            )
        )
    data = pdf.ControlSheetData(
        header=_header(dossier.agency),
        dossier_code=dossier.code,
        received_at=dossier.received_at,
        appointment_at=dossier.promised_due_at,
        handling_unit=dossier.handling_unit.name if dossier.handling_unit else "",
        coordinating_units=[],
        rows=rows,
    )
    return pdf.render_control_sheet(data, form_set=ruleset_by_code(dossier.ruleset).form_set)


FORMS: dict[str, Callable[[Dossier], bytes]] = {
    "receipt": receipt,
    "supplement-request": supplement_request,
    "refusal": refusal,
    "apology": apology,
    "stop-notice": stop_notice,
    "control-sheet": control_sheet,
}

"""The official forms of one dossier: read its records, fill the form data, render.

Reads only; the data always comes from the stored records (the control sheet from the step
log), never typed by hand. The register is ``register``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, RoleAssignment, User
from isogov.accounts.roles import Role
from isogov.catalog.models import Paper
from isogov.catalog.templatetags.catalog import duration
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound
from isogov.core.text import fold_vietnamese
from isogov.workcal.selectors import calendar_for

from . import pdf
from .models import ClockStop, Dossier, DossierEvent, DossierStep, StepKind
from .register import apology_notes, lead_unit, original_appointment
from .rulesets import ruleset_by_code
from .transitions import Status

NO_SUCH_FORM = "no_such_form"
AGENCY_HEAD_TITLE = "Thủ trưởng cơ quan"


def _header(agency: Agency) -> pdf.AgencyHeader:
    return pdf.AgencyHeader(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        agency_name=agency.name,
        address=agency.address,
        phone=agency.phone,
        # Decree 30/2020/NĐ-CP: the place name before the date. Agency has no place field
        # yet, so one setting names it for the installation [A].
        place=settings.PLACE_NAME,
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
    """The receipt's QR link: the public lookup by the dossier's unguessable token, which shows
    this dossier without the applicant's phone number (portal, docs/portal.md)."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/tra-cuu/h/{dossier.access_token}/"


def rating_url(dossier: Dossier) -> str:
    """The receipt's second QR link: the dossier's one-time satisfaction rating (Decree
    61/2018 art. 31), usable once the result has been returned (docs/feedback.md)."""
    if not dossier.rating_token:
        return ""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/danh-gia/{dossier.rating_token}/"


def _officer(dossier: Dossier) -> str:
    return dossier.received_by.display_name if dossier.received_by else ""


def _event(dossier: Dossier, *actions: str) -> DossierEvent:
    event = dossier.events.filter(action__in=actions).order_by("-at", "-id").first()
    if event is None:
        raise NotFound()
    return event


def _slip_or_code(dossier: Dossier) -> str:
    """The number on a slip (forms 02/03): the slip's own for a visit not received, else the
    dossier's sequence number (Circular 01/2018 art. 19)."""
    return dossier.slip_number if dossier.received_at is None else dossier.code[-4:]


def _form_set(dossier: Dossier) -> str:
    return ruleset_by_code(dossier.ruleset).form_set


def _agency_head(agency: Agency) -> str:
    """The name of the agency's leader (the first one assigned), or "" for a hand-written one."""
    assignment = (
        RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_LEADER, unit__isnull=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return assignment.user.display_name if assignment else ""


def _appointment_at_intake(dossier: Dossier) -> dt.datetime | None:
    """The appointment the receive event recorded: what form 01 printed at the desk."""
    event = dossier.events.filter(action="receive").order_by("at", "id").first()
    stored = event.data.get("due_at") if event else None
    return dt.datetime.fromisoformat(stored) if stored else None


def _reissue(dossier: Dossier) -> tuple[dt.datetime, dt.datetime] | None:
    """When the receipt was last re-issued (the full supplement received) and the appointment
    it printed; None when it never was."""
    event = dossier.events.filter(action="supplement_received").order_by("-at", "-id").first()
    stored = event.data.get("appointment") or event.data.get("due_at") if event else None
    if event is None or not stored:
        return None
    return event.at, dt.datetime.fromisoformat(stored)


def receipt(dossier: Dossier) -> bytes:
    """Form 01 as issued: an apology later never rewrites its appointment, and a stopped clock
    (no appointment now) does not take the issued one away. After a supplement the receipt is
    re-issued with the new appointment (Decree 61/2018 art. 19.4) and says so."""
    extensions = list(dossier.extensions.order_by("created_at", "id"))
    appointment = original_appointment(dossier, extensions) or _appointment_at_intake(dossier)
    reissue = _reissue(dossier)
    reissued_at = None
    if reissue is not None:
        # The re-issued receipt prints the appointment set when the supplement arrived (an
        # apology later never rewrites it either).
        reissued_at, appointment = reissue
    if dossier.received_at is None or appointment is None:
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
            appointment_at=appointment,
            return_place=dossier.agency.address or dossier.agency.name,
            fees=[pdf.FeeLine(f.name, f.amount_vnd, f.note) for f in dossier.fees.all()],
            register_book=f"Sổ theo dõi hồ sơ năm {clock.to_local(dossier.received_at).year}",
            register_line=str(dossier.register_line or ""),
            officer_name=_officer(dossier),
            lookup_url=lookup_url(dossier),
            rating_url=rating_url(dossier),
            reissued_at=reissued_at,
        )
    return pdf.render_receipt(data, form_set=_form_set(dossier))


def _supplement_items(dossier: Dossier, names: list[str]) -> list[pdf.SupplementItem]:
    """Each requested paper with the originals and copies the pinned procedure version asks
    for; a paper not in that list prints without a count (nobody knows it)."""
    papers = {
        fold_vietnamese(paper.name): paper
        for paper in Paper.objects.filter(version_id=dossier.procedure_version_id)
    }
    items = []
    for name in names:
        paper = papers.get(fold_vietnamese(name))
        if paper is None:
            items.append(pdf.SupplementItem(name, None, None, None))
        else:
            # [A] The catalogue counts "copies" without saying certified or photocopy; the
            # form's column for them is the certified copy.
            items.append(pdf.SupplementItem(name, paper.originals, paper.copies, 0))
    return items


def _helpline(officer: User | None, agency: Agency) -> str:
    """The officer to contact: their name and phone; the agency's phone when they have none."""
    phone = (officer.phone if officer else "") or agency.phone
    name = officer.display_name if officer else ""
    if name and phone:
        return f"{name}, số điện thoại {phone}"
    return name or (f"số điện thoại {phone}" if phone else "")


def supplement_request(dossier: Dossier) -> bytes:
    stop = dossier.clock_stops.select_related("requested_by").order_by("-started_at").first()
    officer: User | None
    if stop is not None:
        reason, items, issued = stop.reason, list(stop.items), stop.started_at
        officer = stop.requested_by
    else:
        event = _event(dossier, "intake_incomplete", "return_incomplete")
        reason, items, issued = event.message, list(event.data.get("items", [])), event.at
        officer = event.actor
    data = pdf.SupplementRequestData(
        header=_header(dossier.agency),
        number=_slip_or_code(dossier),
        dossier_code=dossier.code,
        applicant=_applicant(dossier),
        request=dossier.procedure_name,
        items=_supplement_items(dossier, items),
        reason=reason,
        helpline=_helpline(officer, dossier.agency),
        officer_name=officer.display_name if officer else "",
        issued_at=issued,
    )
    return pdf.render_supplement_request(data, form_set=_form_set(dossier))


def _reasons(message: str) -> list[str]:
    return [line for line in message.splitlines() if line.strip()] or [message]


def refusal(dossier: Dossier) -> bytes:
    """Form 03: the desk's refusal at intake, or the agency's refusal after appraisal."""
    event = _event(dossier, "intake_refuse", "refuse_intake", "refuse")
    if event.action == "refuse" and dossier.received_at is not None:
        # Decree 61/2018 art. 19.8: the competent agency refuses, with reasons, signed by its
        # leader (the approver who refused); not the desk's "không tiếp nhận".
        appraisal = pdf.AppraisalRefusalData(
            header=_header(dossier.agency),
            number=_slip_or_code(dossier),
            dossier_code=dossier.code,
            applicant=_applicant(dossier),
            request=dossier.procedure_name,
            received_at=dossier.received_at,
            reasons=_reasons(event.message),
            signer_title=AGENCY_HEAD_TITLE,
            signer_name=event.actor.display_name if event.actor else "",
            issued_at=event.at,
        )
        return pdf.render_appraisal_refusal(appraisal, form_set=_form_set(dossier))
    data = pdf.RefusalData(
        header=_header(dossier.agency),
        number=_slip_or_code(dossier),
        dossier_code=dossier.code,
        applicant=_applicant(dossier),
        request=dossier.procedure_name,
        reasons=_reasons(event.message),
        officer_name=event.actor.display_name if event.actor else "",
        issued_at=event.at,
    )
    return pdf.render_refusal(data, form_set=_form_set(dossier))


def apology(dossier: Dossier) -> bytes:
    extension = dossier.extensions.order_by("-created_at").first()
    if extension is None or dossier.received_at is None:
        raise NotFound()
    data = pdf.ApologyData(
        header=_header(dossier.agency),
        number=extension.outgoing_label or dossier.code[-4:],
        addressee=dossier.applicant_name,
        received_at=dossier.received_at,
        dossier_code=dossier.code,
        original_appointment=extension.previous_due_at,
        reason=extension.reason,
        new_appointment=extension.new_due_at,
        signer_title=AGENCY_HEAD_TITLE,
        signer_name=extension.approved_by.display_name,
        issued_at=extension.created_at,
    )
    return pdf.render_apology(data, form_set=_form_set(dossier))


def _working_day_of(dossier: Dossier, at: dt.datetime) -> dt.datetime:
    """``at``, or the next opening when ``at`` falls on a day off: an agency dates its notices
    on a working day, and the closure job also runs on holidays."""
    calendar = calendar_for(agency=dossier.agency)
    if calendar.is_working_day(clock.to_local(at).date()):
        return at
    return calendar.next_opening(at)


def stop_notice(dossier: Dossier) -> bytes:
    event = _event(dossier, "stop", "close_unanswered")
    ruleset = ruleset_by_code(dossier.ruleset)
    if event.action == "close_unanswered":
        # Closed by rule (Decree 118/2025 [S]): the supplement request went unanswered. The
        # applicant asked for nothing; the notice cites that request and the head signs it.
        stop: ClockStop | None = (
            dossier.clock_stops.filter(started_at__lte=event.at).order_by("-started_at").first()
        )
        data = pdf.StopNoticeData(
            header=_header(dossier.agency),
            number=dossier.stop_label or dossier.code[-4:],
            dossier_code=dossier.code,
            applicant=_applicant(dossier),
            request=dossier.procedure_name,
            requested_at=None,
            reason="Không bổ sung, hoàn thiện hồ sơ theo yêu cầu trong thời hạn quy định.",
            signer_title=AGENCY_HEAD_TITLE,
            signer_name=_agency_head(dossier.agency),
            issued_at=_working_day_of(dossier, event.at),
            supplement_requested_at=stop.started_at if stop else event.at,
            unanswered_days=ruleset.close_unanswered_after_days or 0,
        )
    else:
        requested = dossier.events.filter(action="request_withdrawal").order_by("-at").first()
        data = pdf.StopNoticeData(
            header=_header(dossier.agency),
            number=dossier.stop_label or dossier.code[-4:],
            dossier_code=dossier.code,
            applicant=_applicant(dossier),
            request=dossier.procedure_name,
            requested_at=requested.at if requested else event.at,
            reason=event.message,
            signer_title=AGENCY_HEAD_TITLE,
            signer_name=event.actor.display_name if event.actor else "",
            issued_at=event.at,
        )
    try:
        return pdf.render_stop_notice(data, form_set=ruleset.form_set)
    except ValueError as error:
        raise ApplicationError(str(error), code=NO_SUCH_FORM) from error


def has_stop_notice(dossier: Dossier) -> bool:
    """Whether the dossier's form set has a stop notice (Circular 01/2018 has none)."""
    try:
        pdf.form_number_and_title(pdf.Form.STOP_NOTICE, _form_set(dossier))
    except ValueError:
        return False
    return True


# Which forms a dossier has depends on what happened to it, not on who looks.
REFUSED = frozenset({Status.NOT_RECEIVED, Status.REFUSED})


def forms_of(dossier: Dossier) -> list[tuple[str, str]]:
    """The official forms this dossier has, as (form key, label) for the links on its page."""
    status = Status(dossier.status)
    found: list[tuple[str, str]] = []
    if dossier.received_at:
        found += [("receipt", _("Receipt (01)")), ("control-sheet", _("Process control sheet"))]
    if dossier.supplement_count or status == Status.INCOMPLETE_AT_INTAKE:
        found.append(("supplement-request", _("Supplement request (02)")))
    returned_refusal = (
        status == Status.RETURNED and dossier.result_summary and not dossier.result_number
    )
    if status in REFUSED or returned_refusal:
        found.append(("refusal", _("Refusal (03)")))
    if dossier.appointment_moves:
        found.append(("apology", _("Apology (04)")))
    if status == Status.STOPPED and has_stop_notice(dossier):
        found.append(("stop-notice", _("Stop notice")))
    return found


def _unit_of(step: DossierStep) -> str:
    return step.unit_label or (step.unit.name if step.unit else "") or step.name


def _taken_over_by(step: DossierStep | None) -> str:
    if step is None:
        return ""
    person = step.finished_by or step.assignee
    return person.display_name if person is not None else ""


def control_sheet(dossier: Dossier) -> bytes:
    """Form 05 (06 under Circular 03/2025), generated from the step log."""
    extensions = list(dossier.extensions.order_by("created_at", "id"))
    if dossier.received_at is None:
        raise NotFound()
    all_steps = list(
        dossier.steps.select_related("finished_by", "assignee", "unit").order_by("order", "id")
    )
    steps = [s for s in all_steps if s.kind in (StepKind.PROCESS, StepKind.REWORK)]
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
                # Who really took the dossier over: whoever finished the next step, else the
                # officer it is assigned to now (still at work on it).
                to_person=_taken_over_by(following),
                outcome=step.outcome,  # type: ignore[arg-type]  # one of the outcome values
                note=step.name,
            )
        )
    # Decree 61/2018 art. 19.5.b: the consulted units' answers and deadlines go on this sheet.
    opinions = [
        pdf.OpinionRow(
            unit=_unit_of(step),
            requested_at=step.received_at,
            due_at=step.due_at,
            answered_at=step.finished_at,
            outcome=step.outcome,  # type: ignore[arg-type]  # one of the outcome values
        )
        for step in all_steps
        if step.kind == StepKind.OPINION
    ]
    process = [s for s in steps if s.kind == StepKind.PROCESS]
    data = pdf.ControlSheetData(
        header=_header(dossier.agency),
        dossier_code=dossier.code,
        received_at=dossier.received_at,
        appointment_at=original_appointment(dossier, extensions),
        handling_unit=lead_unit(process)
        or (dossier.handling_unit.name if dossier.handling_unit else ""),
        coordinating_units=list(dict.fromkeys(opinion.unit for opinion in opinions)),
        rows=rows,
        applicant=dossier.applicant_name,
        opinions=opinions,
        note="; ".join(apology_notes(extensions)),
    )
    return pdf.render_control_sheet(data, form_set=_form_set(dossier))


FORMS: dict[str, Callable[[Dossier], bytes]] = {
    "receipt": receipt,
    "supplement-request": supplement_request,
    "refusal": refusal,
    "apology": apology,
    "stop-notice": stop_notice,
    "control-sheet": control_sheet,
}

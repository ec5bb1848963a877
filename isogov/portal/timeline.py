"""What a citizen sees of a dossier: its public timeline, its standing against the appointment,
and personal data masked (issue 12 item 3).

Built from the dossier's stored facts (steps, clock stops, fees, apologies, the result) and the
events that carry a reason meant for the applicant (refusals, supplement requests: the texts of
forms 02 and 03). Internal notes, officers' names and opinions are never shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from isogov.core import clock
from isogov.dossiers.deadlines import Outcome
from isogov.dossiers.models import Dossier, ReturnMethod, StepKind
from isogov.dossiers.selectors import result_released
from isogov.dossiers.transitions import Status

from .status_texts import status_text

# Events whose message is the reason written to the applicant (forms 02 and 03, a stop).
REASON_EVENTS = {
    "intake_incomplete": "incomplete",
    "return_incomplete": "incomplete",
    "intake_refuse": "refused",
    "refuse_intake": "refused",
    "refuse": "refused",
    "stop": "stopped",
    "close_unanswered": "stopped",
    "request_withdrawal": "withdrawal",
}


@dataclass
class Entry:
    at: dt.datetime
    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class PublicDossier:
    dossier: Dossier
    status_text: str
    standing: str  # early / on_time / late / within / overdue / ""
    standing_label: str
    entries: list[Entry]
    fees_due: list[tuple[str, int | None, str]]
    place: str
    has_apology: bool
    has_result_file: bool
    applicant: str
    phone: str
    email: str


def mask_name(name: str) -> str:
    """ "Nguyễn Thị Hồng Nhung" → "Nguyễn *** Nhung"; a one-word name keeps its first letter."""
    words = name.split()
    if len(words) >= 2:
        return f"{words[0]} *** {words[-1]}"
    return f"{name[:1]}***" if name else ""


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"{digits[:3]}****{digits[-3:]}" if len(digits) >= 7 else ""


def mask_email(email: str) -> str:
    local, at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if at else ""


def desk_place(dossier: Dossier) -> str:
    agency = dossier.agency
    return f"{agency.name}, {agency.address}" if agency.address else agency.name


def _standing(dossier: Dossier) -> tuple[str, str]:
    """Trước / Đúng / Quá hạn once finished; within or past the appointment while open."""
    if dossier.outcome:
        labels = {Outcome.EARLY: _("Early"), Outcome.ON_TIME: _("On time"), Outcome.LATE: _("Late")}
        return dossier.outcome, str(labels[Outcome(dossier.outcome)])
    due = dossier.promised_due_at
    if due is None or dossier.status in (Status.NOT_RECEIVED, Status.STOPPED, Status.REFUSED):
        return "", ""
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return "paused", _("The time is paused while the agency waits for your papers.")
    if clock.now() > due:
        return "overdue", _("Past the appointment")
    return "within", _("Within the appointment")


def public_dossier(dossier: Dossier) -> PublicDossier:
    place = desk_place(dossier)
    entries: list[Entry] = []
    if dossier.submitted_at:
        entries.append(Entry(dossier.submitted_at, "submitted", _("Submitted online")))
    if dossier.received_at:
        entries.append(Entry(dossier.received_at, "received", _("Received at the one-stop desk")))
    for step in dossier.steps.select_related("unit").order_by("order", "id"):
        if step.kind != StepKind.PROCESS or step.received_at is None or step.order == 1:
            continue
        if not step.is_counted:
            continue
        unit = step.unit.name if step.unit else step.unit_label
        entries.append(
            Entry(
                step.received_at,
                "step",
                _("In process at %(unit)s") % {"unit": unit} if unit else _("In process"),
                [step.name],
            )
        )
    for stop in dossier.clock_stops.order_by("started_at"):
        entries.append(
            Entry(
                stop.started_at,
                "supplement",
                _("Supplement requested"),
                [
                    _("Reason: %(reason)s") % {"reason": stop.reason},
                    _("Bring or send them to: %(place)s") % {"place": place},
                ],
                list(stop.items or []),
            )
        )
        if stop.ended_at:
            entries.append(
                Entry(
                    stop.ended_at,
                    "supplement_received",
                    _("Supplement received: the processing time is counted again"),
                )
            )
    for event in dossier.events.filter(action__in=REASON_EVENTS).order_by("at", "id"):
        kind = REASON_EVENTS[event.action]
        titles = {
            "incomplete": _("Not complete: papers to add"),
            "refused": _("Refused"),
            "stopped": _("Handling stopped"),
            "withdrawal": _("Withdrawal requested"),
        }
        lines = [_("Reason: %(reason)s") % {"reason": event.message}] if event.message else []
        if kind == "incomplete":
            lines.append(_("Bring or send them to: %(place)s") % {"place": place})
        items = [str(item) for item in (event.data or {}).get("items", [])]
        entries.append(Entry(event.at, kind, str(titles[kind]), lines, items))
    for payment in dossier.payments.order_by("paid_at"):
        entries.append(
            Entry(
                payment.paid_at,
                "paid",
                _("Fee paid: %(amount)s đồng")
                % {"amount": f"{payment.amount_vnd:,}".replace(",", ".")},
            )
        )
    extensions = list(dossier.extensions.order_by("created_at"))
    for extension in extensions:
        entries.append(
            Entry(
                extension.created_at,
                "apology",
                _("Apology and new appointment"),
                [
                    _("Reason: %(reason)s") % {"reason": extension.reason},
                    _("New appointment: %(date)s") % {"date": _local(extension.new_due_at)},
                ],
            )
        )
    if dossier.finished_at and dossier.status in (Status.FINISHED, Status.RETURNED):
        entries.append(
            Entry(
                dossier.finished_at,
                "ready",
                _("Result ready"),
                [_("Collect it at: %(place)s") % {"place": place}]
                if dossier.status == Status.FINISHED
                else [],
            )
        )
    if dossier.returned_at:
        method = ReturnMethod(dossier.return_method).label if dossier.return_method else ""
        entries.append(
            Entry(
                dossier.returned_at,
                "returned",
                _("Result returned"),
                [str(method)] if method else [],
            )
        )
    entries.sort(key=lambda entry: entry.at)
    fees_due = []
    if dossier.status == Status.PAYMENT_REQUESTED:
        fees_due = [(fee.name, fee.amount_vnd, fee.note) for fee in dossier.fees.all()]
    standing, standing_label = _standing(dossier)
    return PublicDossier(
        dossier=dossier,
        status_text=status_text(agency=dossier.agency, status=dossier.status),
        standing=standing,
        standing_label=standing_label,
        entries=entries,
        fees_due=fees_due,
        place=place,
        has_apology=bool(extensions) and dossier.received_at is not None,
        has_result_file=result_released(dossier),
        applicant=mask_name(dossier.applicant_name),
        phone=mask_phone(dossier.applicant_phone),
        email=mask_email(dossier.applicant_email),
    )


def _local(value: dt.datetime | None) -> str:
    return clock.to_local(value).strftime("%H:%M %d/%m/%Y") if value else "—"

"""What the applicant is told, by e-mail and SMS through the outbox (sent after commit)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from isogov.notifications.services import outbox_enqueue

from .. import deadlines
from ..models import Dossier
from ._kernel import _calendar, _local


def _notify(dossier: Dossier, *, subject: str, body: str) -> None:
    """Tell the applicant by e-mail and SMS (through the outbox, after commit)."""
    common = {
        "agency_code": dossier.agency.code,
        "object_type": "dossiers.dossier",
        "object_id": str(dossier.pk),
    }
    if dossier.applicant_email:
        outbox_enqueue(
            channel="email", recipient=dossier.applicant_email, subject=subject, body=body, **common
        )
    if dossier.applicant_phone:
        outbox_enqueue(
            channel="sms",
            recipient=dossier.applicant_phone,
            body=f"{subject}: {dossier.code}",
            **common,
        )


def _promise_sentence(dossier: Dossier) -> str:
    """The sentence on the agency's own promise, when it ends before the legal appointment."""
    if dossier.service_due_at is None:
        return ""
    return " " + _("The agency promises the result by %(date)s.") % {
        "date": _local(dossier.service_due_at)
    }


def _receipt_notice(dossier: Dossier) -> None:
    with translation.override("vi"):
        body = _(
            "Your dossier %(code)s (%(procedure)s) was received at %(received)s. "
            "Appointment for the result: %(due)s."
        ) % {
            "code": dossier.code,
            "procedure": dossier.procedure_name,
            "received": _local(dossier.received_at),
            "due": _local(dossier.promised_due_at),
        }
        _notify(
            dossier,
            subject=_("Dossier %(code)s received") % {"code": dossier.code},
            body=body + _promise_sentence(dossier),
        )


def _finished_notice(dossier: Dossier) -> None:
    early = (
        dossier.due_at is not None
        and dossier.finished_at is not None
        and deadlines.classify(
            calendar=_calendar(dossier), finished_at=dossier.finished_at, due_at=dossier.due_at
        ).outcome
        == deadlines.Outcome.EARLY
    )
    with translation.override("vi"):
        subject = (
            _("The result of dossier %(code)s is ready early")
            if early
            else _("The result of dossier %(code)s is ready")
        ) % {"code": dossier.code}
        _notify(dossier, subject=subject, body=subject)

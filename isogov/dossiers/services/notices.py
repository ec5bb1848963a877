"""What the applicant is told at each milestone, by e-mail and SMS through the outbox.

Each milestone writes exactly one message per channel the applicant gave (sent after commit),
worded by the agency's notice template (``notifications``), else the shipped default. The
agency leader or ISO secretary edits the templates (``notice_template_update``, audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_has_role
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import PermissionDenied
from isogov.notifications.models import Channel, NoticeTemplate
from isogov.notifications.notices import Milestone, template_render
from isogov.notifications.selectors import (
    NoticeText,
    notice_templates_get,
)
from isogov.notifications.services import (
    notice_template_save,
    outbox_enqueue_all,
)
from isogov.workcal.engine import Unit as TimeUnit

from .. import deadlines
from ..models import Dossier, ReturnMethod
from ._kernel import _calendar, _local

# Who words the agency's notices: the same people who keep its calendar.
NOTICE_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.AGENCY_LEADER, Role.ISO_SECRETARY})
NOT_NOTICE_EDITOR = gettext_lazy(
    "Only the agency's leader, ISO secretary or an administrator may change its notices."
)


def lookup_link() -> str:
    """The public lookup page. Without ``?ma=``: the code is written once, in the text."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/tra-cuu/"


def _desk_place(dossier: Dossier) -> str:
    """Where the applicant brings papers or collects the result: the agency's desk."""
    agency = dossier.agency
    return f"{agency.name}, {agency.address}" if agency.address else agency.name


def _recipients(dossier: Dossier) -> list[tuple[str, str]]:
    """The channels the applicant gave, each with its recipient."""
    pairs = ((Channel.EMAIL, dossier.applicant_email), (Channel.SMS, dossier.applicant_phone))
    return [(channel, recipient) for channel, recipient in pairs if recipient]


def _notice_texts(dossier: Dossier, milestone: Milestone) -> dict[str, NoticeText]:
    """The agency's wording of a milestone for the applicant's channels (one query, or none)."""
    channels = [channel for channel, _recipient in _recipients(dossier)]
    if not channels:
        return {}
    return notice_templates_get(
        agency_code=dossier.agency.code, milestone=milestone, channels=channels
    )


def _notify(
    dossier: Dossier,
    milestone: Milestone,
    *,
    email_extra: str = "",
    texts: dict[str, NoticeText] | None = None,
    **fields: str,
) -> None:
    """Tell the applicant of a milestone: one message per channel they gave, after commit.
    ``email_extra`` is a paragraph added to the e-mail only (a link to a form); ``texts`` the
    wording read beforehand (``_notice_texts``), e.g. before intake locks its counters."""
    context = {
        "agency": dossier.agency.name,
        "code": dossier.code,
        "date": clock.to_local(clock.now()).strftime("%d/%m/%Y"),
        "link": lookup_link(),
        "applicant": dossier.applicant_name,
        "procedure": dossier.procedure_name,
        **fields,
    }
    if texts is None:
        texts = _notice_texts(dossier, milestone)
    messages = []
    for channel, recipient in _recipients(dossier):
        text = texts[channel]
        messages.append(
            {
                "channel": channel,
                "recipient": recipient,
                "subject": template_render(text.subject, context)
                if channel == Channel.EMAIL
                else "",
                "body": template_render(text.body, context)
                + (f"\n\n{email_extra}" if email_extra and channel == Channel.EMAIL else ""),
                "agency_code": dossier.agency.code,
                "object_type": "dossiers.dossier",
                "object_id": str(dossier.pk),
            }
        )
    outbox_enqueue_all(messages)


def _promise_sentence(dossier: Dossier) -> str:
    """The sentence on the agency's own promise, when it ends before the legal appointment."""
    return promise_sentence(dossier.service_due_at)


def promise_sentence(service_due_at: dt.datetime | None) -> str:
    """The sentence on the agency's own promise (empty without one)."""
    if service_due_at is None:
        return ""
    return " " + _("The agency promises the result by %(date)s.") % {"date": _local(service_due_at)}


def applicant_form_link(dossier: Dossier, form: str) -> str:
    """The applicant's link to one of the dossier's forms (by its token, on the portal)."""
    from django.urls import reverse  # the portal's URL name: no import of the app above

    path = reverse("portal:submission-form", args=[dossier.access_token, form])
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def _receipt_texts(dossier: Dossier) -> dict[str, NoticeText]:
    """The receipt notice's wording, read before intake takes its counters."""
    with translation.override("vi"):
        return _notice_texts(dossier, Milestone.RECEIVED)


def _receipt_notice(dossier: Dossier, texts: dict[str, NoticeText] | None = None) -> None:
    with translation.override("vi"):
        # An online applicant was not at the desk: form 01 with the appointment comes by e-mail
        # (Decree 118/2025 art. 17.3), as the link to its PDF.
        extra = ""
        if dossier.submitted_at is not None:
            extra = _("Receipt and appointment (form 01): %(link)s") % {
                "link": applicant_form_link(dossier, "receipt")
            }
        _notify(
            dossier,
            Milestone.RECEIVED,
            email_extra=extra,
            due=_local(dossier.promised_due_at) + _promise_sentence(dossier),
            texts=texts,
        )


def _supplement_notice(dossier: Dossier, *, reason: str, items: list[str]) -> None:
    """Form 02: what is missing, why, where to bring it and by when."""
    # [A] The law sets no general time for the applicant to supplement; the agency's
    # ISOGOV_SUPPLEMENT_REPLY_WORKING_DAYS (0: no deadline stated) is written in the notice.
    days = settings.ISOGOV_SUPPLEMENT_REPLY_WORKING_DAYS
    deadline = ""
    if days:
        deadline = _local(_calendar(dossier).add(clock.now(), days, TimeUnit.WORKING_DAYS).due_at)
    with translation.override("vi"):
        _notify(
            dossier,
            Milestone.SUPPLEMENT_REQUESTED,
            reason=reason,
            papers="; ".join(items) or reason,
            place=_desk_place(dossier),
            deadline=deadline or _("as soon as possible"),
        )


def _apology_notice(dossier: Dossier, *, reason: str, new_due_at: Any) -> None:
    with translation.override("vi"):
        _notify(dossier, Milestone.APOLOGY, reason=reason, new_date=_local(new_due_at))


def _refusal_notice(dossier: Dossier, *, reason: str) -> None:
    """Refused at intake (form 03) or after appraisal: the reasons."""
    with translation.override("vi"):
        _notify(dossier, Milestone.REFUSED, reason=reason)


def _finished_notice(dossier: Dossier) -> None:
    """The result may be collected (sent once it is approved, ISO 9001 §8.6)."""
    early = (
        dossier.due_at is not None
        and dossier.finished_at is not None
        and deadlines.classify(
            calendar=_calendar(dossier), finished_at=dossier.finished_at, due_at=dossier.due_at
        ).outcome
        == deadlines.Outcome.EARLY
    )
    with translation.override("vi"):
        _notify(
            dossier,
            Milestone.RESULT_READY,
            place=_desk_place(dossier),
            ready_from=_local(clock.now()),
            early=" trước hạn" if early else "",
        )


def _returned_notice(dossier: Dossier) -> None:
    with translation.override("vi"):
        method = dossier.return_method
        label = str(ReturnMethod(method).label) if method in ReturnMethod.values else method
        _notify(dossier, Milestone.RESULT_RETURNED, method=label)


@transaction.atomic
def notice_template_update(
    *,
    actor: User,
    agency: Agency,
    milestone: str,
    channel: str,
    subject: str,
    body: str,
    version: object,
) -> NoticeTemplate:
    """Reword one of the agency's notices (version-checked, audited with before and after)."""
    if not user_has_role(user=actor, roles=NOTICE_EDITORS, agency=agency):
        raise PermissionDenied(NOT_NOTICE_EDITOR)
    row, before = notice_template_save(
        agency_code=agency.code,
        milestone=milestone,
        channel=channel,
        subject=subject,
        body=body,
        version=version,
    )
    audit_record(
        actor=actor,
        action="notifications.template.update",
        target=row,
        agency=agency,
        before=before or None,
        after={"subject": row.subject, "body": row.body, "version": row.version},
    )
    return row

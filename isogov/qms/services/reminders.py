"""Reminders of the QMS: idempotent and catching up.

Anything due on or before today + its lead time, and not yet reminded for that due date, gets
one reminder (a ``Reminder`` row, unique per kind, item, person and due date, and an e-mail in
the outbox). Never "due == today + 10": a day the job did not run is caught up by the next run,
and running twice sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.core import clock
from isogov.notifications.models import Channel
from isogov.notifications.services import outbox_enqueue

from ..models import (
    ActionStatus,
    Audit,
    AuditStatus,
    ControlledDocument,
    CorrectiveAction,
    DocumentRevision,
    ManagementReview,
    NcStatus,
    Nonconformity,
    Reminder,
    ReminderKind,
)
from ..rules import add_months
from ..transitions import RevisionStatus
from ._common import QMS_MANAGERS
from .documents import revision_readers


@dataclass(frozen=True)
class Due:
    kind: str
    key: str
    user: User
    agency: Agency
    due_on: dt.date
    subject: str


def lead_days() -> int:
    """Days ahead of a due date that a reminder goes out ([A] 7; ISOGOV_QMS_REMINDER_LEAD_DAYS)."""
    return int(getattr(settings, "ISOGOV_QMS_REMINDER_LEAD_DAYS", 7))


def _managers(agency: Agency) -> list[User]:
    return list(
        User.objects.filter(
            role_assignments__agency=agency, role_assignments__role__in=QMS_MANAGERS
        ).distinct()
    )


def due_items(*, today: dt.date) -> Iterator[Due]:
    """Every item due by today + the lead time, with the person to remind."""
    horizon = today + dt.timedelta(days=lead_days())
    for document in ControlledDocument.objects.filter(next_review_on__lte=horizon).select_related(
        "agency"
    ):
        assert document.next_review_on is not None
        for user in _managers(document.agency):
            yield Due(
                ReminderKind.DOCUMENT_REVIEW,
                f"doc:{document.pk}",
                user,
                document.agency,
                document.next_review_on,
                _("Review document %(code)s") % {"code": document.code},
            )
    published = DocumentRevision.objects.filter(status=RevisionStatus.PUBLISHED).select_related(
        "document__agency"
    )
    for revision in published:
        assert revision.effective_on is not None
        read = set(revision.acknowledgements.values_list("user_id", flat=True))
        for user in revision_readers(revision=revision):
            if user.pk not in read:
                yield Due(
                    ReminderKind.READ,
                    f"rev:{revision.pk}",
                    user,
                    revision.document.agency,
                    revision.effective_on,
                    _("Read document %(code)s") % {"code": revision.document.code},
                )
    actions = CorrectiveAction.objects.filter(
        status=ActionStatus.OPEN, due_on__lte=horizon
    ).select_related("owner", "nonconformity__agency", "review__agency")
    for action in actions:
        parent = action.nonconformity or action.review
        assert parent is not None
        yield Due(
            ReminderKind.ACTION,
            f"action:{action.pk}",
            action.owner,
            parent.agency,
            action.due_on,
            _("Action due: %(action)s") % {"action": action.description[:200]},
        )
    ncs = Nonconformity.objects.filter(
        status=NcStatus.IN_PROGRESS, effectiveness_due_on__lte=horizon
    ).select_related("agency", "owner")
    for nc in ncs:
        assert nc.effectiveness_due_on is not None
        for user in [nc.owner] if nc.owner else _managers(nc.agency):
            yield Due(
                ReminderKind.EFFECTIVENESS,
                f"nc:{nc.pk}",
                user,
                nc.agency,
                nc.effectiveness_due_on,
                _("Check the effectiveness of %(code)s") % {"code": nc.code},
            )
    audits = Audit.objects.filter(status=AuditStatus.PLANNED, starts_on__lte=horizon)
    for audit in audits.select_related("agency"):
        for user in audit.team.all():
            yield Due(
                ReminderKind.AUDIT,
                f"audit:{audit.pk}",
                user,
                audit.agency,
                audit.starts_on,
                _("Internal audit: %(title)s") % {"title": audit.title},
            )
    # Decision 19/2014: a management review at least once a year.
    for agency in Agency.objects.filter(pk__in=ManagementReview.objects.values("agency")):
        last = ManagementReview.objects.filter(agency=agency).order_by("-held_on").first()
        assert last is not None
        due = add_months(last.held_on, 12)
        if due <= horizon:
            for user in _managers(agency):
                yield Due(
                    ReminderKind.MANAGEMENT_REVIEW,
                    f"agency:{agency.pk}",
                    user,
                    agency,
                    due,
                    _("The yearly management review is due"),
                )


def reminders_send(*, today: dt.date | None = None) -> int:
    """Send each due reminder once; return how many were sent now."""
    today = today or clock.today()
    sent = 0
    for item in due_items(today=today):
        if Reminder.objects.filter(
            kind=item.kind, key=item.key, user=item.user, due_on=item.due_on
        ).exists():
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    kind=item.kind,
                    key=item.key,
                    user=item.user,
                    agency=item.agency,
                    due_on=item.due_on,
                    subject=item.subject,
                    sent_at=clock.now(),
                )
                if item.user.email:
                    outbox_enqueue(
                        channel=Channel.EMAIL,
                        recipient=item.user.email,
                        subject=item.subject,
                        body=_("%(subject)s — due on %(date)s.")
                        % {"subject": item.subject, "date": item.due_on.strftime("%d/%m/%Y")},
                        agency_code=item.agency.code,
                        object_type="qms.reminder",
                        object_id=str(reminder.pk),
                    )
        except IntegrityError:  # another worker sent it meanwhile
            continue
        sent += 1
    return sent

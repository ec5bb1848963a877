"""What a calendar change does to the open dossiers: a preview before, the recompute after.

A change is an agency's day added or removed (one date of one agency), a national day set or
removed (one date of every agency), or an agency's office hours (every day of one agency). The
working calendar (``isogov.workcal``) sits below the dossiers and must not import them
(pyproject's import-linter contract), so the calendar page reaches these two functions through
the composition root (``isogov/views.py``); see ``docs/calendar.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.core import clock
from isogov.notifications.notices import Milestone

from ..models import Dossier
from ..transitions import Status
from ._kernel import _event, _local, _save
from .clock import DEADLINE_FIELDS, refresh_deadline
from .notices import _notify

# The clock runs and the result is not ready: the appointment can still move.
RUNNING = (
    Status.RECEIVED,
    Status.IN_PROCESS,
    Status.PAYMENT_REQUESTED,
    Status.WITHDRAWAL_REQUESTED,
)


@dataclass(frozen=True)
class Moved:
    """A dossier whose appointment (``promised_due_at``) a calendar change moves."""

    dossier: Dossier
    old_appointment: dt.datetime | None
    new_appointment: dt.datetime | None


def _candidates(agency: Agency | None, date: dt.date | None) -> QuerySet[Dossier]:
    """Open dossiers whose counted time may cross ``date``: received by its end and due on or
    after its start (a due time before the day cannot depend on it). ``agency`` None: of every
    agency (a national day). ``date`` None: every day (office hours), so every open dossier
    not yet due by the start of today; a due time already passed stays as it was."""
    start = dt.datetime.combine(date or clock.today(), dt.time(), tzinfo=clock.LOCAL_TZ)
    # An external dossier keeps the due times its source system gave (docs/integrations.md).
    dossiers = Dossier.objects.filter(status__in=RUNNING, source="")
    if agency is not None:
        dossiers = dossiers.filter(agency=agency)
    if date is not None:
        dossiers = dossiers.filter(received_at__lt=start + dt.timedelta(days=1))
    return (
        dossiers.filter(
            Q(due_at__gte=start) | Q(promised_due_at__gte=start) | Q(service_due_at__gte=start)
        )
        .select_related("agency")
        .order_by("promised_due_at", "id")
    )


def _recomputed(
    agency: Agency | None, date: dt.date | None
) -> list[tuple[Dossier, dict[str, object]]]:
    """Each candidate with its new due times (set on the object, not saved), and the old ones."""
    result = []
    for dossier in _candidates(agency, date):
        before = {name: getattr(dossier, name) for name in DEADLINE_FIELDS}
        refresh_deadline(dossier)
        if any(getattr(dossier, name) != value for name, value in before.items()):
            result.append((dossier, before))
    return result


def dossier_calendar_preview(
    *, agency: Agency | None, date: dt.date | None, change: Callable[[], object]
) -> list[Moved]:
    """The open dossiers whose appointment would move if ``change`` (a calendar service call
    for ``date`` of ``agency``, None as for ``dossier_calendar_recompute``) were saved.
    ``change`` runs in a savepoint that is always rolled back, so the preview uses exactly the
    calendar the change would produce and nothing is stored; an error of ``change``
    (permission, validation) propagates."""
    moved: list[Moved] = []
    with transaction.atomic():
        change()
        for dossier, before in _recomputed(agency, date):
            if dossier.promised_due_at != before["promised_due_at"]:
                old = before["promised_due_at"]
                assert old is None or isinstance(old, dt.datetime)
                moved.append(Moved(dossier, old, dossier.promised_due_at))
        transaction.set_rollback(True)
    return moved


@transaction.atomic
def dossier_calendar_recompute(
    *, actor: User | None, agency: Agency | None, date: dt.date | None
) -> list[Moved]:
    """After a calendar change for ``date`` of ``agency``: recompute the due times of the open
    dossiers it touches (``refresh_deadline``), record an event on each, and tell the applicants
    whose appointment moved (one e-mail and one SMS each, through the outbox). ``agency`` None:
    a national day (every agency); ``date`` None: the agency's office hours (every day)."""
    moved: list[Moved] = []
    for dossier, before in _recomputed(agency, date):
        _save(dossier, *DEADLINE_FIELDS)
        old = before["promised_due_at"]
        assert old is None or isinstance(old, dt.datetime)
        appointment_moved = dossier.promised_due_at != old
        times = {"old": _local(old), "new": _local(dossier.promised_due_at)}
        if date is None:
            message = _("Office hours changed: appointment %(old)s → %(new)s.") % times
        else:
            message = _("Working calendar changed on %(date)s: appointment %(old)s → %(new)s.") % {
                "date": date.strftime("%d/%m/%Y"),
                **times,
            }
        _event(
            dossier,
            actor=actor,
            action="recalendar",
            message=message,
            data={
                "date": date.isoformat() if date else None,
                "old_appointment": old.isoformat() if old else None,
                "new_appointment": (
                    dossier.promised_due_at.isoformat() if dossier.promised_due_at else None
                ),
            },
        )
        if appointment_moved:
            moved.append(Moved(dossier, old, dossier.promised_due_at))
            _moved_notice(dossier, old)
    return moved


def _moved_notice(dossier: Dossier, old: dt.datetime | None) -> None:
    _notify(
        dossier,
        Milestone.APPOINTMENT_MOVED,
        old_date=_local(old),
        new_date=_local(dossier.promised_due_at),
    )

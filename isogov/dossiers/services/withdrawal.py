"""Withdrawal and stop at the applicant's request (Decree 118/2025 art. 21)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import (
    ApplicationError,
)

from ..models import (
    Dossier,
    DossierEvent,
)
from ..transitions import Status
from ._kernel import (
    DECISION_ISSUED,
    _begin,
    _move,
    _outgoing_number,
    _save,
    _transition,
)


def _refuse_after_decision(dossier: Dossier) -> None:
    """Decree 118/2025 art. 21: withdrawal and stop only until the decision is issued."""
    if dossier.result_number:
        message = DECISION_ISSUED % {"number": dossier.result_number}
        raise ApplicationError(message, code="decision_issued")


@transaction.atomic
def dossier_request_withdrawal(
    *, actor: User, code: str, version: int | None, reason: str
) -> Dossier:
    """The applicant asks to stop (Decree 118/2025 art. 21)."""
    return _move(
        "request_withdrawal",
        actor=actor,
        code=code,
        version=version,
        data={"reason": reason},
        check=_refuse_after_decision,
    )


@transaction.atomic
def dossier_stop(*, actor: User, code: str, version: int | None, reason: str = "") -> Dossier:
    """Stop the dossier at the applicant's request before any decision (stop notice)."""
    dossier = _move(
        "stop",
        actor=actor,
        code=code,
        version=version,
        data={"reason": reason},
        check=_refuse_after_decision,
    )
    # The stop notice (Circular 03/2025 form 05) takes a number of the agency's register of
    # outgoing documents for the year.
    dossier.stop_number, dossier.stop_symbol = _outgoing_number(
        dossier.agency, clock.now(), settings.ISOGOV_STOP_NOTICE_SYMBOL
    )
    dossier.save(update_fields=["stop_number", "stop_symbol"])
    return dossier


@transaction.atomic
def dossier_cancel_withdrawal(*, actor: User, code: str, version: int | None) -> Dossier:
    """The applicant takes the withdrawal request back: the dossier returns to where it was."""
    dossier, _values = _begin("cancel_withdrawal", actor=actor, code=code, version=version)
    request = dossier.events.filter(action="request_withdrawal").order_by("-at", "-id").first()
    back = Status(request.from_status) if request and request.from_status else Status.IN_PROCESS
    _transition(dossier, to=back, actor=actor, action="cancel_withdrawal", message="")
    _save(dossier, "status")
    return dossier


def dossiers_stopped_at_fill(*, ids: Iterable[int]) -> int:
    """Store when each stopped dossier among ``ids`` stopped, from its first event into
    "stopped": for histories written without the services (imports); returns how many."""
    first_stop = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), to_status=Status.STOPPED)
        .order_by("at")
        .values("at")[:1]
    )
    return Dossier.objects.filter(pk__in=list(ids), status=Status.STOPPED).update(
        stopped_at=Subquery(first_stop)
    )

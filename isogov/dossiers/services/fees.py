"""Fees and charges: payment requests and payments."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import (
    ValidationFailed,
)

from ..models import (
    Dossier,
    Payment,
)
from ..transitions import Status
from ._kernel import (
    AMOUNT_POSITIVE,
    HANDLER_ROLES,
    _event,
    _lock,
    _move,
    _require,
    _ruleset,
    _save,
    _transition,
)
from .clock import DEADLINE_FIELDS, refresh_deadline


@transaction.atomic
def dossier_request_payment(*, actor: User, code: str, version: int | None) -> Dossier:
    """Ask the applicant to pay the fees due."""
    dossier = _move(
        actor=actor,
        code=code,
        version=version,
        roles=HANDLER_ROLES,
        to=Status.PAYMENT_REQUESTED,
        action="request_payment",
    )
    if not _ruleset(dossier).payment_time_counts:
        # The rule set leaves the payment time out: the clock pauses until the fees are paid.
        refresh_deadline(dossier)
        dossier.save(update_fields=list(DEADLINE_FIELDS))
    return dossier


def _fees_outstanding(dossier: Dossier) -> int:
    due = dossier.fees.aggregate(total=Sum("amount_vnd"))["total"] or 0
    paid = dossier.payments.aggregate(total=Sum("amount_vnd"))["total"] or 0
    return max(due - paid, 0)


@transaction.atomic
def dossier_record_payment(
    *,
    actor: User,
    code: str,
    version: int | None,
    amount_vnd: int,
    method: str,
    receipt_number: str,
) -> Payment:
    """Record a fee payment; a dossier waiting for payment goes back to processing."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    if amount_vnd <= 0:
        raise ValidationFailed(AMOUNT_POSITIVE, details={"amount_vnd": [str(AMOUNT_POSITIVE)]})
    if not receipt_number.strip():
        raise ValidationFailed(
            _("Enter the receipt number."),
            details={"receipt_number": [_("This field is required.")]},
        )
    payment = Payment.objects.create(
        dossier=dossier,
        amount_vnd=amount_vnd,
        method=method,
        receipt_number=receipt_number.strip(),
        paid_at=clock.now(),
        recorded_by=actor,
    )
    _event(
        dossier,
        actor=actor,
        action="payment",
        data={"amount_vnd": amount_vnd, "receipt_number": receipt_number},
    )
    if dossier.status == Status.PAYMENT_REQUESTED and _fees_outstanding(dossier) == 0:
        _transition(dossier, to=Status.IN_PROCESS, actor=actor, action="paid")
        # Paid: when the rule set leaves the payment time out, the due time moves by the wait.
        refresh_deadline(dossier)
    _save(dossier, "status", *DEADLINE_FIELDS)
    return payment

"""Fees and charges: payment requests and payments."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum

from isogov.accounts.models import User
from isogov.core import clock

from ..models import (
    Dossier,
    Payment,
)
from ..transitions import WAITING_FOR_PAYMENT, Status
from ._kernel import (
    _begin,
    _event,
    _move,
    _ruleset,
    _save,
    _transition,
)
from .clock import DEADLINE_FIELDS, refresh_deadline


@transaction.atomic
def dossier_request_payment(*, actor: User, code: str, version: int | None) -> Dossier:
    """Ask the applicant to pay the fees due."""
    dossier = _move("request_payment", actor=actor, code=code, version=version)
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
    dossier, values = _begin(
        "record_payment",
        actor=actor,
        code=code,
        version=version,
        data={"amount_vnd": amount_vnd, "method": method, "receipt_number": receipt_number},
    )
    amount_vnd, method, receipt_number = (
        values["amount_vnd"],
        values["method"],
        values["receipt_number"],
    )
    payment = Payment.objects.create(
        dossier=dossier,
        amount_vnd=amount_vnd,
        method=method,
        receipt_number=receipt_number,
        paid_at=clock.now(),
        recorded_by=actor,
    )
    _event(
        dossier,
        actor=actor,
        action="payment",
        data={"amount_vnd": amount_vnd, "receipt_number": receipt_number},
    )
    if dossier.status in WAITING_FOR_PAYMENT and _fees_outstanding(dossier) == 0:
        _transition(dossier, to=Status.IN_PROCESS, actor=actor, action="paid")
        # Paid: when the rule set leaves the payment time out, the due time moves by the wait.
        refresh_deadline(dossier)
    _save(dossier, "status", *DEADLINE_FIELDS)
    return payment

"""Reads of subscriptions and deliveries, scoped to the agencies a user (or a key) manages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from isogov.accounts.models import Agency, User
from isogov.accounts.selectors import integration_agencies
from isogov.core.errors import NotFound
from isogov.notifications.models import OutboxMessage

from .models import WebhookDelivery, WebhookSubscription


def webhook_subscription_list(*, user: User) -> QuerySet[WebhookSubscription]:
    ids = [agency.pk for agency in integration_agencies(user=user)]
    return WebhookSubscription.objects.filter(agency_id__in=ids).select_related("agency")


def webhook_subscription_get(*, user: User, pk: int) -> WebhookSubscription:
    found = webhook_subscription_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def webhook_delivery_list_for_agency(*, agency: Agency) -> QuerySet[WebhookDelivery]:
    """An agency's deliveries, newest first (for a machine client's key of that agency)."""
    return WebhookDelivery.objects.filter(subscription__agency=agency).select_related(
        "subscription__agency"
    )


def webhook_delivery_get(*, user: User, pk: int) -> WebhookDelivery:
    ids = [agency.pk for agency in integration_agencies(user=user)]
    found = (
        WebhookDelivery.objects.filter(pk=pk, subscription__agency_id__in=ids)
        .select_related("subscription__agency")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def webhook_delivery_get_for_agency(*, agency: Agency, pk: int) -> WebhookDelivery:
    found = webhook_delivery_list_for_agency(agency=agency).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery with its outbox state, for the log page and the API."""

    delivery: WebhookDelivery
    status: str
    attempts: int
    last_error: str
    next_attempt_at: object
    sent_at: object


def webhook_delivery_rows(deliveries: list[WebhookDelivery]) -> list[DeliveryRow]:
    """Each delivery with the state of its (latest) outbox message, in one query."""
    ids = [d.outbox_message_id for d in deliveries if d.outbox_message_id]
    messages = {m.pk: m for m in OutboxMessage.objects.filter(pk__in=ids)}
    rows = []
    for delivery in deliveries:
        message = messages.get(delivery.outbox_message_id or 0)
        rows.append(
            DeliveryRow(
                delivery=delivery,
                status=message.status if message else "",
                attempts=message.attempts if message else 0,
                last_error=message.last_error if message else "",
                next_attempt_at=message.next_attempt_at if message else None,
                sent_at=message.sent_at if message else None,
            )
        )
    return rows

"""Subscriptions, the event reader that fills the outbox, and replays."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, User
from isogov.accounts.services.api_keys import require_integration_manager
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import ValidationFailed, check_version
from isogov.dossiers.models import DossierEvent
from isogov.notifications.models import Channel
from isogov.notifications.services import outbox_enqueue

from .events import event_types_for
from .models import (
    WebhookCursor,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from .signing import webhook_new_secret

CURSOR = "dossier_events"

NAME_REQUIRED = _("Give the receiver a name.")
URL_INVALID = _("Give the receiver's full address, starting with https://.")
URL_NOT_HTTPS = _("The receiver's address must start with https://.")
EVENTS_REQUIRED = _("Choose at least one event.")
EVENT_UNKNOWN = _("Unknown event: %(event)s.")
ALREADY_IN_STATE = _("Nothing to change: the subscription is already in that state.")


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 254:
        raise _fail("url", URL_INVALID)
    if parts.scheme == "http" and not settings.ISOGOV_WEBHOOK_ALLOW_HTTP:
        raise _fail("url", URL_NOT_HTTPS)
    return url


def _ensure_cursor() -> None:
    """Start reading the timeline from now on: a subscriber gets no past events."""
    if not WebhookCursor.objects.filter(name=CURSOR).exists():
        last = DossierEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        WebhookCursor.objects.get_or_create(name=CURSOR, defaults={"last_id": last})


@transaction.atomic
def webhook_subscription_create(
    *, actor: User, agency: Agency, name: str, url: str, events: list[str]
) -> tuple[WebhookSubscription, str]:
    """Subscribe a receiver; returns it and its signing secret (shown to the agency once)."""
    require_integration_manager(actor=actor, agency=agency)
    name = name.strip()
    if not name:
        raise _fail("name", NAME_REQUIRED)
    url = _check_url(url)
    if not events:
        raise _fail("events", EVENTS_REQUIRED)
    for event in events:
        if event not in WebhookEventType.values:
            raise _fail("events", EVENT_UNKNOWN % {"event": event})
    secret = webhook_new_secret()
    subscription = WebhookSubscription.objects.create(
        agency=agency,
        name=name[:200],
        url=url,
        events=sorted(set(events)),
        secret=secret,
        created_by=actor,
    )
    _ensure_cursor()
    audit_record(
        actor=actor,
        action="webhook_subscription.create",
        target=subscription,
        agency=agency,
        after={"name": subscription.name, "url": url, "events": subscription.events},
    )
    return subscription, secret


@transaction.atomic
def webhook_subscription_set_active(
    *, actor: User, subscription: WebhookSubscription, is_active: bool, version: object
) -> WebhookSubscription:
    """Pause or resume a subscription (version-checked); paused ones get no new deliveries."""
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    require_integration_manager(actor=actor, agency=subscription.agency)
    check_version(stored=locked.version, sent=version)
    if locked.is_active == is_active:
        raise ValidationFailed(ALREADY_IN_STATE)
    locked.is_active = is_active
    locked.version += 1
    locked.save(update_fields=["is_active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="webhook_subscription.activate" if is_active else "webhook_subscription.pause",
        target=locked,
        agency=subscription.agency,
        before={"is_active": not is_active},
        after={"is_active": is_active},
    )
    return locked


def _instant(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def webhook_payload(*, event: DossierEvent, event_type: str, event_id: str) -> str:
    """The body of one delivery: no personal data, only the dossier's code, status and dates."""
    dossier = event.dossier
    step = dossier.current_step
    payload = {
        "id": event_id,
        "type": event_type,
        "occurred_at": _instant(event.at),
        "agency": dossier.agency.code,
        "dossier": {
            "code": dossier.code,
            "procedure_code": dossier.procedure_code,
            "status": dossier.status,
            "received_at": _instant(dossier.received_at),
            "due_at": _instant(dossier.due_at),
            "finished_at": _instant(dossier.finished_at),
            "returned_at": _instant(dossier.returned_at),
            "current_step": step.name if step is not None else None,
        },
        "change": {
            "action": event.action,
            "from_status": event.from_status or None,
            "to_status": event.to_status or None,
        },
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _queue(subscription: WebhookSubscription, delivery: WebhookDelivery) -> None:
    message = outbox_enqueue(
        channel=Channel.WEBHOOK,
        recipient=subscription.url,
        subject=delivery.event_type,
        body=delivery.body,
        agency_code=subscription.agency.code,
        object_type=WebhookDelivery._meta.label_lower,
        object_id=str(delivery.pk),
    )
    delivery.outbox_message_id = message.pk
    delivery.save(update_fields=["outbox_message_id", "updated_at"])


def _subscriptions_by_agency() -> dict[int, list[WebhookSubscription]]:
    found: dict[int, list[WebhookSubscription]] = {}
    for subscription in WebhookSubscription.objects.filter(is_active=True).select_related("agency"):
        found.setdefault(subscription.agency_id, []).append(subscription)
    return found


# A gap wider than this is not a few transactions in flight (there are at most as many as
# workers) but rolled-back ones, or a sequence ahead of the rows (PostgreSQL): not tracked.
MAX_TRACKED_GAP = 200


def _read(cursor: WebhookCursor, *, limit: int) -> list[DossierEvent]:
    """The events past the cursor and those missed before; moves the cursor and its gaps."""
    now = clock.now()
    wait = dt.timedelta(seconds=settings.ISOGOV_WEBHOOK_GAP_SECONDS)
    pending = {
        int(event_id): dt.datetime.fromisoformat(seen)
        for event_id, seen in cursor.pending.items()
        if now - dt.datetime.fromisoformat(seen) < wait
    }
    events = DossierEvent.objects.select_related("dossier__agency", "dossier__current_step")
    late = list(events.filter(pk__in=list(pending)).order_by("pk")) if pending else []
    fresh = list(events.filter(pk__gt=cursor.last_id).order_by("pk")[:limit])
    expected = cursor.last_id + 1
    for event in fresh:
        if 0 < event.pk - expected <= MAX_TRACKED_GAP:
            pending.update((missing, now) for missing in range(expected, event.pk))
        expected = event.pk + 1
    for event in late:
        pending.pop(event.pk, None)
    if fresh:
        cursor.last_id = fresh[-1].pk
    cursor.pending = {str(k): v.isoformat() for k, v in sorted(pending.items())}
    cursor.save(update_fields=["last_id", "pending"])
    return late + fresh


@transaction.atomic
def webhook_events_collect(*, limit: int = 500) -> int:
    """Read the dossiers' timeline past the cursor and queue a delivery for each event and
    subscriber that wants it; returns how many deliveries were queued.

    Ids are read in order. An id missing below the last one read (a transaction not yet
    committed, or rolled back) is looked for again at each run for
    ``ISOGOV_WEBHOOK_GAP_SECONDS``, so that an event committed late is still sent; a delivery
    is made once per subscription and event (a unique constraint).
    """
    cursor = WebhookCursor.objects.select_for_update().filter(name=CURSOR).first()
    if cursor is None:  # no subscription was ever made
        return 0
    events = _read(cursor, limit=limit)
    subscriptions = _subscriptions_by_agency() if events else {}
    queued = 0
    for event in events:
        types = event_types_for(
            action=event.action, from_status=event.from_status, to_status=event.to_status
        )
        for subscription in subscriptions.get(event.dossier.agency_id, []) if types else []:
            for event_type in types:
                if event_type not in subscription.events:
                    continue
                event_id = f"{event.pk}.{event_type}"
                delivery = WebhookDelivery.objects.create(
                    subscription=subscription,
                    event_id=event_id,
                    event_type=event_type,
                    body=webhook_payload(event=event, event_type=event_type, event_id=event_id),
                )
                _queue(subscription, delivery)
                queued += 1
    return queued


@transaction.atomic
def webhook_delivery_replay(*, actor: User | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again: same body and event id, a fresh signature and timestamp.

    ``actor`` is the agency's manager on the page, or ``None`` for a machine client whose key
    may receive the agency's webhooks (the API checked the key).
    """
    locked = (
        WebhookDelivery.objects.select_for_update()
        .select_related("subscription__agency")
        .get(pk=delivery.pk)
    )
    agency = locked.subscription.agency
    if actor is not None:
        require_integration_manager(actor=actor, agency=agency)
    locked.replays += 1
    locked.save(update_fields=["replays", "updated_at"])
    _queue(locked.subscription, locked)
    audit_record(
        actor=actor,
        action="webhook_delivery.replay",
        target=locked,
        agency=agency,
        after={"event_id": locked.event_id, "outbox_message": locked.outbox_message_id},
    )
    return locked

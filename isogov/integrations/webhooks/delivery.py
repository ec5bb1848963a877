"""Send one webhook delivery for the outbox (``ISOGOV_OUTBOX_SENDERS["webhook"]``).

The outbox calls ``webhook_send`` inside its transaction, counts the attempt, and retries with
a growing delay when it raises; this module signs, posts, and writes the attempt log.
Redirects are not followed (a receiver cannot bounce the request elsewhere).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from isogov.core import clock

from .models import WebhookAttempt, WebhookDelivery
from .signing import HEADER, webhook_signature_header

USER_AGENT = "isogov-webhooks/1"


class WebhookDeliveryFailed(Exception):
    """The receiver did not answer 2xx (the outbox retries)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def webhook_send(message: Any) -> None:
    """POST the delivery's body, signed now with the subscriber's secret; raise unless 2xx."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=int(message.object_id))
    body = message.body.encode()
    now = clock.now()
    header = webhook_signature_header(
        secret=delivery.subscription.secret, timestamp=int(now.timestamp()), body=body
    )
    request = urllib.request.Request(  # noqa: S310 (http/https only: checked on subscribing)
        message.recipient,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            HEADER: header,
            "Isogov-Event": delivery.event_type,
            "Isogov-Event-Id": delivery.event_id,
        },
    )
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        with _opener.open(request, timeout=settings.ISOGOV_WEBHOOK_TIMEOUT_SECONDS) as answer:
            status = answer.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    except (OSError, ValueError) as failure:  # refused connection, timeout, bad address
        error = f"{type(failure).__name__}: {failure}"[:500]
    if status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        url=message.recipient[:254],
        status_code=status,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    if error:
        raise WebhookDeliveryFailed(error)

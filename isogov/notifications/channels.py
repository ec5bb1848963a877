"""Delivery channels. E-mail goes through Django's mail backend; SMS through an adapter."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Send one SMS or raise an exception."""


class LogSmsBackend:
    """Writes SMS to the log: the default until an agency configures its SMS gateway."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone[:3] + "*****" + phone[-2:], text)


def send_email(*, recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)


def send_sms(*, recipient: str, body: str) -> None:
    backend: SmsBackend = import_string(settings.ISOGOV_SMS_BACKEND)()
    backend.send(phone=recipient, text=body)


def send_other(*, channel: str, message: Any) -> None:
    """A channel an app above this one delivers (``ISOGOV_OUTBOX_SENDERS``: channel → dotted
    path of ``send(message)``, which raises on failure), e.g. the integrations' webhooks. The
    outbox keeps the retries and the attempts; the sender only sends."""
    path = settings.ISOGOV_OUTBOX_SENDERS.get(channel)
    if not path:
        raise LookupError(f"no sender for the outbox channel {channel!r}")
    import_string(path)(message)

"""The client's address, as far as this server can trust it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    """The client's address of a Django request (``client_ip_of`` its ``META``)."""
    if request is None:
        return ""
    return client_ip_of(request.META)


def client_ip_of(meta: Mapping[str, Any]) -> str:
    """``REMOTE_ADDR``, or behind ``ISOGOV_PROXY_COUNT`` proxies the address they were given.

    Each trusted proxy appends the address it saw to ``X-Forwarded-For``; the entry that many
    places from the right is the client. Entries further left are the client's own claim and
    are never trusted.
    """
    proxies = int(getattr(settings, "ISOGOV_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return str(meta.get("REMOTE_ADDR", ""))[:64]

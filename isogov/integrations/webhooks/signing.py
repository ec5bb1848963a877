"""The webhook signature (pure): ``Isogov-Signature: t=<unix time>,v1=<hex HMAC-SHA256>``.

The signed text is ``"<t>." + body``, keyed with the subscriber's secret, as Stripe and
GitHub do it; the timestamp inside the signature lets a receiver refuse an old delivery
replayed by someone who captured it (docs/webhooks.md has the receiver's snippet).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "Isogov-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def webhook_new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body``."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={webhook_signature(secret=secret, timestamp=timestamp, body=body)}"

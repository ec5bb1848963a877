"""Machine clients' API keys as plain data: the header, the secret's hash, the scope check.

No queries: ``isogov/api/authentication.py`` parses the header with these, and an app
below ``api`` (``integrations``) asks ``api_key_has_scope(request, scope)`` in its DRF
permission classes without importing the API plumbing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

# The header: ``Authorization: ApiKey <key_id>.<secret>``.
KEYWORD = "ApiKey"
KEY_ID_PREFIX = "ik_"
KEY_ID_BYTES = 8  # 16 hex digits after the prefix
SECRET_BYTES = 32  # 43 URL-safe characters, 256 bits


def api_key_new_credentials() -> tuple[str, str]:
    """A fresh (key id, secret) pair."""
    return KEY_ID_PREFIX + secrets.token_hex(KEY_ID_BYTES), secrets.token_urlsafe(SECRET_BYTES)


def api_key_hash(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_secret_matches(secret: str, stored_hash: str) -> bool:
    """Compare in constant time."""
    return hmac.compare_digest(api_key_hash(secret), stored_hash)


def api_key_split(credentials: str) -> tuple[str, str] | None:
    """``<key_id>.<secret>`` → (key id, secret); None when it is not that shape."""
    key_id, dot, secret = credentials.strip().partition(".")
    if not dot or not key_id.startswith(KEY_ID_PREFIX) or not secret or len(key_id) > 32:
        return None
    return key_id, secret


def api_key_of(request: Any) -> Any:
    """The API key a DRF request was authenticated with, or None (a person, or nobody)."""
    from .models import ApiKey

    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


def api_key_has_scope(request: Any, scope: str) -> bool:
    """True when the request came with a valid API key that carries ``scope``.

    The authentication class has already refused revoked and expired keys (401), so a key
    found here is usable; its agency is ``request.auth.agency``.
    """
    key = api_key_of(request)
    return key is not None and scope in key.scopes

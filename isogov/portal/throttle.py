"""Failed public lookups, counted in the cache per client address and per dossier code.

The same approach as the API throttles (``isogov.api.throttles``) and the sign-in locks: the
counters live in Django's cache (Redis in production, else files), each for a window of
``ISOGOV_LOOKUP_WINDOW_SECONDS``. A code is counted whether or not it exists, so being
throttled says nothing about a code either (docs/decisions/0009-public-portal.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from isogov.core.text import fold_vietnamese


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"portal:fail:{kind}:{digest}"


def _keys(*, ip: str, code: str = "", contact: str = "") -> list[tuple[str, int]]:
    keys = [(_key("ip", ip), settings.ISOGOV_LOOKUP_IP_FAILURES)]
    if code:
        keys.append((_key("code", fold_vietnamese(code)), settings.ISOGOV_LOOKUP_CODE_FAILURES))
    if contact:
        keys.append((_key("contact", contact.casefold()), settings.ISOGOV_LOOKUP_CODE_FAILURES))
    return keys


def is_throttled(*, ip: str, code: str = "", contact: str = "") -> bool:
    """True when the address, or the code, has failed too often in the window."""
    keys = _keys(ip=ip, code=code, contact=contact)
    counts = cache.get_many([key for key, _limit in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def count_failure(*, ip: str, code: str = "", contact: str = "") -> None:
    """Count one failure against the address and the code (the window starts at the first)."""
    window = settings.ISOGOV_LOOKUP_WINDOW_SECONDS
    for key, _limit in _keys(ip=ip, code=code, contact=contact):
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)


def window_minutes() -> int:
    return max(settings.ISOGOV_LOOKUP_WINDOW_SECONDS // 60, 1)

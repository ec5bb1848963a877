"""A fixed-window counter in the cache: the public forms' limit per client address."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def throttle_hit(*, bucket: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request of ``key`` in ``bucket``; True when it is over ``limit`` in the
    current window (a limit of 0 switches the throttle off)."""
    if limit <= 0:
        return False
    # The address is hashed: it is personal data and needs no storing as it is.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"throttle:{bucket}:{digest}"
    if cache.add(name, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window_seconds)
        return False
    return count > limit

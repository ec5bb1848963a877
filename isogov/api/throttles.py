"""API throttles whose rates are read from ``ISOGOV_THROTTLE_RATES`` at each request.

DRF reads its rates once at import; reading them per request lets a deployment (and a test)
change them in settings. The per-user, per-address and per-key counters live in a SQLite file
shared by the installation's processes, or in Django's cache with Redis (``windows.py``); the
token endpoint's in Django's cache.

The per-user, per-address and per-key rates count in a window that opens at a client's first
request and lasts the rate's period: one small ``(start, count)`` pair per client.
DRF's own throttles keep the time of every request of the period and write the whole list back
at each request: at the default 1,200 a minute, 1,200 floats pickled and compressed into a
file at every API call (``bench/http_edge.py``). A client may so send up to twice the rate
across the end of one window and the start of the next. The token endpoint, which checks
passwords at 10 a minute, keeps DRF's exact sliding window.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from isogov.accounts.api_keys import api_key_of
from isogov.core.clientip import client_ip

from .windows import windows


class _RateFromSettings:
    def get_rate(self) -> str | None:
        return settings.ISOGOV_THROTTLE_RATES.get(getattr(self, "scope", ""))


class _Window:
    """A counter per client for a window that opens at the client's first request."""

    def allow_request(self, request: Request, view: Any) -> bool:
        throttle: Any = self
        if throttle.rate is None:
            return True
        key = throttle.get_cache_key(request, view)
        if key is None:
            return True
        key += ":window"  # not DRF's list of times, kept under the bare key by earlier versions
        self._wait = windows().hit(
            key, now=throttle.timer(), duration=throttle.duration, limit=throttle.num_requests
        )
        return self._wait is None

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AnonThrottle(_Window, _RateFromSettings, AnonRateThrottle):
    """Anonymous callers, per client address (a machine client's key has its own rate)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if api_key_of(request) is not None:
            return None
        return super().get_cache_key(request, view)

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or super().get_ident(request)


class UserThrottle(_Window, _RateFromSettings, UserRateThrottle):
    """Signed-in callers, per user."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or super().get_ident(request)


class TokenThrottle(_RateFromSettings, SimpleRateThrottle):
    """The token endpoint, per client address: tight, it checks passwords."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request)}


class ApiKeyThrottle(_Window, _RateFromSettings, SimpleRateThrottle):
    """Machine clients, per API key (``ISOGOV_THROTTLE_API_KEY``); nothing for anyone else."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = api_key_of(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.key_id}

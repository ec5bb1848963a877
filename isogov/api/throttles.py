"""API throttles whose rates are read from ``ISOGOV_THROTTLE_RATES`` at each request.

DRF reads its rates once at import; reading them per request lets a deployment (and a test)
change them in settings. The counters live in Django's cache (Redis, else files).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from isogov.accounts.api_keys import api_key_of
from isogov.core.clientip import client_ip


class _RateFromSettings:
    def get_rate(self) -> str | None:
        return settings.ISOGOV_THROTTLE_RATES.get(getattr(self, "scope", ""))


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous callers, per client address (a machine client's key has its own rate)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if api_key_of(request) is not None:
            return None
        return super().get_cache_key(request, view)

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or super().get_ident(request)


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Signed-in callers, per user."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or super().get_ident(request)


class TokenThrottle(_RateFromSettings, SimpleRateThrottle):
    """The token endpoint, per client address: tight, it checks passwords."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request)}


class ApiKeyThrottle(_RateFromSettings, SimpleRateThrottle):
    """Machine clients, per API key (``ISOGOV_THROTTLE_API_KEY``); nothing for anyone else."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = api_key_of(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": key.key_id}

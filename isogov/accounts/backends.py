"""Sign-in with the lockout check before the password is hashed (ASVS 2.2.1)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from isogov.core.clientip import client_ip

from .services.security import login_failed, login_locked_until, login_succeeded


class LockoutModelBackend(ModelBackend):
    """Django's model backend behind the per-username and per-address locks.

    A locked try raises ``PermissionDenied`` (Django then stops trying other backends) and
    leaves the end of the lock on ``request.isogov_locked_until`` for the page or API to show.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        ip = client_ip(request)
        until = login_locked_until(username=username, ip=ip)
        if until is None:
            user = super().authenticate(request, username=username, password=password)
            if user is not None:
                login_succeeded(username=username)
                return user
            until = login_failed(username=username, ip=ip)
            if until is None:
                return None
        if request is not None:
            request.isogov_locked_until = until  # type: ignore[attr-defined]
        raise PermissionDenied

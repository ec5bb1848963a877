"""Session lifetime: an idle timeout and an absolute lifetime (ASVS 3.3.1, 3.3.2)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

STARTED = "isogov_started_at"
SEEN = "isogov_seen_at"
# The last-seen stamp is rewritten at most this often, so reads do not each write the session.
SEEN_GRANULARITY_SECONDS = 60


def stamp_session_start(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """At sign-in: the session's start and its last request are now."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[SEEN] = now


class SessionExpiryMiddleware:
    """Signs out a session idle for ``ISOGOV_SESSION_IDLE_MINUTES`` or older than
    ``ISOGOV_SESSION_MAX_HOURS``; the next page then asks to sign in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            session = request.session
            now = int(time.time())
            started = int(session.get(STARTED, now))
            seen = int(session.get(SEEN, now))
            idle = settings.ISOGOV_SESSION_IDLE_MINUTES * 60
            lifetime = settings.ISOGOV_SESSION_MAX_HOURS * 3600
            if now - seen > idle or now - started > lifetime:
                logout(request)
                messages.info(request, _("Your session ended; please sign in again."))
            else:
                if STARTED not in session:
                    session[STARTED] = started
                if now - seen >= SEEN_GRANULARITY_SECONDS or SEEN not in session:
                    session[SEEN] = now
        return self.get_response(request)


class TwoFactorEnrolMiddleware:
    """A user whose role requires two-factor sign-in and who has no app yet is sent to set it
    up before anything else (the flag is set at sign-in, ``views.security.LoginView``)."""

    ALLOWED = ("/tai-khoan/xac-thuc-hai-yeu-to/", "/logout/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get("isogov_2fa_enrol")
            and not request.path.startswith(self.ALLOWED)
        ):
            return redirect("accounts:two-factor-setup")
        return self.get_response(request)

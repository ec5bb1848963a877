"""Session lifetime: an idle timeout and an absolute lifetime (ASVS 3.3.1, 3.3.2)."""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.core.clientip import client_ip

GATE_REFUSED = gettext_lazy("Too many sign-in attempts from this address. Try again in a minute.")

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


GATED_PATHS = frozenset({"/login/", "/admin/login/", "/api/v1/auth/token/", "/quen-mat-khau/"})


class SignInGateMiddleware:
    """Refuses a flood of sign-in tries from one address before anything else runs.

    Per worker process, at most ``ISOGOV_SIGNIN_GATE_PER_MINUTE`` POSTs a minute from one
    client address to the sign-in paths; the next ones get 429 with ``Retry-After`` from a
    dictionary lookup, with no session, database, cache or password hash. It sits in front of
    the exact, shared limits (the token throttle and the sign-in locks of ``backends.py``),
    which still refuse the tries it lets through. Memory is bounded: at most
    ``MAX_ADDRESSES`` addresses are tracked; the oldest are forgotten first.
    """

    MAX_ADDRESSES = 10_000
    WINDOW = 60.0

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.tries: dict[str, collections.deque[float]] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.ISOGOV_SIGNIN_GATE_PER_MINUTE
        if not limit or request.method != "POST" or request.path not in GATED_PATHS:
            return self.get_response(request)
        ip = client_ip(request) or "?"
        now = time.monotonic()
        tries = self.tries.pop(ip, None)  # re-inserted last: the dict stays in age order
        if tries is None:
            tries = collections.deque()
            while len(self.tries) >= self.MAX_ADDRESSES:
                del self.tries[next(iter(self.tries))]
        while tries and now - tries[0] >= self.WINDOW:
            tries.popleft()
        self.tries[ip] = tries
        if len(tries) >= limit:
            return self._refuse(
                request, retry_after=max(1, math.ceil(self.WINDOW - (now - tries[0])))
            )
        tries.append(now)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, *, retry_after: int) -> HttpResponse:
        message = str(GATE_REFUSED)
        if request.path.startswith("/api/"):
            body = {"error": {"code": "throttled", "message": message, "details": {}}}
            response: HttpResponse = JsonResponse(body, status=429)
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response

"""The sign-in gate: a flood of sign-in tries from one address is refused before Django runs.

``SignInGate`` wraps the WSGI application (``isogov/wsgi.py``), so a refused try costs a
dictionary lookup and a prepared response: no request object, no middleware, no
``request_started``/``request_finished`` signals, no session, cache, database, log line or
password hash. Issue 13 asks that ten clients sending wrong passwords leave the server's read
throughput at 80 % or more (``bench/bruteforce.py``); at the edge of Django, each refused try
still cost about as much as a small page.

Per worker process, at most ``ISOGOV_SIGNIN_GATE_PER_MINUTE`` POSTs a minute from one client
address reach the sign-in paths; the next get 429 with ``Retry-After``. The exact, shared
limits behind it (the token throttle and the sign-in locks of ``backends.py``) still refuse
what it lets through. Memory is bounded: at most ``MAX_ADDRESSES`` addresses are tracked, the
oldest forgotten first.
"""

from __future__ import annotations

import collections
import json
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from isogov.core.clientip import client_ip_of

GATE_REFUSED = gettext_lazy("Too many sign-in attempts from this address. Try again in a minute.")
GATED_PATHS = frozenset({"/login/", "/admin/login/", "/api/v1/auth/token/", "/quen-mat-khau/"})

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SignInGate:
    """WSGI wrapper refusing sign-in POSTs past the per-address rate of this worker."""

    MAX_ADDRESSES = 10_000
    WINDOW = 60.0

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.tries: dict[str, collections.deque[float]] = {}
        self._bodies: dict[tuple[bool, str], bytes] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        limit = settings.ISOGOV_SIGNIN_GATE_PER_MINUTE
        if (
            not limit
            or environ.get("REQUEST_METHOD") != "POST"
            or environ.get("PATH_INFO") not in GATED_PATHS
        ):
            return self.app(environ, start_response)
        ip = client_ip_of(environ) or "?"
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
            retry_after = max(1, math.ceil(self.WINDOW - (now - tries[0])))
            return self._refuse(environ, start_response, retry_after)
        tries.append(now)
        return self.app(environ, start_response)

    def _refuse(
        self, environ: dict[str, Any], start_response: Callable[..., Any], retry_after: int
    ) -> list[bytes]:
        api = environ["PATH_INFO"].startswith("/api/")
        accept = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        language = "en" if accept[:2].lower() == "en" else settings.LANGUAGE_CODE
        body = self._bodies.get((api, language))
        if body is None:
            with translation.override(language):
                message = str(GATE_REFUSED)
            if api:
                error = {"error": {"code": "throttled", "message": message, "details": {}}}
                body = json.dumps(error, ensure_ascii=False).encode()
            else:
                body = message.encode()
            self._bodies[(api, language)] = body
        content_type = "application/json" if api else "text/plain; charset=utf-8"
        start_response(
            "429 Too Many Requests",
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(retry_after)),
                ("Cache-Control", "no-store"),
                ("Content-Language", language),
            ],
        )
        return [body]

"""``Idempotency-Key`` on API writes: a retried request gets the first answer, not a second write.

A client that saw a timeout or a broken connection cannot know whether its write was stored;
with a key it simply sends the same request again. The same key with the same method, path and
body replays the stored answer (header ``Idempotent-Replayed: true``); the same key with another
body is a 422. The key is stored in the write's own transaction, so a concurrent duplicate
waits for the first and then replays it. Answers of 5xx are rolled back with their key, so
such a request can be retried. Keys are kept ``ISOGOV_IDEMPOTENCY_HOURS`` (24 h).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _scope(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _error(status: int, code: str, message: str) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "details": {HEADER: [message]}}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def idempotency_purge() -> int:
    """Forget keys older than ``ISOGOV_IDEMPOTENCY_HOURS``."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.ISOGOV_IDEMPOTENCY_HOURS)
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class _Seen(Exception):
    """The key is already stored."""


class _Discard(Exception):
    """A 5xx answer: roll the write and the key back, so the client may retry."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _allows(request: HttpRequest) -> bool:
    """Whether the view at this path takes this method (else it answers 405, stored nowhere)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    method = (request.method or "").lower()
    return view_class is None or hasattr(view_class, method)


class IdempotencyMiddleware:
    """Applies to API writes (``/api/v1/`` but the token endpoints) that carry the header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER, "")
        if (
            not key
            or request.method not in WRITE_METHODS
            or not request.path.startswith("/api/v1/")
            or request.path.startswith("/api/v1/auth/")
        ):
            return self.get_response(request)
        scope = _scope(request)
        if scope is None:  # anonymous: the view refuses it anyway
            return self.get_response(request)
        if not _allows(request):  # the view answers 405 itself
            return self.get_response(request)
        if len(key) > 200:
            return _error(400, "validation_failed", _("The idempotency key is too long."))
        if not all("!" <= char <= "~" for char in key):
            return _error(
                400, "validation_failed", _("The idempotency key must be printable ASCII.")
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        cutoff = timezone.now() - dt.timedelta(hours=settings.ISOGOV_IDEMPOTENCY_HOURS)
        IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
        # The key, the write and its stored answer commit together or not at all: a crash
        # after the write leaves the key, so the retry replays instead of writing twice.
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            scope=scope,
                            key=key,
                            method=request.method or "",
                            path=request.path[:500],
                            body_hash=body_hash,
                            created_at=timezone.now(),
                        )
                except IntegrityError:
                    raise _Seen from None
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    raise _Discard(response)
                record.status = response.status_code
                record.content_type = response.get("Content-Type", "")[:100]
                record.content = response.content
                record.save(update_fields=["status", "content_type", "content"])
        except _Seen:
            return self._replay(request, scope=scope, key=key, body_hash=body_hash)
        except _Discard as discarded:
            return discarded.response
        return response

    def _replay(
        self, request: HttpRequest, *, scope: str, key: str, body_hash: str
    ) -> HttpResponse:
        stored = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if stored is None:  # removed meanwhile (a 5xx): let the client try again
            return _error(409, "conflict", _("A request with this idempotency key is running."))
        if (stored.method, stored.path, stored.body_hash) != (
            request.method,
            request.path[:500],
            body_hash,
        ):
            return _error(
                422,
                "idempotency_key_reused",
                _("This idempotency key was used for another request."),
            )
        if stored.status is None:
            return _error(409, "conflict", _("A request with this idempotency key is running."))
        response = HttpResponse(
            bytes(stored.content), status=stored.status, content_type=stored.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response

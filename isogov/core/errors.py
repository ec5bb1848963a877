"""Errors a service raises for a user to read.

A service never returns an error code; it raises an ``ApplicationError`` whose message is a
translatable sentence. The API turns it into ``{"error": {"code", "message", "details"}}`` with
the error's HTTP status; the web UI shows the message on an error page or in the form.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A domain rule said no. ``message`` is shown to the user as it is."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}


class ValidationFailed(ApplicationError):
    """Input that breaks a rule; ``details`` maps field names to their messages."""

    code = "validation_failed"


class NotFound(ApplicationError):
    """Missing, or not visible to this user: the two look the same on purpose."""

    status_code = 404
    code = "not_found"

    def __init__(self, message: Any = None, **kwargs: Any) -> None:
        super().__init__(message or _("Not found."), **kwargs)


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class RequestTooLarge(ApplicationError):
    """The request body is larger than the server accepts."""

    status_code = 413
    code = "too_large"


class ConflictError(ApplicationError):
    """Someone else changed the object since this user read it."""

    status_code = 409
    code = "conflict"


STALE_VERSION = _(
    "This record was changed by someone else after you opened it. Reload it and try again."
)


NOT_A_VERSION = _("The version must be a whole number.")


def check_version(*, stored: int, sent: object) -> None:
    """Raise ``ConflictError`` unless the client's version is the stored one.

    Whatever the client sent: a value that is no whole number is a ``ValidationFailed`` on
    ``version`` (a 400), never a crash.
    """
    if sent is None:
        raise ConflictError(STALE_VERSION, details={"version": stored})
    if isinstance(sent, bool) or not isinstance(sent, int | str):
        raise ValidationFailed(NOT_A_VERSION, details={"version": [str(NOT_A_VERSION)]})
    try:
        number = int(sent)
    except ValueError as exc:
        raise ValidationFailed(NOT_A_VERSION, details={"version": [str(NOT_A_VERSION)]}) from exc
    if number != stored:
        raise ConflictError(STALE_VERSION, details={"version": stored})


def full_clean_or_fail(instance: Any, **kwargs: Any) -> None:
    """Run ``full_clean()`` and turn Django's ``ValidationError`` into ``ValidationFailed``."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        details = {
            field: [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
        first = next(iter(details.values()), [str(error)])
        raise ValidationFailed(first[0], details=details) from error


TOO_MANY_ATTEMPTS = _("Too many failed sign-ins. Try again in %(minutes)d minute(s).")


class TooManyAttempts(ApplicationError):
    """Signing in is locked for a while; ``retry_after`` is in seconds (HTTP 429)."""

    status_code = 429
    code = "locked"

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(TOO_MANY_ATTEMPTS % {"minutes": minutes})

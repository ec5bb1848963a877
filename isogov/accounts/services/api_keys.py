"""Create and revoke machine clients' API keys; authenticate a request's key."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import PermissionDenied, ValidationFailed

from ..api_keys import api_key_hash, api_key_new_credentials, api_key_secret_matches
from ..models import Agency, ApiKey, ApiKeyScope, User
from ..roles import INTEGRATION_MANAGERS
from ..selectors import user_has_role
from ._kernel import _fail

NOT_INTEGRATION_MANAGER = _(
    "Only a system administrator or the agency's leader may manage its API keys and webhooks."
)
NAME_REQUIRED = _("Give the key a name that says which system uses it.")
SCOPES_REQUIRED = _("Choose at least one thing the key may do.")
SCOPE_UNKNOWN = _("Unknown scope: %(scope)s.")
EXPIRY_OUT_OF_RANGE = _("A key lasts from 1 to %(max)s days.")
ALREADY_REVOKED = _("This key is already revoked.")
REASON_REQUIRED = _("Give the reason for revoking the key.")

# Authentication failures (HTTP 401), worded for the client's operator.
KEY_UNKNOWN = _("Unknown API key, or wrong secret.")
KEY_REVOKED = _("This API key was revoked; ask the agency for a new one.")
KEY_EXPIRED = _("This API key has expired; ask the agency for a new one.")

# ``last_used_at`` is written at most this often per key: one write per request would make
# every read a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def require_integration_manager(*, actor: User, agency: Agency) -> None:
    """Refuse anyone but a system administrator or the agency's leader."""
    if not user_has_role(user=actor, roles=INTEGRATION_MANAGERS, agency=agency):
        raise PermissionDenied(NOT_INTEGRATION_MANAGER)


@transaction.atomic
def api_key_create(
    *,
    actor: User,
    agency: Agency,
    name: str,
    scopes: list[str],
    expires_in_days: int,
) -> tuple[ApiKey, str]:
    """Issue a key for ``agency``; returns it and its secret (shown once, never stored)."""
    require_integration_manager(actor=actor, agency=agency)
    name = name.strip()
    if not name:
        raise _fail("name", NAME_REQUIRED)
    if not scopes:
        raise _fail("scopes", SCOPES_REQUIRED)
    for scope in scopes:
        if scope not in ApiKeyScope.values:
            raise _fail("scopes", SCOPE_UNKNOWN % {"scope": scope})
    longest = settings.ISOGOV_API_KEY_MAX_DAYS
    if not 1 <= expires_in_days <= longest:
        raise _fail("expires_in_days", EXPIRY_OUT_OF_RANGE % {"max": longest})
    key_id, secret = api_key_new_credentials()
    key = ApiKey(
        key_id=key_id,
        secret_hash=api_key_hash(secret),
        name=name[:200],
        agency=agency,
        scopes=sorted(set(scopes)),
        expires_at=clock.now() + dt.timedelta(days=expires_in_days),
        created_by=actor,
    )
    key.save()
    audit_record(
        actor=actor,
        action="api_key.create",
        target=key,
        agency=agency,
        after={
            "key_id": key.key_id,
            "name": key.name,
            "scopes": key.scopes,
            "expires_at": key.expires_at,
        },
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, actor: User, key: ApiKey, reason: str) -> ApiKey:
    """Revoke a key at once: its next request is refused (401)."""
    locked = ApiKey.objects.select_for_update().select_related("agency").get(pk=key.pk)
    require_integration_manager(actor=actor, agency=locked.agency)
    if locked.revoked_at is not None:
        raise ValidationFailed(ALREADY_REVOKED)
    reason = reason.strip()
    if not reason:
        raise _fail("reason", REASON_REQUIRED)
    locked.revoked_at = clock.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason[:500]
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="api_key.revoke",
        target=locked,
        agency=locked.agency,
        before={"revoked_at": None},
        after={"revoked_at": locked.revoked_at},
        reason=locked.revoke_reason,
    )
    return locked


class ApiKeyRefused(Exception):
    """The key cannot be used; ``message`` says why (for a 401)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def api_key_authenticate(*, key_id: str, secret: str) -> ApiKey:
    """The usable key for these credentials, its last use stamped; else ``ApiKeyRefused``."""
    key = ApiKey.objects.select_related("agency").filter(key_id=key_id).first()
    if key is None or not api_key_secret_matches(secret, key.secret_hash):
        raise ApiKeyRefused(KEY_UNKNOWN)
    now = clock.now()
    if key.revoked_at is not None:
        raise ApiKeyRefused(KEY_REVOKED)
    if key.expires_at <= now:
        raise ApiKeyRefused(KEY_EXPIRED)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key

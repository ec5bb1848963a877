"""Sign-in locks (khoá đăng nhập), "log out everywhere" and API token revocation.

ASVS 2.2.1: after repeated failures a username, and separately a client address, is locked
for a delay that doubles with each new lock. A locked try is refused before the password is
hashed, so an attack costs the server one indexed read per try.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from isogov.audit.services import audit_record
from isogov.core.errors import NotFound

from ..models import LoginLock, User
from ._kernel import _require_admin

LOCK_NOT_FOUND = _("There is no such sign-in lock.")


def _user_key(username: str) -> str:
    return f"user:{username.strip().lower()[:150]}"


def _keys(*, username: str, ip: str) -> list[tuple[str, int]]:
    keys = []
    if username:
        keys.append((_user_key(username), settings.ISOGOV_LOCKOUT_FAILURES))
    if ip:
        keys.append((f"ip:{ip}", settings.ISOGOV_LOCKOUT_IP_FAILURES))
    return keys


def login_locked_until(*, username: str, ip: str) -> dt.datetime | None:
    """The end of the lock on this username or address, if either is locked now."""
    keys = [key for key, _limit in _keys(username=username, ip=ip)]
    if not keys:
        return None
    now = timezone.now()
    ends = [
        end
        for end in LoginLock.objects.filter(key__in=keys, locked_until__gt=now).values_list(
            "locked_until", flat=True
        )
        if end is not None
    ]
    return max(ends, default=None)


def _delay(lock_count: int) -> dt.timedelta:
    seconds = settings.ISOGOV_LOCKOUT_SECONDS * 2 ** max(lock_count - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.ISOGOV_LOCKOUT_MAX_SECONDS))


@transaction.atomic
def login_failed(*, username: str, ip: str) -> dt.datetime | None:
    """Count a failed sign-in; returns the end of the lock it started, if it started one."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.ISOGOV_LOCKOUT_WINDOW_SECONDS)
    started: dt.datetime | None = None
    for key, limit in _keys(username=username, ip=ip):
        lock, _created = LoginLock.objects.select_for_update().get_or_create(key=key)
        if lock.last_failure_at is None or now - lock.last_failure_at > window:
            lock.failures = 0
        if lock.last_failure_at is not None and now - lock.last_failure_at > dt.timedelta(days=1):
            lock.lock_count = 0  # a quiet day forgives the earlier locks
        lock.failures += 1
        lock.last_failure_at = now
        if lock.failures >= limit:
            lock.lock_count += 1
            lock.failures = 0
            lock.locked_until = now + _delay(lock.lock_count)
            started = max(started or lock.locked_until, lock.locked_until)
            audit_record(
                actor=None,
                action="login.locked",
                target=lock,
                after={"until": lock.locked_until.isoformat(), "locks": lock.lock_count},
            )
        lock.save()
    return started


@transaction.atomic
def login_succeeded(*, username: str) -> None:
    """A correct password clears the username's failures (not the address's)."""
    LoginLock.objects.filter(key=_user_key(username)).delete()


@transaction.atomic
def login_lock_clear(*, actor: User, lock_id: int) -> None:
    """A system administrator lifts a lock (mở khoá đăng nhập)."""
    _require_admin(actor)
    lock = LoginLock.objects.select_for_update().filter(pk=lock_id).first()
    if lock is None:
        raise NotFound(LOCK_NOT_FOUND)
    audit_record(
        actor=actor,
        action="login.unlocked",
        target=lock,
        before={"until": lock.locked_until.isoformat() if lock.locked_until else None},
    )
    lock.delete()


@transaction.atomic
def user_log_out_everywhere(*, actor: User) -> User:
    """End every session of the user and revoke their API token."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    Token.objects.filter(user=user).delete()
    audit_record(actor=user, action="user.logged_out_everywhere", target=user)
    return user


@transaction.atomic
def user_token_revoke(*, actor: User) -> None:
    """Revoke the user's own API token."""
    deleted, _rows = Token.objects.filter(user=actor).delete()
    if deleted:
        audit_record(actor=actor, action="user.token_revoked", target=actor)

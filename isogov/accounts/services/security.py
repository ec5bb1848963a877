"""Sign-in locks (khoá đăng nhập), "log out everywhere" and API token revocation.

ASVS 2.2.1: after repeated failures a username, and separately a client address, is locked
for a delay that doubles with each new lock. A locked try is refused before the password is
hashed, so an attack costs the server one indexed read per try.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from isogov.audit.services import audit_record
from isogov.core.errors import NotFound, ValidationFailed
from isogov.core.sql import ModelColumns, fetch_one
from isogov.notifications.models import Channel
from isogov.notifications.services import outbox_enqueue

from ..models import Agency, ApiToken, LoginLock, User
from ._kernel import _require_admin

LOCK_NOT_FOUND = _("There is no such sign-in lock.")
TOKEN_NOT_FOUND = _("You have no such API token.")
TOKEN_NAME_NEEDED = _("Name the token, e.g. after the script or device that uses it.")
# A user keeps at most this many tokens; making one more revokes the least recently used.
TOKENS_PER_USER = 20
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


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
            if key.startswith("user:"):
                _tell_locked_user(username=username, until=lock.locked_until)
        lock.save()
    return started


LOCKED_SUBJECT = _("Your isogov account was locked for a while")
LOCKED_BODY = _(
    "Someone entered a wrong password for the account %(username)s several times, so signing "
    "in to it is locked until %(time)s. If it was you, wait and try again. If it was not, "
    "change your password once you are signed in, or ask the system administrator."
)


def _tell_locked_user(*, username: str, until: dt.datetime) -> None:
    """ASVS 2.2.3: an e-mail to the owner of a locked account, through the outbox (sent after
    the commit). An unknown username gets nothing, and the page answers the same either way."""
    user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if user is None or not user.email:
        return
    when = date_format(timezone.localtime(until), "H:i d/m/Y")
    outbox_enqueue(
        channel=Channel.EMAIL,
        recipient=user.email,
        subject=str(LOCKED_SUBJECT),
        body=str(LOCKED_BODY % {"username": user.username, "time": when}),
        object_type="accounts.lock",
        object_id=str(user.pk),
    )


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
    ApiToken.objects.filter(user=user).delete()
    audit_record(actor=user, action="user.logged_out_everywhere", target=user)
    return user


@transaction.atomic
def user_token_revoke(*, actor: User) -> None:
    """Revoke every API token of the user."""
    deleted, _rows = Token.objects.filter(user=actor).delete()
    deleted += ApiToken.objects.filter(user=actor).delete()[0]
    if deleted:
        audit_record(actor=actor, action="user.token_revoked", target=actor)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a named API token; returns it and its key, which is shown only this once."""
    name = name.strip()
    if not name:
        raise ValidationFailed(TOKEN_NAME_NEEDED, details={"name": [str(TOKEN_NAME_NEEDED)]})
    now = timezone.now()
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        key_hash=_hash(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.ISOGOV_TOKEN_DAYS),
    )
    surplus = ApiToken.objects.filter(user=actor).order_by(
        F("last_used_at").desc(nulls_last=True), "-created_at"
    )[TOKENS_PER_USER:]
    ApiToken.objects.filter(pk__in=[t.pk for t in surplus]).delete()
    audit_record(actor=actor, action="user.token_created", target=token, after={"name": name})
    return token, key


_TOKEN = ModelColumns(ApiToken, "t")
_TOKEN_USER = ModelColumns(User, "u")
_TOKEN_AGENCY = ModelColumns(Agency, "a")
# Every API call reads its token: one hand-written statement (ADR 0005), not a queryset with two
# joins compiled at each request (bench/http_edge.py). Nothing is cached: a revoked token is
# refused at the next request, as before. Only the models' own names are formatted in.
_TOKEN_SQL = (
    f"SELECT {_TOKEN.select}, {_TOKEN_USER.select}, {_TOKEN_AGENCY.select}"  # noqa: S608
    f' FROM "{ApiToken._meta.db_table}" "t"'
    f' INNER JOIN "{User._meta.db_table}" "u" ON "u"."id" = "t"."user_id"'
    f' LEFT OUTER JOIN "{Agency._meta.db_table}" "a" ON "a"."id" = "u"."agency_id"'
    ' WHERE "t"."key_hash" = %s'
)


def api_token_find(*, key: str) -> ApiToken | None:
    """The token with this key, with its user (and home agency), or None."""
    row = fetch_one(_TOKEN_SQL, [_hash(key)])
    if row is None:
        return None
    token = _TOKEN.build(row)
    user = _TOKEN_USER.build(row, _TOKEN.width)
    user.agency = _TOKEN_AGENCY.build(row, _TOKEN.width + _TOKEN_USER.width)
    token.user = user
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Stamp the token's last use, at most once a minute (no write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.filter(user=actor, pk=token_id).first()
    if token is None:
        raise NotFound(TOKEN_NOT_FOUND)
    audit_record(
        actor=actor, action="user.token_revoked", target=token, before={"name": token.name}
    )
    token.delete()

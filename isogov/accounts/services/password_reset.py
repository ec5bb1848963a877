"""Password reset by e-mail (quên mật khẩu), ASVS 2.5.

The link carries Django's reset token: it works once (it signs the password hash and the last
sign-in, both of which change) and expires after ``PASSWORD_RESET_TIMEOUT``. It is sent through
the notifications outbox and points to ``PUBLIC_BASE_URL``, never to the request's Host header.
The token travels in the query string, which the access log leaves out (``cli.py``), and the
page moves it into the session at once. Every request gets the same answer whether or not the
address is known (no account enumeration); per address at most
``ISOGOV_PASSWORD_RESET_PER_EMAIL`` mails an hour leave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from isogov.audit.services import audit_record
from isogov.notifications.models import Channel, OutboxMessage
from isogov.notifications.services import outbox_enqueue

from ..models import LoginLock, User

OBJECT_TYPE = "accounts.password_reset"
RESET_SUBJECT = _("Set a new password for isogov")
RESET_BODY = _(
    "Someone asked to set a new password for the account %(username)s. To do it, open this "
    "link within %(minutes)s minutes; it works once:\n\n%(link)s\n\nIf you did not ask for "
    "it, ignore this e-mail: your password stays as it is."
)


def _users_of(email: str) -> list[User]:
    return [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
    ]


@transaction.atomic
def password_reset_request(*, email: str) -> int:
    """Queue a reset link to every active account with this address; returns how many were
    queued (the page does not show it)."""
    email = email.strip()
    since = timezone.now() - dt.timedelta(hours=1)
    sent_lately = OutboxMessage.objects.filter(
        object_type=OBJECT_TYPE, recipient__iexact=email, created_at__gte=since
    ).count()
    if sent_lately >= settings.ISOGOV_PASSWORD_RESET_PER_EMAIL:
        return 0
    queued = 0
    for user in _users_of(email):
        query = urlencode(
            {
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            }
        )
        link = (
            f"{settings.PUBLIC_BASE_URL.rstrip('/')}"
            f"{reverse('accounts:password-reset-confirm')}?{query}"
        )
        outbox_enqueue(
            channel=Channel.EMAIL,
            recipient=user.email,
            subject=str(RESET_SUBJECT),
            body=str(
                RESET_BODY
                % {
                    "username": user.username,
                    "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
                    "link": link,
                }
            ),
            object_type=OBJECT_TYPE,
            object_id=str(user.pk),
        )
        audit_record(actor=None, action="user.password_reset_requested", target=user)
        queued += 1
    return queued


def password_reset_user(*, uid: str, token: str) -> User | None:
    """The user this link is for, if its token is still valid."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_reset_complete(*, user: User, form: Any) -> User:
    """Save the new password (the form validated it): the link, every session and every API
    token die with the old password; the username's sign-in lock is lifted."""
    form.save()  # SetPasswordForm: set_password() stamps password_changed_at
    from .security import user_log_out_everywhere

    user_log_out_everywhere(actor=user)
    LoginLock.objects.filter(key=f"user:{user.username.strip().lower()[:150]}").delete()
    audit_record(actor=user, action="user.password_reset_by_email", target=user)
    return user

"""How API clients sign in: DRF's token, read with what the desk's writes need."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication

TOKEN_EXPIRED = _("The token has expired or was revoked; ask for a new one.")


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's token authentication, reading the user's home agency in the same query.

    An intake names its agency by the user's home agency (``user_primary_agency``), which was
    one more query per request (bench/api_write.py). A token that is unknown or whose user is
    inactive is left to DRF, which refuses it with its own message. A token older than
    ``ISOGOV_TOKEN_DAYS``, or issued before the user's last password change, is deleted and
    refused (ASVS 3.5.2, 3.3.3).
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        tokens = self.get_model()._default_manager.select_related("user", "user__agency")
        token: Any = tokens.filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)
        changed = token.user.password_changed_at
        now = timezone.now()
        expired = token.created < now - dt.timedelta(days=settings.ISOGOV_TOKEN_DAYS)
        # A change stamped after "now" is a clock moved back (tests travel in time, seeding
        # writes history): only a change that already happened revokes older tokens.
        if expired or (changed is not None and token.created < changed <= now):
            token.delete()
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        return token.user, token

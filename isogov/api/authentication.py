"""How API clients sign in: people with DRF's token (read with what the desk's writes need),
machine clients with an API key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication
from rest_framework.request import Request

from isogov.accounts.api_keys import KEYWORD, api_key_split
from isogov.accounts.services.api_keys import KEY_UNKNOWN, ApiKeyRefused, api_key_authenticate
from isogov.accounts.services.security import api_token_find, api_token_used

TOKEN_EXPIRED = _("The token has expired or was revoked; ask for a new one.")


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's token authentication, reading the user's home agency in the same query.

    An intake names its agency by the user's home agency (``user_primary_agency``), which was
    one more query per request (bench/api_write.py). A token that is unknown or whose user is
    inactive is left to DRF, which refuses it with its own message. A token older than
    ``ISOGOV_TOKEN_DAYS``, or issued before the user's last password change, is deleted and
    refused (ASVS 3.5.2, 3.3.3). Named tokens (``accounts.ApiToken``, several per user) are
    looked up by the SHA-256 of the key; DRF's single token is still accepted.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        named = api_token_find(key=key)
        if named is not None:
            self._refuse_if_stale(named, created=named.created_at, expires=named.expires_at)
            api_token_used(token=named)
            return named.user, named
        # The single unnamed token of earlier versions (DRF's), still honoured until it expires.
        tokens = self.get_model()._default_manager.select_related("user", "user__agency")
        token: Any = tokens.filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)
        expires = token.created + dt.timedelta(days=settings.ISOGOV_TOKEN_DAYS)
        self._refuse_if_stale(token, created=token.created, expires=expires)
        return token.user, token

    @staticmethod
    def _refuse_if_stale(token: Any, *, created: dt.datetime, expires: dt.datetime) -> None:
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        changed = user.password_changed_at
        now = timezone.now()
        # A change stamped after "now" is a clock moved back (tests travel in time, seeding
        # writes history): only a change that already happened revokes older tokens.
        if expires <= now or (changed is not None and created < changed <= now):
            token.delete()
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)


class ApiKeyAuthentication(BaseAuthentication):
    """A machine client's key: ``Authorization: ApiKey <key_id>.<secret>`` (docs/security.md).

    The request runs as nobody (``request.user`` is anonymous, so no page or endpoint made
    for people serves it); ``request.auth`` is the ``ApiKey``, whose agency and scopes the
    endpoints for machine clients check (``isogov.accounts.api_keys.api_key_has_scope``).
    Unknown, revoked and expired keys get 401 with a message saying which.
    """

    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).decode("latin-1")
        keyword, _space, credentials = header.partition(" ")
        if keyword != self.keyword:
            return None
        parts = api_key_split(credentials)
        if parts is None:
            raise exceptions.AuthenticationFailed(KEY_UNKNOWN)
        try:
            key = api_key_authenticate(key_id=parts[0], secret=parts[1])
        except ApiKeyRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused.message)) from None
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """The API key in the OpenAPI schema (``Authorization: ApiKey <key_id>.<secret>``)."""

    target_class = "isogov.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A machine client's key: `ApiKey <key_id>.<secret>` (docs/security.md).",
        }

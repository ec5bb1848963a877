"""How API clients sign in: DRF's token, read with what the desk's writes need."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's token authentication, reading the user's home agency in the same query.

    An intake names its agency by the user's home agency (``user_primary_agency``), which was
    one more query per request (bench/api_write.py). A token that is unknown or whose user is
    inactive is left to DRF, which refuses it with its own message.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        tokens = self.get_model()._default_manager.select_related("user", "user__agency")
        token: Any = tokens.filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)
        return token.user, token

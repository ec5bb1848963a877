"""Who may read the API's schema and docs pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class ApiDocsPermission(BasePermission):
    """Anyone when ``ISOGOV_API_DOCS_PUBLIC`` (the default outside production), else a
    signed-in user: the schema maps every endpoint, which an attacker need not be handed."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if settings.ISOGOV_API_DOCS_PUBLIC:
            return True
        return bool(request.user and request.user.is_authenticated)

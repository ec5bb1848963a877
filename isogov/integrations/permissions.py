"""Who may push external dossiers through the API (ISO-layer mode).

``PushDossiers`` is the one gate of ``POST /api/v1/integrations/dossiers/``. A machine client is
either an API key (issue 14 item 6) with the "push dossiers" scope, for its key's agency only, or
a user account with a token and the ``integrations.push_dossiers`` permission, for its home
agency only.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from isogov.accounts.api_keys import api_key_has_scope, api_key_of
from isogov.accounts.models import Agency, ApiKeyScope

PUSH_PERMISSION = "integrations.push_dossiers"
NOT_A_CLIENT = _("This account may not push dossiers.")
OTHER_AGENCY = _("This account may push dossiers only for its own agency.")


class PushDossiers(BasePermission):
    message = NOT_A_CLIENT

    def has_permission(self, request: Request, view: Any) -> bool:
        if api_key_has_scope(request, ApiKeyScope.PUSH_DOSSIERS):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(PUSH_PERMISSION))


def may_push_for(request: Request, agency: Agency) -> bool:
    """The agency a client may push for: its key's agency, or the account's home agency
    (superusers: any)."""
    key = api_key_of(request)
    if key is not None:
        return bool(key.agency_id == agency.pk)
    user: Any = request.user
    return bool(user.is_superuser or user.agency_id == agency.pk)

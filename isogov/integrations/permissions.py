"""Who may push external dossiers through the API (ISO-layer mode).

``PushDossiers`` is the one gate of ``POST /api/v1/integrations/dossiers/``. For now a machine
client is a user account with a DRF token and the ``integrations.push_dossiers`` permission,
limited to its home agency; the API keys of issue 14 item 6 (scoped to an agency and the "push
dossiers" direction) plug in here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from isogov.accounts.models import Agency, User

PUSH_PERMISSION = "integrations.push_dossiers"
NOT_A_CLIENT = _("This account may not push dossiers.")
OTHER_AGENCY = _("This account may push dossiers only for its own agency.")


class PushDossiers(BasePermission):
    message = NOT_A_CLIENT

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(PUSH_PERMISSION))


def may_push_for(user: User, agency: Agency) -> bool:
    """The agency a client may push for: its home agency (superusers: any)."""
    return user.is_superuser or user.agency_id == agency.pk

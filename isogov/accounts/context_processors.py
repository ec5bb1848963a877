"""Navigation by role: each user sees the links for the work their roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .selectors import user_scope

# Roles that work on dossiers (the links are by URL name; accounts imports no dossier code).
HANDLING_ROLES = (
    Role.ONE_STOP_OFFICER,
    Role.SPECIALIST,
    Role.UNIT_HEAD,
    Role.AGENCY_LEADER,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = user_scope(user=user)
    items = [{"url": reverse("dashboard"), "label": _("Dashboard")}]
    if scope.has_role(*HANDLING_ROLES):
        items.append({"url": reverse("dossiers:queue"), "label": _("My work")})
        items.append({"url": reverse("dossiers:search"), "label": _("Dossiers")})
    if scope.has_role(*HANDLING_ROLES, Role.ISO_SECRETARY):
        items.append({"url": reverse("feedback:queue"), "label": _("Feedback")})
    items.append({"url": reverse("workcal:calendar"), "label": _("Working calendar")})
    if scope.has_role(Role.AGENCY_LEADER, Role.ISO_SECRETARY, Role.SYSTEM_ADMIN):
        items.append({"url": reverse("dossiers:notice-templates"), "label": _("Notices")})
    items.append({"url": reverse("catalog:home"), "label": _("Procedure catalogue")})
    if scope.agency_ids or scope.is_global:
        items.append({"url": reverse("qms:home"), "label": _("ISO")})
    items.append({"url": reverse("api:docs"), "label": _("API")})
    if scope.has_role(Role.SYSTEM_ADMIN):
        items.append({"url": reverse("accounts:admin-home"), "label": _("Administration")})
    return {"nav_items": items}

"""What every QMS service shares: who may manage an agency's QMS, and the audit event."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_has_role
from isogov.audit.services import audit_record
from isogov.core.errors import PermissionDenied, ValidationFailed

# Who runs an agency's QMS: its ISO secretary and its leaders (system administrators too).
QMS_MANAGERS = frozenset({Role.ISO_SECRETARY, Role.AGENCY_LEADER})
AUDITORS = frozenset({Role.INTERNAL_AUDITOR})
LEADERS = frozenset({Role.AGENCY_LEADER})

NOT_A_MANAGER = _("Only the agency's ISO secretary or its leaders may do this.")


def require_manager(*, actor: User, agency: Agency) -> None:
    if not user_has_role(user=actor, roles=QMS_MANAGERS, agency=agency):
        raise PermissionDenied(NOT_A_MANAGER)


def record(*, actor: Any, action: str, target: Model, agency: Agency, **after: Any) -> None:
    """The audit event of a QMS write, in the caller's transaction."""
    audit_record(
        actor=actor,
        action=f"qms.{action}",
        target=target,
        agency=agency,
        after={key: str(value) for key, value in after.items()},
    )


def fail(field: str, message: Any, **params: Any) -> ValidationFailed:
    """A 400 naming ``field``."""
    text = message % params if params else message
    return ValidationFailed(text, details={field: [str(text)]})


def staff_of(*, agency: Agency) -> Any:
    """Users who work for ``agency`` (a role there, or it is their home agency)."""
    from django.db.models import Q

    return User.objects.filter(
        Q(agency=agency) | Q(role_assignments__agency=agency), is_active=True
    ).distinct()

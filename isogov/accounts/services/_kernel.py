"""What every administration service shares: the admin check, errors, versions, passwords."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from isogov.core.errors import PermissionDenied, ValidationFailed

from ..models import Agency, Unit, User
from ..roles import Role
from ..selectors import user_scope

NOT_SYSTEM_ADMIN = _("Only a system administrator may administer users, units and agencies.")
UNIT_OF_OTHER_AGENCY = _("The unit does not belong to the chosen agency.")
UNIT_INACTIVE = _("The unit is deactivated; reactivate it before giving roles in it.")
CANNOT_DEACTIVATE_SELF = _("You cannot deactivate your own account.")
CANNOT_REMOVE_OWN_ADMIN = _("You cannot remove your own system administrator role.")
PARENT_CYCLE = _("An agency cannot be placed under itself or under one of its own sub-agencies.")
PREDECESSOR_IS_SELF = _("An agency cannot be its own predecessor.")
PREDECESSOR_EXISTS = _("This agency is already recorded as a predecessor.")
ALREADY_IN_STATE = _("Nothing to change: the record is already in that state.")

# Length of a generated temporary password: 12 URL-safe characters (about 72 bits).
TEMPORARY_PASSWORD_BYTES = 9


def _require_admin(actor: User | None) -> None:
    """Administration is for system administrators; ``None`` is the system itself (seeding)."""
    if actor is None:
        return
    if not user_scope(user=actor).has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied(NOT_SYSTEM_ADMIN)


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def _bump(obj: Agency | Unit | User, fields: list[str]) -> None:
    """Save the changed fields with the next version (the stale-form check compares it)."""
    obj.version += 1
    stamp = ["updated_at"] if not isinstance(obj, User) else []
    obj.save(update_fields=[*fields, "version", *stamp])


def _validated_password(password: str, user: User) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(
            error.messages[0], details={"password": [str(m) for m in error.messages]}
        ) from error
    return password


def _temporary_password() -> str:
    return secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return model_to_dict(obj, fields=fields)


AGENCY_FIELDS = [
    "code",
    "name",
    "short_name",
    "level",
    "parent",
    "address",
    "phone",
    "email",
    "valid_from",
    "valid_to",
]
UNIT_FIELDS = ["code", "name", "is_one_stop"]
USER_FIELDS = ["full_name", "email", "phone", "agency"]

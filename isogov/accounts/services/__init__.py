"""Writes for agencies, units, users and roles. Each runs in one transaction with its audit.

Every service takes keyword-only arguments and the acting user; the in-app administration
ones require a system administrator and check the version the form was read at (409 when
stale). ``actor=None`` is the system itself (seeding the demo data).
"""

from ._kernel import (
    AGENCY_FIELDS,
    ALREADY_IN_STATE,
    CANNOT_DEACTIVATE_SELF,
    CANNOT_REMOVE_OWN_ADMIN,
    NOT_SYSTEM_ADMIN,
    PARENT_CYCLE,
    PREDECESSOR_EXISTS,
    PREDECESSOR_IS_SELF,
    TEMPORARY_PASSWORD_BYTES,
    UNIT_FIELDS,
    UNIT_INACTIVE,
    UNIT_OF_OTHER_AGENCY,
    USER_FIELDS,
)
from .agencies import (
    agency_create,
    agency_predecessor_add,
    agency_predecessor_remove,
    agency_update,
)
from .units import unit_create, unit_set_active, unit_update
from .users import (
    role_assign,
    role_remove,
    user_create,
    user_create_with_temporary_password,
    user_reset_password,
    user_set_active,
    user_update,
)

__all__ = [
    "AGENCY_FIELDS",
    "ALREADY_IN_STATE",
    "CANNOT_DEACTIVATE_SELF",
    "CANNOT_REMOVE_OWN_ADMIN",
    "NOT_SYSTEM_ADMIN",
    "PARENT_CYCLE",
    "PREDECESSOR_EXISTS",
    "PREDECESSOR_IS_SELF",
    "TEMPORARY_PASSWORD_BYTES",
    "UNIT_FIELDS",
    "UNIT_INACTIVE",
    "UNIT_OF_OTHER_AGENCY",
    "USER_FIELDS",
    "agency_create",
    "agency_predecessor_add",
    "agency_predecessor_remove",
    "agency_update",
    "role_assign",
    "role_remove",
    "unit_create",
    "unit_set_active",
    "unit_update",
    "user_create",
    "user_create_with_temporary_password",
    "user_reset_password",
    "user_set_active",
    "user_update",
]

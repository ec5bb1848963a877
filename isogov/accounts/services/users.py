"""Accounts and the roles they hold per agency and unit."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from isogov.audit.services import audit_record
from isogov.core.errors import check_version, full_clean_or_fail

from ..models import Agency, ApiToken, RoleAssignment, Unit, User
from ..roles import Role
from ._kernel import (
    ALREADY_IN_STATE,
    CANNOT_DEACTIVATE_SELF,
    CANNOT_REMOVE_OWN_ADMIN,
    UNIT_INACTIVE,
    UNIT_OF_OTHER_AGENCY,
    USER_FIELDS,
    _bump,
    _fail,
    _require_admin,
    _snapshot,
    _temporary_password,
    _validated_password,
)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    agency: Agency | None,
    email: str = "",
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a sign-in account."""
    _require_admin(actor)
    user = User(
        username=username,
        full_name=full_name,
        agency=agency,
        email=email,
        phone=phone,
        is_superuser=is_superuser,
        # The Django admin's login form asks for is_staff; only superusers may use that site.
        is_staff=is_superuser,
    )
    full_clean_or_fail(user, exclude=["password"])
    if actor is not None:
        # A password an administrator typed must pass the site's password rules.
        _validated_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        agency=agency,
        after={"username": username, "full_name": full_name, "is_superuser": is_superuser},
    )
    return user


@transaction.atomic
def user_create_with_temporary_password(
    *,
    actor: User,
    username: str,
    full_name: str,
    agency: Agency | None,
    email: str = "",
    phone: str = "",
) -> tuple[User, str]:
    """Create an account with a generated password, returned once to hand to the person."""
    password = _temporary_password()
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        full_name=full_name,
        agency=agency,
        email=email,
        phone=phone,
    )
    return user, password


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    version: int | str | None,
    full_name: str,
    email: str,
    phone: str,
    agency: Agency | None,
) -> User:
    """Edit a person's name, contacts and home agency (version-checked)."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    check_version(stored=user.version, sent=version)
    before = _snapshot(user, USER_FIELDS)
    user.full_name, user.email, user.phone, user.agency = full_name, email, phone, agency
    full_clean_or_fail(user, exclude=["password"])
    _bump(user, USER_FIELDS)
    audit_record(
        actor=actor,
        action="user.update",
        target=user,
        agency=agency,
        before=before,
        after=_snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, version: int | str | None, is_active: bool) -> User:
    """Deactivate an account (it can no longer sign in; its history stays) or reactivate it."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    check_version(stored=user.version, sent=version)
    if not is_active and user.pk == actor.pk:
        raise _fail("is_active", CANNOT_DEACTIVATE_SELF)
    if user.is_active == is_active:
        raise _fail("is_active", ALREADY_IN_STATE)
    user.is_active = is_active
    _bump(user, ["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if is_active else "user.deactivate",
        target=user,
        agency=user.agency,
        before={"is_active": not is_active},
        after={"is_active": is_active},
    )
    return user


@transaction.atomic
def user_reset_password(
    *, actor: User, user: User, version: int | str | None, password: str = ""
) -> tuple[User, str]:
    """Set a new password: the one given, else a generated temporary one (returned once)."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    check_version(stored=user.version, sent=version)
    chosen = bool(password)
    password = _validated_password(password, user) if chosen else _temporary_password()
    user.set_password(password)
    _bump(user, ["password", "password_changed_at"])
    # ASVS 3.3.3: a new password revokes the tokens.
    Token.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    # The password itself is never audited; only that it changed and how.
    audit_record(
        actor=actor,
        action="user.password_reset",
        target=user,
        agency=user.agency,
        after={"generated": not chosen},
    )
    return user, password


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def role_assign(
    *, actor: User | None, user: User, role: str, agency: Agency, unit: Unit | None = None
) -> RoleAssignment:
    """Give ``user`` a role in an agency or one of its units."""
    _require_admin(actor)
    if unit is not None and unit.agency_id != agency.pk:
        raise _fail("unit", UNIT_OF_OTHER_AGENCY)
    if unit is not None and not unit.is_active:
        raise _fail("unit", UNIT_INACTIVE)
    assignment = RoleAssignment(user=user, role=role, agency=agency, unit=unit)
    full_clean_or_fail(assignment)
    assignment.save()
    audit_record(
        actor=actor,
        action="role.assign",
        target=assignment,
        agency=agency,
        after={"user": user.username, "role": role, "unit": unit.code if unit else None},
    )
    return assignment


@transaction.atomic
def role_remove(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a role away from a user (the audit trail keeps who held it)."""
    _require_admin(actor)
    if assignment.user_id == actor.pk and assignment.role == Role.SYSTEM_ADMIN:
        # Nobody locks themselves out of administration by accident.
        raise _fail("role", CANNOT_REMOVE_OWN_ADMIN)
    audit_record(
        actor=actor,
        action="role.remove",
        target=assignment,
        agency=assignment.agency,
        before={
            "user": assignment.user.username,
            "role": assignment.role,
            "unit": assignment.unit.code if assignment.unit else None,
        },
    )
    assignment.delete()

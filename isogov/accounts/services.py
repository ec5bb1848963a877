"""Writes for agencies, units, users and roles. Each runs in one transaction with its audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from isogov.audit.services import audit_record
from isogov.core.errors import full_clean_or_fail

from .models import Agency, AgencyLevel, RoleAssignment, Unit, User


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return model_to_dict(obj, fields=fields)


AGENCY_FIELDS = ["code", "name", "short_name", "level", "parent", "valid_from", "valid_to"]


@transaction.atomic
def agency_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    level: str = AgencyLevel.DEPARTMENT,
    parent: Agency | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    valid_from: dt.date | None = None,
    predecessors: list[Agency] | None = None,
) -> Agency:
    """Register an agency (any level, under any parent)."""
    agency = Agency(
        code=code,
        name=name,
        level=level,
        parent=parent,
        short_name=short_name,
        address=address,
        phone=phone,
        email=email,
        valid_from=valid_from,
    )
    full_clean_or_fail(agency)
    agency.save()
    if predecessors:
        agency.predecessors.set(predecessors)
    audit_record(
        actor=actor,
        action="agency.create",
        target=agency,
        agency=agency,
        after=_snapshot(agency, AGENCY_FIELDS),
    )
    return agency


@transaction.atomic
def unit_create(
    *, actor: User | None, agency: Agency, code: str, name: str, is_one_stop: bool = False
) -> Unit:
    """Add a unit to an agency."""
    unit = Unit(agency=agency, code=code, name=name, is_one_stop=is_one_stop)
    full_clean_or_fail(unit)
    unit.save()
    audit_record(
        actor=actor,
        action="unit.create",
        target=unit,
        agency=agency,
        after=_snapshot(unit, ["code", "name", "is_one_stop"]),
    )
    return unit


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
    user = User(
        username=username,
        full_name=full_name,
        agency=agency,
        email=email,
        phone=phone,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    full_clean_or_fail(user)
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
def role_assign(
    *, actor: User | None, user: User, role: str, agency: Agency, unit: Unit | None = None
) -> RoleAssignment:
    """Give ``user`` a role in an agency or one of its units."""
    assignment = RoleAssignment(user=user, role=role, agency=agency, unit=unit)
    full_clean_or_fail(assignment)
    assignment.save()
    if role == "system_admin" and not user.is_staff:
        # Django's admin site asks for is_staff; system administrators are its only users.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit_record(
        actor=actor,
        action="role.assign",
        target=assignment,
        agency=agency,
        after={"user": user.username, "role": role, "unit": unit.code if unit else None},
    )
    return assignment

"""Units (đơn vị, phòng) of an agency."""

from __future__ import annotations

from django.db import transaction

from isogov.audit.services import audit_record
from isogov.core.errors import check_version, full_clean_or_fail

from ..models import Agency, Unit, User
from ._kernel import ALREADY_IN_STATE, UNIT_FIELDS, _bump, _fail, _require_admin, _snapshot


@transaction.atomic
def unit_create(
    *, actor: User | None, agency: Agency, code: str, name: str, is_one_stop: bool = False
) -> Unit:
    """Add a unit to an agency."""
    _require_admin(actor)
    unit = Unit(agency=agency, code=code, name=name, is_one_stop=is_one_stop)
    full_clean_or_fail(unit)
    unit.save()
    audit_record(
        actor=actor,
        action="unit.create",
        target=unit,
        agency=agency,
        after=_snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: Unit,
    version: int | str | None,
    code: str,
    name: str,
    is_one_stop: bool,
) -> Unit:
    """Rename or recode a unit, or mark it the one-stop desk (version-checked)."""
    _require_admin(actor)
    unit = Unit.objects.select_for_update().select_related("agency").get(pk=unit.pk)
    check_version(stored=unit.version, sent=version)
    before = _snapshot(unit, UNIT_FIELDS)
    unit.code, unit.name, unit.is_one_stop = code, name, is_one_stop
    full_clean_or_fail(unit)
    _bump(unit, UNIT_FIELDS)
    audit_record(
        actor=actor,
        action="unit.update",
        target=unit,
        agency=unit.agency,
        before=before,
        after=_snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_set_active(*, actor: User, unit: Unit, version: int | str | None, is_active: bool) -> Unit:
    """Deactivate a unit (its history stays) or reactivate it (version-checked)."""
    _require_admin(actor)
    unit = Unit.objects.select_for_update().select_related("agency").get(pk=unit.pk)
    check_version(stored=unit.version, sent=version)
    if unit.is_active == is_active:
        raise _fail("is_active", ALREADY_IN_STATE)
    unit.is_active = is_active
    _bump(unit, ["is_active"])
    audit_record(
        actor=actor,
        action="unit.activate" if is_active else "unit.deactivate",
        target=unit,
        agency=unit.agency,
        before={"is_active": not is_active},
        after={"is_active": is_active},
    )
    return unit

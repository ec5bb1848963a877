"""Agencies in the tree and the predecessors of merged or renamed ones."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from isogov.audit.services import audit_record
from isogov.core.errors import check_version, full_clean_or_fail

from ..models import Agency, AgencyLevel, AgencyPredecessor, User
from ._kernel import (
    AGENCY_FIELDS,
    PARENT_CYCLE,
    PREDECESSOR_EXISTS,
    PREDECESSOR_IS_SELF,
    _bump,
    _fail,
    _require_admin,
    _snapshot,
)


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
    valid_to: dt.date | None = None,
    predecessors: list[Agency] | None = None,
) -> Agency:
    """Register an agency (any level, under any parent)."""
    _require_admin(actor)
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
        valid_to=valid_to,
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


def _ancestor_ids(agency: Agency | None) -> set[int]:
    seen: set[int] = set()
    while agency is not None and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.parent
    return seen


@transaction.atomic
def agency_update(
    *,
    actor: User,
    agency: Agency,
    version: int | str | None,
    code: str,
    name: str,
    level: str,
    parent: Agency | None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Agency:
    """Edit an agency's name, place in the tree, contacts and validity (version-checked)."""
    _require_admin(actor)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    check_version(stored=agency.version, sent=version)
    if parent is not None and agency.pk in _ancestor_ids(parent):
        raise _fail("parent", PARENT_CYCLE)
    before = _snapshot(agency, AGENCY_FIELDS)
    agency.code, agency.name, agency.level, agency.parent = code, name, level, parent
    agency.short_name, agency.address, agency.phone, agency.email = (
        short_name,
        address,
        phone,
        email,
    )
    agency.valid_from, agency.valid_to = valid_from, valid_to
    full_clean_or_fail(agency)
    _bump(agency, AGENCY_FIELDS)
    audit_record(
        actor=actor,
        action="agency.update",
        target=agency,
        agency=agency,
        before=before,
        after=_snapshot(agency, AGENCY_FIELDS),
    )
    return agency


@transaction.atomic
def agency_predecessor_add(
    *,
    actor: User | None,
    agency: Agency,
    predecessor: Agency,
    effective_on: dt.date | None,
    legal_basis: str,
) -> AgencyPredecessor:
    """Record that ``predecessor`` was merged into, or renamed as, ``agency``."""
    _require_admin(actor)
    if predecessor.pk == agency.pk:
        raise _fail("predecessor", PREDECESSOR_IS_SELF)
    if AgencyPredecessor.objects.filter(successor=agency, predecessor=predecessor).exists():
        raise _fail("predecessor", PREDECESSOR_EXISTS)
    link = AgencyPredecessor(
        successor=agency,
        predecessor=predecessor,
        effective_on=effective_on,
        legal_basis=legal_basis,
    )
    full_clean_or_fail(link)
    link.save()
    audit_record(
        actor=actor,
        action="agency.predecessor_add",
        target=link,
        agency=agency,
        after={
            "predecessor": predecessor.code,
            "effective_on": effective_on.isoformat() if effective_on else None,
            "legal_basis": legal_basis,
        },
    )
    return link


@transaction.atomic
def agency_predecessor_remove(*, actor: User, link: AgencyPredecessor) -> None:
    """Remove a predecessor recorded by mistake (the audit trail keeps it)."""
    _require_admin(actor)
    audit_record(
        actor=actor,
        action="agency.predecessor_remove",
        target=link,
        agency=link.successor,
        before={
            "predecessor": link.predecessor.code,
            "effective_on": link.effective_on.isoformat() if link.effective_on else None,
            "legal_basis": link.legal_basis,
        },
    )
    link.delete()

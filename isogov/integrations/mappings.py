"""The mapping tables, edited in the in-app administration (system administrators); audited.

Procedure → portal procedure code (MaTTHC), agency → portal agency code (madonvi), status →
portal status code 1–10 (default: the state table's ``NATIONAL_CODE``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, RoleAssignment, User
from isogov.accounts.roles import Role
from isogov.audit.services import audit_record
from isogov.catalog.models import Procedure
from isogov.core.errors import NotFound, PermissionDenied, ValidationFailed
from isogov.dossiers.models import STATUS_CHOICES

from .models import AgencyCodeMap, ProcedureCodeMap, StatusCodeMap, UnmappedCode

NOT_ADMIN = _("Only system administrators may manage the integrations.")
UNKNOWN_PROCEDURE = _("No procedure has this code.")
CODE_REQUIRED = _("Give the code (at most 64 characters).")
CODE_TAKEN = _("This portal code is already mapped to another procedure.")
AGENCY_CODE_TAKEN = _("This portal code is already given to another agency.")
STATUS_RANGE = _("A status code from 1 to 10.")
UNKNOWN_STATUS = _("There is no such status.")


def may_manage(user: User) -> bool:
    return (
        user.is_superuser
        or RoleAssignment.objects.filter(user=user, role=Role.SYSTEM_ADMIN).exists()
    )


def require_manager(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(NOT_ADMIN)


def _bad(field: str, message: object) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def _code(value: str, field: str) -> str:
    value = value.strip()
    if not value or len(value) > 64:
        raise _bad(field, CODE_REQUIRED)
    return value


@transaction.atomic
def procedure_code_map(*, actor: User, procedure_code: str, portal_code: str) -> ProcedureCodeMap:
    """Map a local procedure to its portal code; the code leaves the list of unmapped codes."""
    require_manager(actor)
    procedure = Procedure.objects.filter(code=procedure_code.strip()).first()
    if procedure is None:
        raise _bad("procedure_code", UNKNOWN_PROCEDURE)
    portal_code = _code(portal_code, "portal_code")
    if ProcedureCodeMap.objects.filter(portal_code=portal_code).exclude(procedure=procedure):
        raise _bad("portal_code", CODE_TAKEN)
    row, _created = ProcedureCodeMap.objects.update_or_create(
        procedure=procedure, defaults={"portal_code": portal_code}
    )
    UnmappedCode.objects.filter(portal_code=portal_code).delete()
    audit_record(
        actor=actor,
        action="integrations.map_procedure",
        target=row,
        after={"procedure": procedure.code, "portal_code": portal_code},
    )
    return row


@transaction.atomic
def procedure_code_unmap(*, actor: User, pk: int) -> None:
    require_manager(actor)
    row = ProcedureCodeMap.objects.select_related("procedure").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    audit_record(
        actor=actor,
        action="integrations.unmap_procedure",
        target=row,
        before={"procedure": row.procedure.code, "portal_code": row.portal_code},
    )
    row.delete()


@transaction.atomic
def agency_code_map(*, actor: User, agency: Agency, portal_code: str) -> AgencyCodeMap:
    require_manager(actor)
    portal_code = _code(portal_code, "portal_code")
    if AgencyCodeMap.objects.filter(portal_code=portal_code).exclude(agency=agency):
        raise _bad("portal_code", AGENCY_CODE_TAKEN)
    row, _created = AgencyCodeMap.objects.update_or_create(
        agency=agency, defaults={"portal_code": portal_code}
    )
    audit_record(
        actor=actor,
        action="integrations.map_agency",
        target=row,
        agency=agency,
        after={"portal_code": portal_code},
    )
    return row


@transaction.atomic
def status_code_map(*, actor: User, status: str, portal_code: str) -> StatusCodeMap:
    require_manager(actor)
    if status not in dict(STATUS_CHOICES):
        raise _bad("status", UNKNOWN_STATUS)
    try:
        code = int(portal_code)
    except ValueError:
        raise _bad("portal_code", STATUS_RANGE) from None
    if not 1 <= code <= 10:
        raise _bad("portal_code", STATUS_RANGE)
    row, _created = StatusCodeMap.objects.update_or_create(
        status=status, defaults={"portal_code": code}
    )
    audit_record(
        actor=actor,
        action="integrations.map_status",
        target=row,
        after={"status": status, "portal_code": code},
    )
    return row

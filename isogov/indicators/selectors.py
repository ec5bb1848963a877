"""Reads of the indicators app scoped to the user: which agency and narrowing they may ask."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import User
from isogov.accounts.selectors import agency_get, user_primary_agency
from isogov.catalog.models import Procedure, Sector
from isogov.core.errors import ValidationFailed

from .registry import Scope

NO_AGENCY = _("Your account belongs to no agency: name the agency.")
UNKNOWN_UNIT = _("The agency has no unit with this code.")
UNKNOWN_SECTOR = _("No sector has this code.")
UNKNOWN_PROCEDURE = _("No procedure has this code.")


def _bad(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def indicator_scope_get(
    *,
    user: User,
    agency: str = "",
    unit: str = "",
    sector: str = "",
    procedure: str = "",
) -> Scope:
    """The scope named by codes; an agency the user may not see is ``NotFound`` (404), an
    unknown unit, sector or procedure a ``ValidationFailed`` naming the field."""
    if agency:
        found = agency_get(user=user, code=agency)
    else:
        primary = user_primary_agency(user=user)
        if primary is None:
            raise _bad("agency", NO_AGENCY)
        found = primary
    scope = Scope(agency=found)
    if unit:
        unit_row = found.units.filter(code=unit).first()
        if unit_row is None:
            raise _bad("unit", UNKNOWN_UNIT)
        scope = Scope(agency=found, unit=unit_row)
    sector_row = Sector.objects.filter(code=sector).first() if sector else None
    if sector and sector_row is None:
        raise _bad("sector", UNKNOWN_SECTOR)
    procedure_row = Procedure.objects.filter(code=procedure).first() if procedure else None
    if procedure and procedure_row is None:
        raise _bad("procedure", UNKNOWN_PROCEDURE)
    return Scope(agency=found, unit=scope.unit, sector=sector_row, procedure=procedure_row)

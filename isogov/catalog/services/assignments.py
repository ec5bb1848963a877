"""Which agency (and unit) carries out a procedure, and the time it promises."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, Unit, User
from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from ..models import (
    AgencyProcedure,
    AllowanceUnit,
    Procedure,
)


@transaction.atomic
def agency_procedure_assign(
    *,
    actor: User | None,
    agency: Agency,
    procedure: Procedure,
    unit: Unit | None = None,
    is_active: bool = True,
    promise_value: Decimal | None = None,
    promise_unit: str = AllowanceUnit.WORKING_DAYS,
) -> AgencyProcedure:
    """Say that ``agency`` (through ``unit``) carries out ``procedure``, or stops doing so.

    ``promise_value``/``promise_unit``: the agency's own time for the procedure, shorter than
    the legal one (cam kết rút ngắn thời gian); dossiers get it as their ``service_due_at``.
    """
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationFailed(
            _("The unit belongs to another agency."),
            details={"unit": [_("belongs to another agency")]},
        )
    if promise_value is not None and promise_value <= 0:
        raise ValidationFailed(
            _("The promised time must be more than zero."),
            details={"promise_value": [_("must be more than zero")]},
        )
    if promise_unit not in AllowanceUnit.values:
        raise ValidationFailed(
            _("The promised time is counted in working days or working hours."),
            details={"promise_unit": [_("must be working days or working hours")]},
        )
    wanted = {
        "unit": unit,
        "is_active": is_active,
        "promise_value": promise_value,
        "promise_unit": promise_unit,
    }
    assignment, created = AgencyProcedure.objects.get_or_create(
        agency=agency, procedure=procedure, defaults=wanted
    )
    if not created:
        if all(getattr(assignment, name) == value for name, value in wanted.items()):
            return assignment
        for name, value in wanted.items():
            setattr(assignment, name, value)
        assignment.save(update_fields=[*wanted, "updated_at"])
    audit_record(
        actor=actor,
        action="agency_procedure.assign",
        target=assignment,
        agency=agency,
        after={
            "procedure": procedure.code,
            "unit": unit.code if unit else None,
            "is_active": is_active,
            "promise": f"{promise_value} {promise_unit}" if promise_value is not None else None,
        },
    )
    return assignment

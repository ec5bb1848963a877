"""Procedure data from the National Public Service Portal into a catalogue draft.

The portal's record (read by ``portal_procedure``) goes over the latest local version, so that
what the portal does not carry (the publication decision, fees not tied to a channel…) is
kept. The result is a **draft**: a new procedure with its first draft, a new draft of an
existing one, or the existing draft replaced. Publishing stays the catalogue's own step, after
its field-by-field diff page (docs/catalog-import.md).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.catalog.models import Procedure, ProcedureVersion, Sector, VersionStatus
from isogov.catalog.selectors import (
    procedure_get_for_manager,
    user_can_manage_catalog,
    version_as_record,
)
from isogov.catalog.services.versions import (
    procedure_register,
    sector_save,
    version_create_draft,
    version_update_draft,
)
from isogov.core.errors import PermissionDenied, ValidationFailed

from .portal_procedure import Errors, portal_procedure_parse, portal_procedure_read, problems

AGENCY_REQUIRED = gettext_lazy("The procedure is new here: choose the agency that carries it out.")
NOT_A_CATALOG_MANAGER = gettext_lazy(
    "Only a catalogue manager of the chosen agency may bring a new procedure into the catalogue."
)


def _record(base: ProcedureVersion | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The new draft's content: the latest local version with the portal's fields over it."""
    record: dict[str, Any] = version_as_record(version=base) if base is not None else {}
    record.update(fields)
    record.update(number=None, status="draft", effective_from=None, effective_to=None)
    return record


@transaction.atomic
def portal_procedure_import(
    *, actor: User, content: bytes, agency: Agency | None = None
) -> ProcedureVersion:
    """Bring the portal's record of one procedure into the catalogue as a draft version.

    A procedure not in the catalogue yet is registered for ``agency`` (its sector is created
    when missing); an existing one gets a new draft, or its draft is replaced. Any problem,
    with the file or with the catalogue's own rules, stores nothing.
    """
    read = portal_procedure_read(portal_procedure_parse(content))
    code, fields = read["code"], read["fields"]
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        errors: Errors = []
        if agency is None:
            raise ValidationFailed(AGENCY_REQUIRED, details={"agency": [str(AGENCY_REQUIRED)]})
        if not user_can_manage_catalog(user=actor, agency=agency):
            raise PermissionDenied(NOT_A_CATALOG_MANAGER)
        if read["sector"] is None:
            errors.append(
                ("LINHVUCTHUCHIEN", _("is required for a procedure new to the catalogue"))
            )
        if read["level"] is None:
            errors.append(("CAPTHUCHIEN", _("is required for a procedure new to the catalogue")))
        if errors:
            raise problems(errors)
        sector_code, sector_name = read["sector"]
        sector = Sector.objects.filter(code=sector_code).first() or sector_save(
            actor=actor, code=sector_code, name=sector_name
        )
        version = procedure_register(
            actor=actor,
            code=code,
            level=read["level"],
            sector=sector,
            data=_record(None, fields),
            agency=agency,
        )
    else:
        procedure = procedure_get_for_manager(user=actor, code=code)
        draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
        base = draft or procedure.versions.order_by("-number").first()
        if draft is not None:
            version = version_update_draft(
                actor=actor, version=draft, sent_version=draft.version, data=_record(base, fields)
            )
        else:
            version = version_create_draft(
                actor=actor, procedure=procedure, data=_record(base, fields)
            )
    audit_record(
        actor=actor,
        action="procedure_version.import_portal",
        target=version,
        after={"procedure": code, "number": version.number, "source": "DVCQG"},
    )
    return version

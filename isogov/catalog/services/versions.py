"""Sectors, procedures and the life of their versions: draft, edit, publish, retire."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import ConflictError, ValidationFailed, check_version

from .. import schema
from ..models import (
    Procedure,
    ProcedureVersion,
    Sector,
    VersionStatus,
)
from ..selectors import version_as_record, version_process
from ..transitions import VersionAction
from ._kernel import (
    clean_version_or_raise,
    errors_to_exception,
    version_action_begin,
    version_action_finish,
    write_content,
)
from .assignments import agency_procedure_assign
from .processes import allowance_problems, step_records

DRAFT_EXISTS = gettext_lazy("This procedure already has a draft version; edit that one.")
EFFECTIVE_TOO_EARLY = gettext_lazy(
    "The effective date must be after the effective date of every published version "
    "(latest: %(latest)s)."
)
EFFECTIVE_TOO_EARLY = gettext_lazy(
    "The effective date must be after the effective date of every published version "
    "(latest: %(latest)s)."
)
RETIRE_BEFORE_START = gettext_lazy("A version cannot end before it takes effect.")
PROCESS_OUT_OF_DATE = gettext_lazy(
    "The internal process %(process)s no longer fits this version; issue a new process for "
    "it first. %(problem)s"
)
PROCESS_OUT_OF_DATE = gettext_lazy(
    "The internal process %(process)s no longer fits this version; issue a new process for "
    "it first. %(problem)s"
)


@transaction.atomic
def sector_save(*, actor: User | None, code: str, name: str) -> Sector:
    """Create a sector, or rename it."""
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        sector = Sector(code=code, name=name)
        sector.full_clean()
        sector.save()
        audit_record(
            actor=actor, action="sector.create", target=sector, after={"code": code, "name": name}
        )
    elif sector.name != name:
        before = sector.name
        sector.name = name
        sector.full_clean()
        sector.save(update_fields=["name", "updated_at"])
        audit_record(
            actor=actor,
            action="sector.update",
            target=sector,
            before={"name": before},
            after={"name": name},
        )
    return sector


@transaction.atomic
def procedure_create(*, actor: User | None, code: str, level: str, sector: Sector) -> Procedure:
    """Register a procedure (its stable identity; the content lives on versions)."""
    errors: schema.Errors = []
    cleaned = schema.clean_procedure(
        {"code": code, "level": level, "sector": sector.code, "versions": [{}]}, "", errors
    )
    errors = [e for e in errors if not e[0].startswith("versions")]
    if errors:
        raise errors_to_exception(errors)
    if Procedure.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("A procedure with code %(code)s already exists.") % {"code": code},
            details={"code": [_("already exists")]},
        )
    procedure = Procedure(
        code=code,
        national_code=cleaned["national_code"],
        local_suffix=cleaned["local_suffix"],
        level=level,
        sector=sector,
    )
    procedure.full_clean()
    procedure.save()
    audit_record(
        actor=actor,
        action="procedure.create",
        target=procedure,
        after={"code": code, "level": level, "sector": sector.code},
    )
    return procedure


@transaction.atomic
def version_create_draft(
    *, actor: User | None, procedure: Procedure, data: dict[str, Any] | None = None
) -> ProcedureVersion:
    """Start a new draft version: from ``data``, or a copy of the latest version."""
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    if procedure.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ConflictError(DRAFT_EXISTS)
    latest = procedure.versions.order_by("-number").first()
    if data is None:
        if latest is None:
            raise ValidationFailed(_("Give the content of the first version."))
        data = version_as_record(version=latest)
    content = clean_version_or_raise(data)
    number = (procedure.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ProcedureVersion(procedure=procedure, number=number, status=VersionStatus.DRAFT)
    write_content(version, content)
    if latest is not None:
        # The new version keeps the internal process of the one it replaces until a new
        # issue is made for it; publishing checks that the allowances still add up.
        process = version_process(version=latest)
        if process is not None:
            process.versions.add(version)
    audit_record(
        actor=actor,
        action="procedure_version.create",
        target=version,
        after={"procedure": procedure.code, "number": number},
    )
    return version


@transaction.atomic
def version_update_draft(
    *,
    actor: User | None,
    version: ProcedureVersion,
    sent_version: int | str | None,
    data: dict[str, Any],
) -> ProcedureVersion:
    """Replace the content of a draft version (action ``edit``)."""
    locked = version_action_begin(actor=actor, version=version, action=VersionAction.EDIT)
    check_version(stored=locked.version, sent=sent_version)
    content = clean_version_or_raise(data)
    before = version_as_record(version=locked)
    locked.version += 1
    write_content(locked, content)
    audit_record(
        actor=actor,
        action="procedure_version.update",
        target=locked,
        before=before,
        after=version_as_record(version=locked),
    )
    return locked


@transaction.atomic
def version_publish(
    *,
    actor: User | None,
    version: ProcedureVersion,
    effective_from: dt.date,
    sent_version: int | str | None,
) -> ProcedureVersion:
    """Publish a draft from ``effective_from``; the previous version ends the day before."""
    locked = version_action_begin(actor=actor, version=version, action=VersionAction.PUBLISH)
    check_version(stored=locked.version, sent=sent_version)
    published = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure_id=locked.procedure_id)
        .exclude(status=VersionStatus.DRAFT)
    )
    latest = published.order_by("-effective_from").first()
    if latest is not None and latest.effective_from and latest.effective_from >= effective_from:
        raise ValidationFailed(
            EFFECTIVE_TOO_EARLY % {"latest": latest.effective_from.isoformat()},
            details={
                "effective_from": [
                    str(EFFECTIVE_TOO_EARLY % {"latest": latest.effective_from.isoformat()})
                ]
            },
        )
    process = version_process(version=locked)
    if process is not None:
        problems = allowance_problems(steps=step_records(process), versions=[locked])
        if problems:
            raise ValidationFailed(
                PROCESS_OUT_OF_DATE % {"process": process.code, "problem": problems[0]},
                details={"process": problems},
            )
    day_before = effective_from - dt.timedelta(days=1)
    for previous in published.filter(effective_to__isnull=True) | published.filter(
        effective_to__gte=effective_from
    ):
        previous.effective_to = day_before
        previous.save(update_fields=["effective_to", "updated_at"])
    moved = version_action_finish(locked, VersionAction.PUBLISH)
    locked.effective_from = effective_from
    locked.effective_to = None
    locked.published_at = clock.now()
    locked.version += 1
    locked.save(
        update_fields=[
            *moved,
            "effective_from",
            "effective_to",
            "published_at",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="procedure_version.publish",
        target=locked,
        after={"effective_from": effective_from.isoformat()},
    )
    return locked


@transaction.atomic
def version_retire(
    *, actor: User | None, version: ProcedureVersion, effective_to: dt.date, reason: str = ""
) -> ProcedureVersion:
    """Retire a published version: it is no longer in force after ``effective_to``."""
    locked = version_action_begin(actor=actor, version=version, action=VersionAction.RETIRE)
    if locked.effective_from and effective_to < locked.effective_from:
        raise ValidationFailed(
            RETIRE_BEFORE_START, details={"effective_to": [str(RETIRE_BEFORE_START)]}
        )
    before = {"status": locked.status, "effective_to": locked.effective_to}
    moved = version_action_finish(locked, VersionAction.RETIRE)
    locked.effective_to = effective_to
    locked.version += 1
    locked.save(update_fields=[*moved, "effective_to", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="procedure_version.retire",
        target=locked,
        before=before,
        after={"status": locked.status, "effective_to": effective_to},
        reason=reason,
    )
    return locked


@transaction.atomic
def procedure_register(
    *,
    actor: User | None,
    code: str,
    level: str,
    sector: Sector,
    data: dict[str, Any],
    agency: Agency | None = None,
) -> ProcedureVersion:
    """Register a new procedure with its first draft version (and the agency carrying it out)."""
    procedure = procedure_create(actor=actor, code=code, level=level, sector=sector)
    version = version_create_draft(actor=actor, procedure=procedure, data=data)
    if agency is not None:
        agency_procedure_assign(actor=actor, agency=agency, procedure=procedure)
    return version

"""Internal audits (§9.2): the yearly programme, plans with the impartiality rule, checklists,
findings and the report."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, RoleAssignment, Unit, User
from isogov.accounts.selectors import user_has_role
from isogov.catalog.models import InternalProcess
from isogov.core import clock
from isogov.core.errors import ConflictError, PermissionDenied, check_version

from ..clauses import BY_NUMBER, CLAUSE_NUMBERS
from ..models import (
    NC_GRADES,
    Audit,
    AuditProgrammeEntry,
    AuditStatus,
    ChecklistItem,
    ControlledDocument,
    Finding,
    Grade,
    Risk,
    RiskStatus,
)
from ..rules import LEVEL_ORDER, LOW, audits_per_year
from ._common import AUDITORS, fail, record, require_manager

OWN_UNIT = _(
    "%(auditor)s cannot audit %(unit)s: it is their own unit (an auditor never audits their "
    "own work)."
)
NOT_AN_AUDITOR = _("%(name)s is not an internal auditor of this agency.")
NOT_IN_TEAM = _("Only a member of the audit team may record findings.")
UNKNOWN_CLAUSE = _("“%(clause)s” is not a clause of ISO 9001:2015 (4.1 to 10.3).")
NO_UNITS = _("Name at least one unit to audit.")
ENDS_BEFORE_START = _("The audit cannot end before it starts.")
AUDIT_CLOSED = _("This audit is already reported; its findings are fixed.")
NO_EVIDENCE = _("A finding states its evidence.")


def auditor_units(*, auditor: User, agency: Agency) -> set[int]:
    """The units the auditor works in (any role held in a unit of the agency)."""
    return set(
        RoleAssignment.objects.filter(user=auditor, agency=agency, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )


def audited_units(*, units: list[Unit], processes: list[InternalProcess]) -> dict[int, Unit]:
    """The units an audit looks at: those named, and those that run steps of its processes."""
    found = {unit.pk: unit for unit in units}
    for process in processes:
        for step in process.steps.select_related("unit"):
            if step.unit is not None:
                found.setdefault(step.unit.pk, step.unit)
    return found


def check_impartiality(
    *, agency: Agency, team: list[User], units: list[Unit], processes: list[InternalProcess]
) -> None:
    """§9.2.2 c: auditors are objective and impartial; none audits their own unit's work."""
    looked_at = audited_units(units=units, processes=processes)
    for auditor in team:
        if not user_has_role(user=auditor, roles=AUDITORS, agency=agency):
            raise fail("team", NOT_AN_AUDITOR, name=auditor.display_name)
        for unit_id in sorted(auditor_units(auditor=auditor, agency=agency)):
            if unit_id in looked_at:
                raise fail(
                    "team", OWN_UNIT, auditor=auditor.display_name, unit=looked_at[unit_id].name
                )


@transaction.atomic
def audit_plan(
    *,
    actor: User,
    agency: Agency,
    title: str,
    scope: str,
    units: list[Unit],
    processes: list[InternalProcess],
    clauses: list[str],
    starts_on: dt.date,
    ends_on: dt.date,
    lead_auditor: User,
    team: list[User],
) -> Audit:
    """Plan an internal audit with its checklist; refuses an auditor on their own unit."""
    require_manager(actor=actor, agency=agency)
    if not units:
        raise fail("units", NO_UNITS)
    for clause in clauses:
        if clause not in CLAUSE_NUMBERS:
            raise fail("clauses", UNKNOWN_CLAUSE, clause=clause)
    if ends_on < starts_on:
        raise fail("ends_on", ENDS_BEFORE_START)
    members = list({user.pk: user for user in [lead_auditor, *team]}.values())
    check_impartiality(agency=agency, team=members, units=units, processes=processes)
    audit = Audit.objects.create(
        agency=agency,
        title=title,
        scope=scope,
        clauses=sorted(clauses, key=lambda c: [int(x) for x in c.split(".")]),
        starts_on=starts_on,
        ends_on=ends_on,
        lead_auditor=lead_auditor,
    )
    audit.units.set(units)
    audit.processes.set(processes)
    audit.team.set(members)
    targets: list[InternalProcess | None] = [*processes] if processes else [None]
    items = [
        ChecklistItem(audit=audit, clause=number, question=question, process=process)
        for number in audit.clauses
        for question in BY_NUMBER[number].questions
        for process in targets
    ]
    ChecklistItem.objects.bulk_create(items)
    record(actor=actor, action="audit.plan", target=audit, agency=agency, team=len(members))
    return audit


@transaction.atomic
def finding_record(
    *,
    actor: User,
    audit_id: int,
    grade: str,
    clause: str,
    description: str,
    evidence: str,
    unit: Unit | None = None,
) -> Finding:
    """Record a finding; only the audit team may, and never on an auditor's own unit."""
    audit = Audit.objects.select_for_update().select_related("agency").get(pk=audit_id)
    if not audit.team.filter(pk=actor.pk).exists():
        raise PermissionDenied(NOT_IN_TEAM)
    if audit.status != AuditStatus.PLANNED:
        raise ConflictError(AUDIT_CLOSED)
    if grade not in Grade.values:
        raise fail("grade", _("Choose a grade from the list."))
    if clause not in CLAUSE_NUMBERS:
        raise fail("clause", UNKNOWN_CLAUSE, clause=clause)
    if not evidence.strip():
        raise fail("evidence", NO_EVIDENCE)
    if unit is not None and unit.pk in auditor_units(auditor=actor, agency=audit.agency):
        raise fail("unit", OWN_UNIT, auditor=actor.display_name, unit=unit.name)
    finding = Finding.objects.create(
        audit=audit,
        grade=grade,
        clause=clause,
        unit=unit,
        description=description,
        evidence=evidence,
        auditor=actor,
        found_on=clock.today(),
    )
    record(actor=actor, action="audit.finding", target=finding, agency=audit.agency, grade=grade)
    if grade in NC_GRADES:
        from .nonconformities import nc_from_finding

        nc_from_finding(finding=finding, actor=actor)
    return finding


@transaction.atomic
def audit_report(*, actor: User, audit_id: int, version: object, summary: str) -> Audit:
    """The lead auditor closes fieldwork with the conclusion; the report PDF is printable."""
    audit = Audit.objects.select_for_update().select_related("agency").get(pk=audit_id)
    check_version(stored=audit.version, sent=version)
    if audit.lead_auditor_id != actor.pk:
        raise PermissionDenied(_("Only the lead auditor reports the audit."))
    if audit.status != AuditStatus.PLANNED:
        raise ConflictError(AUDIT_CLOSED)
    if not summary.strip():
        raise fail("summary", _("Write the audit's conclusion."))
    audit.summary = summary.strip()
    audit.status = AuditStatus.REPORTED
    audit.reported_on = clock.today()
    audit.version += 1
    audit.save()
    # The issued report is frozen: later changes to findings or nonconformities do not alter it.
    from ..pdf import audit_report_pdf

    audit.report_pdf.save(
        f"bao-cao-danh-gia-{audit.pk}.pdf", ContentFile(audit_report_pdf(audit)), save=False
    )
    audit.save(update_fields=["report_pdf"])
    record(actor=actor, action="audit.report", target=audit, agency=audit.agency)
    return audit


@transaction.atomic
def programme_build(*, actor: User, agency: Agency, year: int) -> list[AuditProgrammeEntry]:
    """The yearly programme: each controlled process, as often as its risk and past results ask."""
    require_manager(actor=actor, agency=agency)
    processes = InternalProcess.objects.filter(
        pk__in=ControlledDocument.objects.filter(
            agency=agency, internal_process__isnull=False
        ).values("internal_process")
    )
    entries = []
    for process in processes:
        levels = [
            r.residual_level
            if r.status == RiskStatus.APPROVED and r.residual_level
            else r.inherent_level
            for r in Risk.objects.filter(agency=agency, process=process)
        ]
        level = max(levels, key=LEVEL_ORDER.index, default=LOW)
        last_year = Finding.objects.filter(
            audit__agency=agency, audit__processes=process, found_on__year=year - 1
        )
        count, reason = audits_per_year(
            risk_level=level,
            past_major=last_year.filter(grade=Grade.MAJOR_NC).count(),
            past_minor=last_year.filter(grade=Grade.MINOR_NC).count(),
        )
        entry, _created = AuditProgrammeEntry.objects.update_or_create(
            agency=agency,
            year=year,
            process=process,
            defaults={"audits_per_year": count, "reason": reason},
        )
        entries.append(entry)
    record(actor=actor, action="audit.programme", target=agency, agency=agency, year=year)
    return entries

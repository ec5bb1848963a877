"""Every write to the catalogue. Each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, Unit, User
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed, check_version
from isogov.core.text import fold_vietnamese

from . import schema
from .allowances import ChannelTime, StepAllowance, allowance_mismatches
from .models import (
    AgencyProcedure,
    AllowanceUnit,
    FeeItem,
    FindingStatus,
    InternalProcess,
    LegalBasis,
    LegalChange,
    Paper,
    Procedure,
    ProcedureChannel,
    ProcedureVersion,
    ProcessStep,
    ReviewCampaign,
    ReviewFinding,
    ReviewOutcome,
    Sector,
    VersionStatus,
)
from .selectors import search_words, user_roles_for_procedure, version_as_record, version_process
from .transitions import ACTIONS, VersionAction, is_allowed

NOT_ALLOWED_IN_STATE = gettext_lazy(
    "This action is not allowed in this state: “%(action)s” on a version that is %(status)s."
)
NOT_A_MANAGER_HERE = gettext_lazy(
    "Only a catalogue manager of an agency carrying out this procedure may do this."
)
DRAFT_EXISTS = gettext_lazy("This procedure already has a draft version; edit that one.")
EFFECTIVE_TOO_EARLY = gettext_lazy(
    "The effective date must be after the effective date of every published version "
    "(latest: %(latest)s)."
)
RETIRE_BEFORE_START = gettext_lazy("A version cannot end before it takes effect.")
PROCESS_OUT_OF_DATE = gettext_lazy(
    "The internal process %(process)s no longer fits this version; issue a new process for "
    "it first. %(problem)s"
)
PROCESS_ISSUE_IN_FORCE = gettext_lazy(
    "This issue of the process applies to published versions and cannot change; give it a "
    "new issue number."
)
ALLOWANCE_MISMATCH = gettext_lazy(
    "Procedure %(code)s, channel '%(channel)s': the counted step allowances add up to "
    "%(counted)s %(unit)s but the legal time is %(legal)s %(unit)s (difference %(difference)s)."
)


def errors_to_exception(errors: schema.Errors, *, prefix: str = "") -> ValidationFailed:
    """All ``(path, message)`` problems as one ``ValidationFailed`` (message: the first)."""
    details: dict[str, list[str]] = {}
    for path, message in errors:
        details.setdefault(f"{prefix}{path}", []).append(str(message))
    first_path, first_message = errors[0]
    summary = _("%(count)s problem(s); first: %(path)s: %(message)s") % {
        "count": len(errors),
        "path": f"{prefix}{first_path}",
        "message": first_message,
    }
    return ValidationFailed(summary, details=details)


def _search_text(version: ProcedureVersion) -> str:
    """Folded words, each preceded by a space, so a search term matches word starts only
    ("in" finds "in xuất bản phẩm", not "bản tin")."""
    procedure = version.procedure
    sector = procedure.sector
    folded = fold_vietnamese(
        " ".join([version.name, procedure.code, version.keywords, sector.code, sector.name])
    )
    return " " + " ".join(search_words(folded)) + " "


def _write_content(version: ProcedureVersion, content: dict[str, Any]) -> None:
    """Store a cleaned version record (``schema.clean_version``) on ``version``."""
    for field in [*schema.VERSION_TEXT_FIELDS, "name", "online_level", "decision_date"]:
        setattr(version, field, content[field])
    version.related_codes = content["related_codes"]
    version.search_text = _search_text(version)
    version.save()
    version.channels.all().delete()
    version.fees.all().delete()
    version.papers.all().delete()
    version.legal_bases.all().delete()
    order = 0
    for channel_data in content["channels"]:
        channel = ProcedureChannel.objects.create(
            version=version,
            kind=channel_data["kind"],
            time_value=channel_data["time"]["value"],
            time_unit=channel_data["time"]["unit"],
            time_note=channel_data["time_note"],
        )
        for fee in channel_data["fees"]:
            order += 1
            FeeItem.objects.create(version=version, channel=channel, order=order, **fee)
    for fee in content["fees"]:
        order += 1
        FeeItem.objects.create(version=version, channel=None, order=order, **fee)
    for i, paper in enumerate(content["papers"], start=1):
        Paper.objects.create(
            version=version,
            order=i,
            name=paper["name"],
            template=paper["template"],
            originals=paper["originals"],
            copies=paper["copies"],
            is_required=paper["is_required"],
            condition=paper["condition"],
        )
    for i, basis in enumerate(content["legal_bases"], start=1):
        LegalBasis.objects.create(version=version, order=i, **basis)


def clean_version_or_raise(data: dict[str, Any]) -> dict[str, Any]:
    errors: schema.Errors = []
    content = schema.clean_version(data, "", errors)
    if errors:
        raise errors_to_exception(errors)
    return content


def version_action_begin(
    *, actor: User | None, version: ProcedureVersion, action: VersionAction
) -> ProcedureVersion:
    """The one entry point of every version action: lock the row, then check the action
    table (the status it may start from, then who may run it). Returns the locked row."""
    locked = (
        ProcedureVersion.objects.select_for_update()
        .select_related("procedure__sector")
        .get(pk=version.pk)
    )
    if not is_allowed(action=action, status=locked.status):
        message = NOT_ALLOWED_IN_STATE % {
            "action": ACTIONS[action].label,
            "status": VersionStatus(locked.status).label,
        }
        raise ConflictError(
            message, code="invalid_state", details={"action": action, "status": locked.status}
        )
    if actor is not None and not (
        ACTIONS[action].roles & user_roles_for_procedure(user=actor, procedure=locked.procedure)
    ):
        raise PermissionDenied(NOT_A_MANAGER_HERE)
    return locked


def _version_action_finish(locked: ProcedureVersion, action: VersionAction) -> list[str]:
    """Move the version to the action's status (the only status assignment); the fields to
    save."""
    to_status = ACTIONS[action].to_status
    if to_status is None:
        return []
    locked.status = to_status
    return ["status"]


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
    _write_content(version, content)
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
    _write_content(locked, content)
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
        problems = allowance_problems(steps=_step_records(process), versions=[locked])
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
    moved = _version_action_finish(locked, VersionAction.PUBLISH)
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
    moved = _version_action_finish(locked, VersionAction.RETIRE)
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


def allowance_problems(
    *, steps: list[dict[str, Any]], versions: list[ProcedureVersion]
) -> list[str]:
    """Messages for every channel whose legal time the counted allowances do not match."""
    allowances = [
        StepAllowance(Decimal(s["allowance"]["value"]), s["allowance"]["unit"], s["is_counted"])
        for s in steps
        if s["allowance"]["value"] is not None
    ]
    messages = []
    for version in versions:
        channels = [ChannelTime(c.kind, c.time_value, c.time_unit) for c in version.channels.all()]
        labels = {c.kind: c.get_kind_display() for c in version.channels.all()}
        units = {"working_days": _("working days"), "working_hours": _("working hours")}
        for problem in allowance_mismatches(steps=allowances, channels=channels):
            messages.append(
                str(ALLOWANCE_MISMATCH)
                % {
                    "code": version.procedure.code,
                    "channel": labels[problem.channel],
                    "counted": _number(problem.counted),
                    "legal": _number(problem.legal),
                    "unit": units[problem.unit],
                    "difference": _signed(problem.difference),
                }
            )
    return messages


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "−") + _number(abs(value))


@transaction.atomic
def process_save(
    *,
    actor: User | None,
    data: dict[str, Any],
    versions: list[ProcedureVersion],
    agency: Agency | None = None,
) -> InternalProcess:
    """Create an internal process (or replace the steps of the same code and issue).

    The counted allowances must add up to the legal time of every channel of every version
    that shares the process; otherwise nothing is stored and the differences are reported.
    """
    errors: schema.Errors = []
    content = schema.clean_process(data, "", errors)
    if errors:
        raise errors_to_exception(errors)
    problems = allowance_problems(steps=content["steps"], versions=versions)
    if problems:
        raise ValidationFailed(problems[0], details={"steps": problems})
    units = {}
    if agency is not None:
        units = {u.code: u for u in Unit.objects.filter(agency=agency)}
    process = InternalProcess.objects.filter(
        code=content["code"], issue_number=content["issue_number"]
    ).first()
    action = "internal_process.update"
    if process is None:
        process = InternalProcess(code=content["code"], issue_number=content["issue_number"])
        action = "internal_process.create"
    for field in ("title", "approved_by", "approved_on", "is_illustrative"):
        setattr(process, field, content[field])
    process.full_clean()
    process.save()
    process.steps.all().delete()
    for step in content["steps"]:
        ProcessStep.objects.create(
            process=process,
            order=step["order"],
            name=step["name"],
            unit=units.get(step["unit"]),
            unit_label=step["unit_label"],
            role=step["role"],
            description=step["description"],
            allowance_value=step["allowance"]["value"],
            allowance_unit=step["allowance"]["unit"],
            result_form=step["result_form"],
            is_counted=step["is_counted"],
        )
    process.versions.set(versions)
    audit_record(actor=actor, action=action, target=process, agency=agency, after=content)
    return process


def _step_records(process: InternalProcess) -> list[dict[str, Any]]:
    return [
        {
            "allowance": {"value": step.allowance_value, "unit": step.allowance_unit},
            "is_counted": step.is_counted,
        }
        for step in process.steps.all()
    ]


@transaction.atomic
def process_save_for_draft(
    *, actor: User | None, version: ProcedureVersion, data: dict[str, Any]
) -> InternalProcess:
    """Save the internal process of a draft version.

    An issue that applies to a published version is a controlled document in force: it is not
    changed; a new issue number makes a new process for the draft (and the versions sharing
    the same new issue).
    """
    version = version_action_begin(actor=actor, version=version, action=VersionAction.SET_PROCESS)
    existing = InternalProcess.objects.filter(
        code=str(data.get("code", "")).strip(), issue_number=data.get("issue_number") or 1
    ).first()
    versions = [version]
    if existing is not None:
        if existing.versions.exclude(status=VersionStatus.DRAFT).exists():
            raise ValidationFailed(
                PROCESS_ISSUE_IN_FORCE, details={"issue_number": [str(PROCESS_ISSUE_IN_FORCE)]}
            )
        versions = list({*existing.versions.all(), version})
    process = process_save(
        actor=actor, data=data, versions=versions, agency=_agency_of(version.procedure)
    )
    for other in InternalProcess.objects.filter(versions=version).exclude(pk=process.pk):
        other.versions.remove(version)
    return process


def _agency_of(procedure: Procedure) -> Agency | None:
    assignment = procedure.agencies.select_related("agency").first()
    return assignment.agency if assignment else None


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


@transaction.atomic
def review_campaign_create(
    *,
    actor: User | None,
    agency: Agency,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> ReviewCampaign:
    """Open a procedure review campaign (đợt rà soát TTHC)."""
    campaign = ReviewCampaign(agency=agency, title=title, starts_on=starts_on, ends_on=ends_on)
    campaign.full_clean()
    campaign.save()
    audit_record(
        actor=actor,
        action="review_campaign.create",
        target=campaign,
        agency=agency,
        after={"title": title},
    )
    return campaign


@transaction.atomic
def review_finding_record(
    *,
    actor: User | None,
    campaign: ReviewCampaign,
    procedure: Procedure,
    outcome: str = ReviewOutcome.KEEP,
    proposal: str = "",
    saved_days: Decimal = Decimal(0),
    saved_papers: int = 0,
    status: str = FindingStatus.PROPOSED,
) -> ReviewFinding:
    """Record (or revise) the finding of a review for one procedure."""
    finding = ReviewFinding.objects.filter(campaign=campaign, procedure=procedure).first()
    finding = finding or ReviewFinding(campaign=campaign, procedure=procedure)
    finding.outcome = outcome
    finding.proposal = proposal
    finding.saved_days = saved_days
    finding.saved_papers = saved_papers
    finding.status = status
    finding.reviewer = actor
    if outcome != ReviewOutcome.KEEP and not proposal.strip():
        raise ValidationFailed(
            _("Simplifying or abolishing a procedure needs a proposal."),
            details={"proposal": [_("is required")]},
        )
    finding.full_clean()
    finding.save()
    audit_record(
        actor=actor,
        action="review_finding.record",
        target=finding,
        agency=campaign.agency,
        after={
            "procedure": procedure.code,
            "outcome": outcome,
            "saved_days": saved_days,
            "saved_papers": saved_papers,
        },
    )
    return finding


@transaction.atomic
def legal_change_register(
    *,
    actor: User | None,
    number: str,
    summary: str,
    effective_on: dt.date,
    issuer: str = "",
    issued_on: dt.date | None = None,
    publisher_level: str = "province",
    procedures: list[Procedure] | None = None,
) -> LegalChange:
    """Register a legal text to watch and the procedures it affects."""
    change = LegalChange(
        number=number,
        summary=summary,
        issuer=issuer,
        issued_on=issued_on,
        effective_on=effective_on,
        publisher_level=publisher_level,
    )
    change.full_clean()
    change.save()
    change.procedures.set(procedures or [])
    audit_record(
        actor=actor,
        action="legal_change.register",
        target=change,
        after={
            "number": number,
            "effective_on": effective_on,
            "procedures": [p.code for p in procedures or []],
        },
    )
    return change


@transaction.atomic
def legal_change_mark_done(
    *,
    actor: User | None,
    change: LegalChange,
    published_on: dt.date | None = None,
    iso_updated_on: dt.date | None = None,
) -> LegalChange:
    """Record that the procedures were published and/or the ISO processes updated."""
    if published_on is not None:
        change.published_on = published_on
    if iso_updated_on is not None:
        change.iso_updated_on = iso_updated_on
    change.save(update_fields=["published_on", "iso_updated_on", "updated_at"])
    audit_record(
        actor=actor,
        action="legal_change.mark_done",
        target=change,
        after={"published_on": change.published_on, "iso_updated_on": change.iso_updated_on},
    )
    return change

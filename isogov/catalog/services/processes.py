"""Internal processes (quy trình nội bộ): their steps, and allowances that add up to the legal
time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, Unit, User
from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from .. import schema
from ..allowances import ChannelTime, StepAllowance, allowance_mismatches
from ..models import (
    InternalProcess,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    VersionStatus,
)
from ..transitions import VersionAction
from ._kernel import errors_to_exception, version_action_begin

PROCESS_ISSUE_IN_FORCE = gettext_lazy(
    "This issue of the process applies to published versions and cannot change; give it a "
    "new issue number."
)
ALLOWANCE_MISMATCH = gettext_lazy(
    "Procedure %(code)s, channel '%(channel)s': the counted step allowances add up to "
    "%(counted)s %(unit)s but the legal time is %(legal)s %(unit)s (difference %(difference)s)."
)


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


def step_records(process: InternalProcess) -> list[dict[str, Any]]:
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

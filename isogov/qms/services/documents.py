"""Document control (§7.5): documents, revisions through their action table, distribution and
read acknowledgements. ``revision_act`` is the one entry point for every revision action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, RoleAssignment, Unit, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_has_role
from isogov.catalog.models import InternalProcess
from isogov.core import clock
from isogov.core.errors import ConflictError, PermissionDenied, check_version, full_clean_or_fail

from ..models import ControlledDocument, DocumentRevision, DocumentType, ReadAcknowledgement
from ..rules import add_months
from ..transitions import ACTIONS, Party, RevisionAction, RevisionStatus
from ._common import LEADERS, fail, record, require_manager

REVIEWER_IS_AUTHOR = _("The reviewer must be someone other than the author.")
APPROVER_NOT_LEADER = _("%(name)s cannot approve: documents are approved by the agency's leader.")
NOT_IN_AGENCY = _("%(name)s does not work for this agency.")
OPEN_REVISION = _("This document already has a revision in progress (issue %(number)02d).")
WRONG_STATUS = _("“%(action)s” cannot be done on a revision that is %(status)s.")
NOT_YOUR_STEP = _("Only the revision's %(parties)s may do “%(action)s”.")
COMMENT_NEEDED = _("Say what should change.")
NOT_PUBLISHED = _("Only a published revision can be acknowledged.")
NOT_DISTRIBUTED = _("This revision was not distributed to your unit.")
ALREADY_READ = _("You have already acknowledged this revision.")
NEEDS_CHANGE_SUMMARY = _("Summarise what changes in this revision.")
ATTACHMENT_KIND = _("Attach a Word (.docx, .doc) or PDF file.")
ATTACHMENT_SIZE = _("The attachment is larger than %(mb)s MB.")
ATTACHMENT_FROZEN = _("A published or obsolete revision cannot change its attachment.")
ATTACHMENT_WHO = _("Only the revision's author or the ISO secretary may attach a file.")
ATTACHMENT_MAX_MB = 20
# What each accepted extension's file starts with (a renamed file of another kind is refused).
ATTACHMENT_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}

PARTY_LABELS = {
    Party.AUTHOR: _("author"),
    Party.REVIEWER: _("reviewer"),
    Party.APPROVER: _("approver"),
    Party.SECRETARY: _("ISO secretary"),
}


def _works_for(user: User, agency: Agency) -> bool:
    return (
        user.agency_id == agency.pk
        or RoleAssignment.objects.filter(user=user, agency=agency).exists()
    )


def process_snapshot(process: InternalProcess) -> dict[str, Any]:
    """The catalogue process as content of a process document: its steps with unit and time."""
    return {
        "code": process.code,
        "title": process.title,
        "steps": [
            {
                "order": step.order,
                "name": step.name,
                "unit": step.unit.name if step.unit else step.unit_label,
                "allowance": (
                    f"{step.allowance_value.normalize():f} {step.get_allowance_unit_display()}"
                ),
                "result_form": step.result_form,
            }
            for step in process.steps.select_related("unit").order_by("order")
        ],
        "procedures": sorted(
            {f"{v.procedure.code} – {v.name}" for v in process.versions.select_related("procedure")}
        ),
    }


@transaction.atomic
def document_create(
    *,
    actor: User,
    agency: Agency,
    code: str,
    title: str,
    doc_type: str,
    owner_unit: Unit | None = None,
    scope: str = "",
    retention_years: int = 5,
    review_interval_months: int = 12,
    internal_process: InternalProcess | None = None,
) -> ControlledDocument:
    """Register a controlled document (its first revision is drafted separately)."""
    require_manager(actor=actor, agency=agency)
    if doc_type == DocumentType.PROCESS and internal_process is None:
        raise fail("internal_process", _("A process document names its internal process."))
    document = ControlledDocument(
        agency=agency,
        code=code.strip(),
        title=title.strip(),
        doc_type=doc_type,
        owner_unit=owner_unit,
        scope=scope,
        retention_years=retention_years,
        review_interval_months=review_interval_months,
        internal_process=internal_process,
    )
    full_clean_or_fail(document)
    document.save()
    record(actor=actor, action="document.create", target=document, agency=agency, code=code)
    return document


@transaction.atomic
def revision_draft(
    *,
    actor: User,
    document: ControlledDocument,
    change_summary: str,
    reviewer: User,
    approver: User,
    content: str = "",
    title: str | None = None,
    scope: str | None = None,
    owner_unit: Unit | None = None,
) -> DocumentRevision:
    """Start a new revision: text, scope or owner changes are all new revisions."""
    agency = document.agency
    require_manager(actor=actor, agency=agency)
    open_revision = document.revisions.exclude(
        status__in=[RevisionStatus.PUBLISHED, RevisionStatus.OBSOLETE]
    ).first()
    if open_revision is not None:
        raise ConflictError(OPEN_REVISION % {"number": open_revision.number})
    if not change_summary.strip():
        raise fail("change_summary", NEEDS_CHANGE_SUMMARY)
    for field, person in (("reviewer", reviewer), ("approver", approver)):
        if not _works_for(person, agency):
            raise fail(field, NOT_IN_AGENCY, name=person.display_name)
    if reviewer.pk == actor.pk:
        raise fail("reviewer", REVIEWER_IS_AUTHOR)
    if not user_has_role(user=approver, roles=LEADERS, agency=agency):
        raise fail("approver", APPROVER_NOT_LEADER, name=approver.display_name)
    last = document.revisions.order_by("-number").first()
    revision = DocumentRevision(
        document=document,
        number=(last.number + 1) if last else 1,
        title=title or document.title,
        scope=document.scope if scope is None else scope,
        owner_unit=owner_unit or document.owner_unit,
        content=content,
        change_summary=change_summary.strip(),
        author=actor,
        reviewer=reviewer,
        approver=approver,
    )
    if document.internal_process_id:
        revision.process_snapshot = process_snapshot(document.internal_process)  # type: ignore[arg-type]
    full_clean_or_fail(revision)
    revision.save()
    record(
        actor=actor, action="revision.draft", target=revision, agency=agency, number=revision.number
    )
    return revision


def parties_of(*, user: User, revision: DocumentRevision) -> frozenset[Party]:
    """How ``user`` stands on ``revision``: its author, reviewer, approver, the secretary."""
    parties = set()
    if revision.author_id == user.pk:
        parties.add(Party.AUTHOR)
    if revision.reviewer_id == user.pk:
        parties.add(Party.REVIEWER)
    if revision.approver_id == user.pk:
        parties.add(Party.APPROVER)
    if user_has_role(
        user=user, roles=frozenset({Role.ISO_SECRETARY}), agency=revision.document.agency
    ):
        parties.add(Party.SECRETARY)
    return frozenset(parties)


@transaction.atomic
def revision_act(
    *,
    actor: User,
    revision_id: int,
    action: str,
    version: Any,
    comment: str = "",
    content: str | None = None,
    change_summary: str | None = None,
    effective_on: dt.date | None = None,
    distribute_to: list[Unit] | None = None,
) -> DocumentRevision:
    """Run one action of the table on a revision: version → status → authority → input."""
    revision = (
        DocumentRevision.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "document__internal_process")
        .get(pk=revision_id)
    )
    try:
        rule = ACTIONS[RevisionAction(action)]
    except ValueError as error:
        raise fail("action", _("Unknown action.")) from error
    check_version(stored=revision.version, sent=version)
    if revision.status not in rule.from_statuses:
        raise ConflictError(
            WRONG_STATUS % {"action": rule.label, "status": revision.get_status_display()}
        )
    if not rule.parties & parties_of(user=actor, revision=revision):
        names = ", ".join(str(PARTY_LABELS[p]) for p in sorted(rule.parties))
        raise PermissionDenied(NOT_YOUR_STEP % {"parties": names, "action": rule.label})
    if rule.needs_comment and not comment.strip():
        raise fail("comment", COMMENT_NEEDED)
    now = clock.now()
    fields = ["version", "updated_at"]
    if rule.name in (RevisionAction.REVISE, RevisionAction.SUBMIT):
        if content is not None:
            revision.content = content
            fields.append("content")
        if change_summary is not None:
            if not change_summary.strip():
                raise fail("change_summary", NEEDS_CHANGE_SUMMARY)
            revision.change_summary = change_summary.strip()
            fields.append("change_summary")
    if rule.name == RevisionAction.SUBMIT:
        revision.submitted_at = now
        fields.append("submitted_at")
    elif rule.name == RevisionAction.REQUEST_CHANGES:
        revision.review_comment = comment.strip()
        fields.append("review_comment")
    elif rule.name == RevisionAction.APPROVE:
        revision.approved_at = now
        fields.append("approved_at")
    elif rule.name == RevisionAction.PUBLISH:
        _publish(revision, now=now, effective_on=effective_on, units=distribute_to)
        fields += ["published_at", "effective_on", "pdf"]
    if rule.to_status is not None:
        revision.status = rule.to_status
        fields.append("status")
    revision.version += 1
    revision.save(update_fields=fields)
    record(
        actor=actor,
        action=f"revision.{rule.name}",
        target=revision,
        agency=revision.document.agency,
        status=revision.status,
        comment=comment,
    )
    return revision


def _publish(
    revision: DocumentRevision,
    *,
    now: dt.datetime,
    effective_on: dt.date | None,
    units: list[Unit] | None,
) -> None:
    """Obsolete the previous issue, freeze the PDF, distribute, schedule the periodic review."""
    from ..pdf import revision_pdf

    document = revision.document
    revision.published_at = now
    revision.effective_on = effective_on or clock.today()
    for previous in document.revisions.filter(status=RevisionStatus.PUBLISHED):
        previous.status = RevisionStatus.OBSOLETE
        previous.obsolete_at = now
        previous.version += 1
        previous.save(update_fields=["status", "obsolete_at", "version", "updated_at"])
    document.title = revision.title
    document.scope = revision.scope
    document.owner_unit = revision.owner_unit
    document.next_review_on = add_months(revision.effective_on, document.review_interval_months)
    document.version += 1
    document.save(
        update_fields=["title", "scope", "owner_unit", "next_review_on", "version", "updated_at"]
    )
    if units is None:
        units = list(Unit.objects.filter(agency=document.agency, is_active=True))
    revision.distributed_units.set(units)
    # The frozen PDF: what was published, as it was, whatever changes later.
    revision.pdf.save(
        f"{document.code.replace('/', '-')}-{revision.number:02d}.pdf",
        ContentFile(revision_pdf(revision)),
        save=False,
    )


def revision_readers(*, revision: DocumentRevision) -> Any:
    """Who should read a published revision: staff of the units it was distributed to."""
    unit_ids = list(revision.distributed_units.values_list("id", flat=True))
    return (
        User.objects.filter(role_assignments__unit_id__in=unit_ids, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


@transaction.atomic
def revision_acknowledge(*, actor: User, revision_id: int) -> ReadAcknowledgement:
    """The reader confirms having read a published revision (§7.3 awareness)."""
    revision = DocumentRevision.objects.select_related("document__agency").get(pk=revision_id)
    if revision.status != RevisionStatus.PUBLISHED:
        raise ConflictError(NOT_PUBLISHED)
    if not revision_readers(revision=revision).filter(pk=actor.pk).exists():
        raise PermissionDenied(NOT_DISTRIBUTED)
    if ReadAcknowledgement.objects.filter(revision=revision, user=actor).exists():
        raise ConflictError(ALREADY_READ)
    ack = ReadAcknowledgement.objects.create(revision=revision, user=actor, read_at=clock.now())
    record(actor=actor, action="revision.read", target=ack, agency=revision.document.agency)
    return ack


@transaction.atomic
def document_register(
    *,
    actor: User,
    agency: Agency,
    document: dict[str, Any],
    change_summary: str,
    reviewer: User,
    approver: User,
    content: str = "",
) -> DocumentRevision:
    """Register a document and draft its first revision, in one go (the list page's form)."""
    created = document_create(actor=actor, agency=agency, **document)
    return revision_draft(
        actor=actor,
        document=created,
        change_summary=change_summary,
        reviewer=reviewer,
        approver=approver,
        content=content,
    )


@transaction.atomic
def revision_attach(
    *, actor: User, revision_id: int, version: Any, upload: Any
) -> DocumentRevision:
    """Attach the Word or PDF original to a revision that is not yet published (§7.5.2)."""
    revision = (
        DocumentRevision.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency")
        .get(pk=revision_id)
    )
    check_version(stored=revision.version, sent=version)
    if revision.status in (RevisionStatus.PUBLISHED, RevisionStatus.OBSOLETE):
        raise ConflictError(ATTACHMENT_FROZEN)
    if not {Party.AUTHOR, Party.SECRETARY} & parties_of(user=actor, revision=revision):
        raise PermissionDenied(ATTACHMENT_WHO)
    if upload is None:
        raise fail("attachment", ATTACHMENT_KIND)
    name = str(getattr(upload, "name", "") or "")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ATTACHMENT_MAGIC:
        raise fail("attachment", ATTACHMENT_KIND)
    if upload.size > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise fail("attachment", ATTACHMENT_SIZE, mb=ATTACHMENT_MAX_MB)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_MAGIC[extension]):
        raise fail("attachment", ATTACHMENT_KIND)
    code = revision.document.code.replace("/", "-")
    revision.attachment.save(f"{code}-{revision.number:02d}{extension}", upload, save=False)
    revision.version += 1
    revision.save(update_fields=["attachment", "version", "updated_at"])
    record(
        actor=actor,
        action="revision.attach",
        target=revision,
        agency=revision.document.agency,
        file=revision.attachment.name,
    )
    return revision

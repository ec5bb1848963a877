"""Document control (§7.5): the revision action table, its guards, publication and reading."""

from __future__ import annotations

from typing import Any

import pytest

from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.qms.models import DocumentRevision, ReadAcknowledgement
from isogov.qms.services import documents as svc
from isogov.qms.transitions import ACTIONS, Party, RevisionStatus, actions_for

from .conftest import act, draft, new_document, publish, unit

pytestmark = pytest.mark.django_db


def test_every_action_starts_from_a_status_and_names_who_may_run_it() -> None:
    for action in ACTIONS.values():
        assert action.from_statuses and action.parties
    assert [
        a.name for a in actions_for(status="in_review", parties=frozenset({Party.REVIEWER}))
    ] == ["request_changes"]
    assert actions_for(status="published", parties=frozenset(Party)) == []


def test_full_workflow_draft_changes_revise_approve_publish_read(demo: Any) -> None:
    document = new_document(demo)
    revision = draft(demo, document)
    assert revision.status == RevisionStatus.DRAFT and revision.number == 1
    act(demo, "thuky", revision, "submit")
    act(demo, "truongphong", revision, "request_changes", comment="Bổ sung phạm vi")
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.CHANGES_REQUESTED
    assert revision.review_comment == "Bổ sung phạm vi"
    act(demo, "thuky", revision, "revise", content="Mục đích và phạm vi")
    act(demo, "thuky", revision, "submit")
    act(demo, "lanhdao", revision, "approve")
    published = act(demo, "thuky", revision, "publish")
    assert published.status == RevisionStatus.PUBLISHED
    assert published.pdf.name.endswith(".pdf")
    document.refresh_from_db()
    assert document.next_review_on is not None
    ack = svc.revision_acknowledge(actor=demo.user("chuyenvien"), revision_id=published.pk)
    assert ack.user.username == "chuyenvien"


def test_a_second_publication_makes_the_first_obsolete(demo: Any) -> None:
    document = new_document(demo)
    first = publish(demo, document)
    second = publish(
        demo, document, change_summary="Đổi đơn vị chủ trì", owner_unit=unit(demo, "CNTT")
    )
    first.refresh_from_db()
    assert first.status == RevisionStatus.OBSOLETE and first.obsolete_at is not None
    assert second.number == 2
    document.refresh_from_db()
    assert document.owner_unit.code == "CNTT"  # a change of owner is a revision too


def test_reviewer_cannot_approve_and_author_cannot_ask_changes(demo: Any) -> None:
    revision = draft(demo, new_document(demo))
    act(demo, "thuky", revision, "submit")
    with pytest.raises(PermissionDenied):
        act(demo, "truongphong", revision, "approve")
    with pytest.raises(PermissionDenied):
        act(demo, "thuky", revision, "request_changes", comment="x")


def test_action_in_the_wrong_status_is_a_conflict(demo: Any) -> None:
    revision = draft(demo, new_document(demo))
    with pytest.raises(ConflictError):
        act(demo, "lanhdao", revision, "approve")  # still a draft
    with pytest.raises(ConflictError):
        act(demo, "thuky", revision, "publish")


def test_asking_for_changes_needs_a_comment(demo: Any) -> None:
    revision = draft(demo, new_document(demo))
    act(demo, "thuky", revision, "submit")
    with pytest.raises(ValidationFailed) as error:
        act(demo, "truongphong", revision, "request_changes", comment="  ")
    assert "comment" in error.value.details


def test_stale_version_is_refused(demo: Any) -> None:
    revision = draft(demo, new_document(demo))
    with pytest.raises(ConflictError):
        svc.revision_act(
            actor=demo.user("thuky"), revision_id=revision.pk, action="submit", version=99
        )


def test_approver_must_be_the_agency_leader(demo: Any) -> None:
    document = new_document(demo)
    with pytest.raises(ValidationFailed) as error:
        draft(demo, document, approver=demo.user("truongphong"))
    assert "approver" in error.value.details and "Lê Văn Trưởng" in str(error.value.message)
    assert draft(demo, document, approver=demo.user("lanhdao")).approver.username == "lanhdao"


def test_reviewer_must_not_be_the_author(demo: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        draft(demo, new_document(demo), reviewer=demo.user("thuky"))
    assert "reviewer" in error.value.details


def test_only_one_revision_in_progress(demo: Any) -> None:
    document = new_document(demo)
    draft(demo, document)
    with pytest.raises(ConflictError):
        draft(demo, document)


def test_only_qms_managers_register_documents(demo: Any) -> None:
    from isogov.qms.services.documents import document_create

    with pytest.raises(PermissionDenied):
        document_create(
            actor=demo.user("chuyenvien"),
            agency=demo.department,
            code="X",
            title="X",
            doc_type="form",
        )


def test_a_process_document_names_its_process(desk: Any) -> None:
    from isogov.catalog.models import InternalProcess

    with pytest.raises(ValidationFailed):
        new_document(desk, code="QT01", doc_type="process")
    process = InternalProcess.objects.get(code="QT 01/STTTT")
    document = new_document(desk, code="QT01", doc_type="process", internal_process=process)
    revision = draft(desk, document)
    assert len(revision.process_snapshot["steps"]) == process.steps.count()


def test_acknowledge_only_published_once_and_by_its_readers(demo: Any) -> None:
    document = new_document(demo)
    revision = draft(demo, document)
    with pytest.raises(ConflictError):
        svc.revision_acknowledge(actor=demo.user("chuyenvien"), revision_id=revision.pk)
    act(demo, "thuky", revision, "submit")
    act(demo, "lanhdao", revision, "approve")
    act(demo, "thuky", revision, "publish", distribute_to=[unit(demo, "BCXB")])
    svc.revision_acknowledge(actor=demo.user("chuyenvien"), revision_id=revision.pk)
    with pytest.raises(ConflictError):
        svc.revision_acknowledge(actor=demo.user("chuyenvien"), revision_id=revision.pk)
    with pytest.raises(PermissionDenied):  # Bưu chính – Viễn thông did not get it
        svc.revision_acknowledge(actor=demo.user("vienthong"), revision_id=revision.pk)
    readers = svc.revision_readers(revision=DocumentRevision.objects.get(pk=revision.pk))
    unread = readers.exclude(pk__in=ReadAcknowledgement.objects.values("user"))
    assert "truongphong" in {u.username for u in unread}

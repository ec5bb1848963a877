from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from isogov.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash, stored_event_hash
from isogov.audit.models import AuditChainHead, AuditEvent
from isogov.audit.services import audit_maintenance, audit_record, audit_verify_chain


def _three_events() -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            action="test.write",
            object_type="thing",
            object_id=i,
            after={"name": f"Hồ sơ {i}", "amount": i * 1000},
        )
        for i in range(3)
    ]


@pytest.mark.django_db
def test_events_form_a_chain_that_verifies() -> None:
    events = _three_events()
    prevs = [GENESIS_HASH] + [e.hash for e in events[:-1]]
    assert [e.hash for e in events] == [
        stored_event_hash(e, p) for e, p in zip(events, prevs, strict=True)
    ]
    # Read back: the same hex hashes (stored as 32 bytes, audit 0006).
    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == [
        e.hash for e in events
    ]
    result = audit_verify_chain()
    assert result.ok
    assert result.checked == AuditEvent.objects.count()


@pytest.mark.django_db
def test_update_is_refused_by_the_database() -> None:
    event = _three_events()[1]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    event.refresh_from_db()
    assert event.reason == ""


@pytest.mark.django_db
def test_delete_is_refused_by_the_database() -> None:
    event = _three_events()[1]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_verify_names_the_event_edited_behind_the_applications_back() -> None:
    events = _three_events()
    tampered = events[1]
    # Someone with database rights switches the guard off and edits one event.
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["rewritten", tampered.pk]
        )
    result = audit_verify_chain()
    assert not result.ok
    assert result.broken_seq == tampered.seq
    with pytest.raises(CommandError, match=f"#{tampered.seq}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_notices_a_removed_event() -> None:
    events = _three_events()
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = audit_verify_chain()
    assert result.broken_seq == events[1].seq
    assert "missing" in result.problem


@pytest.mark.django_db
def test_verify_notices_the_last_events_cut_off() -> None:
    events = _three_events()
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    result = audit_verify_chain()
    assert not result.ok
    assert result.broken_seq == events[-1].seq


@pytest.mark.django_db
def test_verify_command_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    _three_events()
    call_command("audit", "verify")
    assert "audit chain OK: 3 events verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_event_rolled_back_with_its_transaction_leaves_no_gap() -> None:
    _three_events()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rollback")
        raise RuntimeError("the service failed after writing its event")
    audit_record(actor=None, action="test.after")
    assert audit_verify_chain().ok
    assert not AuditEvent.objects.filter(action="test.rollback").exists()


@pytest.mark.django_db
def test_hash_is_stored_as_32_bytes_without_the_previous_hash() -> None:
    events = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_auditevent WHERE id = %s", [events[0].pk])
        (stored,) = cursor.fetchone()
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "audit_auditevent")
        }
    assert bytes(stored) == bytes.fromhex(events[0].hash) and len(bytes(stored)) == 32
    assert "prev_hash" not in columns
    assert AuditEvent.objects.filter(hash=events[0].hash).get().pk == events[0].pk


@pytest.mark.django_db
def test_verify_names_an_event_whose_hash_was_overwritten_with_text() -> None:
    events = _three_events()
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash = 'abc' WHERE id = %s", [events[1].pk])
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == events[1].seq


@pytest.mark.django_db
def test_verify_notices_an_event_inserted_into_the_chain() -> None:
    """An event slipped in as #2, hashed on #1 as the application would, the later events
    renumbered: the event after it no longer matches its hash (its number is covered)."""
    events = _three_events()
    fields = {f: getattr(events[1], f) for f in HASHED_FIELDS}
    fields.update(action="test.inserted", reason="slipped in")
    with audit_maintenance(), transaction.atomic():
        for event in reversed(events[1:]):
            AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
        AuditEvent.objects.create(
            **fields, chain=events[1].chain, hash=event_hash(**fields, prev_hash=events[0].hash)
        )
        AuditChainHead.objects.filter(pk=events[1].chain).update(last_seq=events[-1].seq + 1)
    result = audit_verify_chain()
    assert not result.ok
    assert result.broken_seq == events[1].seq + 1
    with pytest.raises(CommandError, match=f"#{events[1].seq + 1}"):
        call_command("audit", "verify")

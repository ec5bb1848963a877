"""Signed checkpoints catch a chain that was rehashed and cut (issue 13, item 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from isogov.audit.chain import stored_event_hash
from isogov.audit.checkpoints import checkpoint_list, checkpoint_write
from isogov.audit.models import AuditChainHead, AuditEvent
from isogov.audit.services import audit_maintenance, audit_record, audit_verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(tmp_path: Path, settings: Any) -> Path:
    settings.ISOGOV_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.ISOGOV_AUDIT_KEY = "a-key-kept-outside-the-database"
    return tmp_path / "checkpoints.jsonl"


def _events(count: int) -> None:
    for i in range(count):
        audit_record(actor=None, action="test.write", object_type="thing", object_id=i)


def _rehash_from(seq: int) -> None:
    """What an attacker with UPDATE rights does: rewrite and re-chain every later event."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    with audit_maintenance(), transaction.atomic():
        for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
            new = stored_event_hash(event, prev)
            AuditEvent.objects.filter(pk=event.pk).update(hash=new)
            prev = new
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def _cut_tail(keep: int) -> None:
    with audit_maintenance(), transaction.atomic():
        AuditEvent.objects.filter(seq__gt=keep).delete()
        last = AuditEvent.objects.get(seq=keep)
        AuditChainHead.objects.filter(pk=1).update(last_seq=keep, last_hash=last.hash)


def test_checkpoint_is_signed_appended_and_logged(
    checkpoint_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _events(3)
    with caplog.at_level("INFO", logger="isogov.audit.checkpoint"):
        checkpoint_write()
    _events(2)
    checkpoint_write()
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    head = AuditChainHead.objects.get(pk=1)
    assert [line["seq"] for line in lines] == [head.last_seq - 2, head.last_seq]
    assert lines[1]["hash"] == head.last_hash and len(lines[1]["mac"]) == 64
    assert "audit checkpoint" in caplog.text
    assert all(c.valid_signature for c in checkpoint_list())
    assert audit_verify_chain().ok


def test_rehashed_and_truncated_chain_is_caught_by_the_first_checkpoint_it_contradicts() -> None:
    _events(4)
    [first] = checkpoint_write()
    _events(4)
    checkpoint_write()
    with audit_maintenance(), transaction.atomic():
        AuditEvent.objects.filter(seq=first.seq - 1).update(reason="rewritten")
    _rehash_from(first.seq - 1)
    _cut_tail(first.seq + 2)
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_seq == first.seq + 2
    result = audit_verify_chain()
    assert not result.ok
    assert result.broken_seq == first.seq
    assert "checkpoint line 1" in result.problem and "rewritten" in result.problem
    with pytest.raises(CommandError, match="checkpoint line 1"):
        call_command("audit", "verify")


def test_cut_tail_alone_is_caught() -> None:
    _events(5)
    [checkpoint] = checkpoint_write()
    _cut_tail(checkpoint.seq - 2)
    result = audit_verify_chain()
    assert not result.ok and "cut off" in result.problem


def test_forged_checkpoint_is_refused(checkpoint_file: Path, settings: Any) -> None:
    _events(2)
    checkpoint_write()
    settings.ISOGOV_AUDIT_KEY = "the-attacker-does-not-have-the-key"
    result = audit_verify_chain()
    assert not result.ok and "bad signature" in result.problem


def test_checkpoint_command(checkpoint_file: Path) -> None:
    _events(1)
    call_command("audit", "checkpoint")
    assert len(checkpoint_file.read_text().splitlines()) == 1
    call_command("audit", "verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_application_role_cannot_rewrite_the_audit_trail_even_in_maintenance_mode() -> None:
    from django.db import DatabaseError

    _events(1)
    call_command("audit", "setup-roles", app_role="isogov_app_test")
    refused = pytest.raises(DatabaseError, match="permission denied")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE isogov_app_test")
        cursor.execute("SET LOCAL isogov.audit_maintenance = 'on'")
        cursor.execute("UPDATE audit_auditevent SET reason = 'x'")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE isogov_app_test")
        audit_record(actor=None, action="test.as_app", object_type="thing", object_id=1)
        cursor.execute("SELECT count(*) FROM audit_auditevent")

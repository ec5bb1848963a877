"""One chain per agency and one for the system (issue 15 §5, ADR 0002)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from isogov.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash, stored_event_hash
from isogov.audit.checkpoints import checkpoint_list, checkpoint_write
from isogov.audit.models import AuditChainHead, AuditEvent
from isogov.audit.services import audit_maintenance, audit_record, audit_verify_chain

pytestmark = pytest.mark.django_db

HAI_PHONG, DA_NANG = "000.00.15.H26", "000.00.31.H17"


@pytest.fixture(autouse=True)
def checkpoint_file(tmp_path: Path, settings: Any) -> Path:
    settings.ISOGOV_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.ISOGOV_AUDIT_KEY = "a-key-kept-outside-the-database"
    return tmp_path / "checkpoints.jsonl"


def _write(agency: str | None, count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None, action="test.write", object_type="thing", object_id=i, agency=agency
        )
        for i in range(count)
    ]


def _head(agency: str) -> AuditChainHead:
    return AuditChainHead.objects.get(agency_code=agency)


def _rehash_chain_from(agency: str, seq: int) -> None:
    """An attacker with UPDATE rights re-chains one agency's events from ``seq`` on."""
    head = _head(agency)
    events = AuditEvent.objects.filter(chain=head.pk)
    prev = events.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    with audit_maintenance(), transaction.atomic():
        for event in events.filter(seq__gte=seq).order_by("seq"):
            new = stored_event_hash(event, prev)
            AuditEvent.objects.filter(pk=event.pk).update(hash=new)
            prev = new
        AuditChainHead.objects.filter(pk=head.pk).update(last_hash=prev)


def _cut_chain(agency: str, keep: int) -> None:
    head = _head(agency)
    with audit_maintenance(), transaction.atomic():
        AuditEvent.objects.filter(chain=head.pk, seq__gt=keep).delete()
        last = AuditEvent.objects.get(chain=head.pk, seq=keep)
        AuditChainHead.objects.filter(pk=head.pk).update(last_seq=keep, last_hash=last.hash)


def test_each_agency_and_the_system_have_a_chain_numbered_from_one() -> None:
    hp = _write(HAI_PHONG, 3)
    dn = _write(DA_NANG, 2)
    system = _write(None, 1)
    assert [e.seq for e in hp] == [1, 2, 3] and [e.seq for e in dn] == [1, 2]
    # Each chain starts from the genesis hash and links to its own previous event only.
    for chain in (hp, dn, system):
        prevs = [GENESIS_HASH] + [e.hash for e in chain[:-1]]
        assert [e.hash for e in chain] == [
            stored_event_hash(e, p) for e, p in zip(chain, prevs, strict=True)
        ]
    assert len({hp[0].chain, dn[0].chain, system[0].chain}) == 3
    assert (_head(HAI_PHONG).last_seq, _head(HAI_PHONG).last_hash) == (3, hp[-1].hash)
    assert _head("").last_hash == system[-1].hash
    result = audit_verify_chain()
    assert result.ok and result.checked == 6 and result.chains == 3


def test_verify_command_counts_every_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _write(HAI_PHONG, 2)
    _write(DA_NANG, 1)
    call_command("audit", "verify")
    # The system chain (empty here) is the third.
    assert "audit chain OK: 3 events verified in 3 chain(s)" in capsys.readouterr().out


def test_an_edit_names_its_agency_chain_and_event() -> None:
    _write(HAI_PHONG, 3)
    dn = _write(DA_NANG, 3)
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [dn[1].pk])
    result = audit_verify_chain()
    assert not result.ok
    assert (result.chain, result.broken_seq) == (DA_NANG, 2)
    with pytest.raises(CommandError, match=f"#2 of the chain of agency {DA_NANG}"):
        call_command("audit", "verify")


def test_an_event_moved_to_another_agency_chain_is_caught() -> None:
    hp = _write(HAI_PHONG, 2)
    _write(DA_NANG, 1)
    # Rewritten to look like Đà Nẵng's, re-hashed, and put at the end of Đà Nẵng's chain.
    head = _head(DA_NANG)
    fields = {f: getattr(hp[1], f) for f in HASHED_FIELDS}
    fields.update(seq=2, agency_code=HAI_PHONG)
    new = event_hash(**fields, prev_hash=head.last_hash)
    with audit_maintenance(), transaction.atomic():
        AuditEvent.objects.filter(pk=hp[1].pk).update(chain=head.pk, seq=2, hash=new)
        AuditChainHead.objects.filter(pk=head.pk).update(last_seq=2, last_hash=new)
        AuditChainHead.objects.filter(agency_code=HAI_PHONG).update(
            last_seq=1, last_hash=hp[0].hash
        )
    result = audit_verify_chain()
    assert not result.ok and result.chain == DA_NANG and "names agency" in result.problem


def test_rehashed_and_cut_agency_chain_is_caught_by_its_first_contradicted_checkpoint(
    checkpoint_file: Path,
) -> None:
    _write(HAI_PHONG, 4)
    _write(DA_NANG, 4)
    checkpoint_write()  # lines 1 (Hải Phòng #4) and 2 (Đà Nẵng #4)
    _write(HAI_PHONG, 2)
    _write(DA_NANG, 4)
    checkpoint_write()  # lines 3 (Hải Phòng #6) and 4 (Đà Nẵng #8)
    with audit_maintenance(), transaction.atomic():
        AuditEvent.objects.filter(chain=_head(DA_NANG).pk, seq=3).update(reason="rewritten")
    _rehash_chain_from(DA_NANG, 3)
    _cut_chain(DA_NANG, 6)
    result = audit_verify_chain()
    assert not result.ok
    assert (result.chain, result.broken_seq) == (DA_NANG, 4)
    assert "checkpoint line 2" in result.problem and "rewritten" in result.problem
    # Hải Phòng's chain was not touched: verified in full before Đà Nẵng's.
    assert result.checked >= 6
    with pytest.raises(CommandError, match=f"agency {DA_NANG}.*checkpoint line 2"):
        call_command("audit", "verify")


def test_a_whole_agency_chain_removed_contradicts_its_checkpoint() -> None:
    _write(HAI_PHONG, 2)
    _write(DA_NANG, 2)
    checkpoint_write()
    head = _head(DA_NANG)
    with audit_maintenance(), transaction.atomic():
        AuditEvent.objects.filter(chain=head.pk).delete()
        AuditChainHead.objects.filter(pk=head.pk).delete()
    result = audit_verify_chain()
    assert not result.ok and result.chain == DA_NANG and "cut off" in result.problem


def test_checkpoints_name_their_chain_and_are_signed_per_chain(checkpoint_file: Path) -> None:
    _write(HAI_PHONG, 2)
    _write(None, 1)
    written = checkpoint_write()
    assert {(c.chain, c.seq) for c in written} == {(HAI_PHONG, 2), ("", 1)}
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    assert {line["chain"] for line in lines} == {HAI_PHONG, ""}
    # A line copied from one chain to another does not verify: the chain is signed.
    forged = dict(lines[0], chain=DA_NANG if lines[0]["chain"] else HAI_PHONG)
    with checkpoint_file.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    assert [c.valid_signature for c in checkpoint_list()] == [True, True, False]


def test_a_checkpoint_line_of_the_single_chain_of_before_still_verifies(
    checkpoint_file: Path, settings: Any
) -> None:
    """Lines written before the split have no chain: they are the system chain's."""
    events = _write(None, 3)
    at = "2026-11-30T10:00:00+00:00"
    message = f"3:{events[-1].hash}:{at}".encode()
    mac = hmac.new(settings.ISOGOV_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()
    line = {"seq": 3, "hash": events[-1].hash, "at": at, "mac": mac}
    checkpoint_file.write_text(json.dumps(line) + "\n")
    [checkpoint] = checkpoint_list()
    assert checkpoint.valid_signature and checkpoint.chain == ""
    assert audit_verify_chain().ok
    _cut_chain("", 2)
    result = audit_verify_chain()
    assert not result.ok and "checkpoint line 1" in result.problem and result.chain == ""

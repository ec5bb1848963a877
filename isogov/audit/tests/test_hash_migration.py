"""Hashes stored as bytes, without the previous hash (audit 0006): existing chains convert and
keep verifying, a link tampered with before the migration is still caught, and the
append-only triggers survive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from isogov.audit.chain import GENESIS_HASH, event_hash, stored_event_hash
from isogov.audit.models import AuditChainHead, AuditEvent
from isogov.audit.services import audit_record, audit_verify_chain

BEFORE = [("audit", "0005_merge_chains_and_index_cuts")]
HAI_PHONG, DA_NANG = "000.00.15.H26", "000.00.31.H17"


def _migrate(targets: list[tuple[str, str]] | None) -> None:
    """To ``targets``; None: every app's latest migration (where the other tests run)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["audit_auditevent"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()}


TRIGGERS = {
    "sqlite": {"audit_auditevent_no_update", "audit_auditevent_no_delete"},
    "postgresql": {"audit_auditevent_append_only", "audit_auditevent_no_truncate"},
}


def _old_chains(tamper_link: bool = False) -> dict[tuple[str, int], tuple[str, str]]:
    """Two chains written in the old shape (hex ``hash`` and ``prev_hash``); returns each
    event's (prev_hash, hash) by (agency, seq). ``tamper_link``: Đà Nẵng's #2 points at a
    made-up previous hash, its own hash computed over it (what the old verify called "does not
    point at the previous event")."""
    at = dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)
    written = {}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")
        for chain_id, agency in ((1, ""), (2, HAI_PHONG), (3, DA_NANG)):
            prev = GENESIS_HASH
            for seq in (1, 2, 3):
                fields = {
                    "seq": seq,
                    "occurred_at": at + dt.timedelta(minutes=seq),
                    "actor_id": 7,
                    "actor_label": "motcua",
                    "agency_code": agency,
                    "action": "dossier.receive",
                    "object_type": "dossiers.dossier",
                    "object_id": str(seq),
                    "before": None,
                    "after": {"status": "received", "tên": "Hồ sơ"},
                    "reason": "Tiếp nhận",
                    "request_id": "",
                }
                link = prev
                if tamper_link and agency == DA_NANG and seq == 2:
                    link = "f" * 64
                digest = event_hash(**fields, prev_hash=link)
                cursor.execute(
                    "INSERT INTO audit_auditevent (chain, seq, occurred_at, actor_id, "
                    "actor_label, agency_code, action, object_type, object_id, before, after, "
                    "reason, request_id, prev_hash, hash) VALUES (%s, %s, %s, 7, 'motcua', %s, "
                    "'dossier.receive', 'dossiers.dossier', %s, NULL, %s, 'Tiếp nhận', '', "
                    "%s, %s)",
                    [
                        chain_id,
                        seq,
                        fields["occurred_at"],
                        agency,
                        str(seq),
                        '{"status": "received", "tên": "Hồ sơ"}',
                        link,
                        digest,
                    ],
                )
                written[(agency, seq)] = (link, digest)
                prev = digest
            cursor.execute(
                "INSERT INTO audit_auditchainhead (id, agency_code, last_seq, last_hash) "
                "VALUES (%s, %s, 3, %s)",
                [chain_id, agency, prev],
            )
    return written


@pytest.mark.django_db(transaction=True)
def test_existing_events_convert_to_bytes_keep_verifying_and_convert_back() -> None:
    _migrate(BEFORE)
    try:
        written = _old_chains()
    finally:
        _migrate(None)
    assert TRIGGERS[connection.vendor] <= _triggers()
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, agency_code, hash FROM audit_auditevent")
        stored = {(agency, seq): bytes(digest) for seq, agency, digest in cursor.fetchall()}
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "audit_auditevent")
        }
    assert "prev_hash" not in columns
    assert stored == {key: bytes.fromhex(digest) for key, (_, digest) in written.items()}
    assert all(len(digest) == 32 for digest in stored.values())
    # Read through the model: hex, as before; the chains verify with the links recomputed.
    assert AuditChainHead.objects.get(agency_code=DA_NANG).last_hash == written[(DA_NANG, 3)][1]
    assert AuditEvent.objects.get(chain=3, seq=3).hash == written[(DA_NANG, 3)][1]
    result = audit_verify_chain()
    assert result.ok and result.checked == 9
    new = audit_record(actor=None, action="test.after", agency=DA_NANG)
    assert new.seq == 4 and new.hash == stored_event_hash(new, written[(DA_NANG, 3)][1])
    assert audit_verify_chain().ok
    # The guard is back: the database refuses an update.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=new.pk).update(reason="changed")
    # Backwards: the hex hash and the previous hash come back as they were written.
    try:
        _migrate(BEFORE)
        assert TRIGGERS[connection.vendor] <= _triggers()
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, agency_code, prev_hash, hash FROM audit_auditevent")
            back = {(agency, seq): (prev, digest) for seq, agency, prev, digest in cursor}
        expected = {**written, (DA_NANG, 4): (written[(DA_NANG, 3)][1], new.hash)}
        assert back == expected
    finally:
        _migrate(None)


@pytest.mark.django_db(transaction=True)
def test_a_link_tampered_before_the_migration_is_still_caught() -> None:
    _migrate(BEFORE)
    try:
        _old_chains(tamper_link=True)
    finally:
        _migrate(None)
    result = audit_verify_chain()
    assert not result.ok
    assert (result.chain, result.broken_seq) == (DA_NANG, 2)

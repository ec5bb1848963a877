"""The single chain of before becomes the system chain and keeps verifying (audit 0004)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from isogov.audit.chain import GENESIS_HASH, event_hash, stored_event_hash
from isogov.audit.models import AuditChainHead, AuditEvent
from isogov.audit.services import audit_record, audit_verify_chain

BEFORE = [("audit", "0003_chain_head")]


def _migrate(targets: list[tuple[str, str]] | None) -> None:
    """To ``targets``; None: every app's latest migration (where the other tests run)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_events_of_the_single_chain_stay_valid_as_the_system_chain() -> None:
    _migrate(BEFORE)
    try:
        prev, at = GENESIS_HASH, dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)
        agencies = ["000.00.15.H26", "", "000.00.19.H26"]  # one chain for all, as before
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditchainhead")
            for seq, agency in enumerate(agencies, start=1):
                fields = {
                    "seq": seq,
                    "occurred_at": at,
                    "actor_id": None,
                    "actor_label": "system",
                    "agency_code": agency,
                    "action": "test.before",
                    "object_type": "thing",
                    "object_id": str(seq),
                    "before": None,
                    "after": None,
                    "reason": "",
                    "request_id": "",
                }
                digest = event_hash(**fields, prev_hash=prev)
                cursor.execute(
                    "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, actor_label, "
                    "agency_code, action, object_type, object_id, before, after, reason, "
                    "request_id, prev_hash, hash) VALUES "
                    "(%s, %s, NULL, 'system', %s, 'test.before', 'thing', %s, NULL, NULL, '', "
                    "'', %s, %s)",
                    [seq, at, agency, str(seq), prev, digest],
                )
                prev = digest
            cursor.execute(
                "INSERT INTO audit_auditchainhead (id, last_seq, last_hash) VALUES (1, 3, %s)",
                [prev],
            )
    finally:
        _migrate(None)
    system = AuditChainHead.objects.get(agency_code="")
    assert (system.pk, system.last_seq, system.last_hash) == (1, 3, prev)
    assert set(AuditEvent.objects.values_list("chain", flat=True)) == {1}
    assert audit_verify_chain().ok
    # New events: the agency's own chain from #1, the system chain continues at #4.
    new = audit_record(actor=None, action="test.after", agency="000.00.15.H26")
    system_event = audit_record(actor=None, action="test.after")
    assert (new.seq, system_event.seq) == (1, 4)
    assert new.hash == stored_event_hash(new, GENESIS_HASH)
    assert system_event.hash == stored_event_hash(system_event, prev)
    result = audit_verify_chain()
    assert result.ok and result.checked == 5

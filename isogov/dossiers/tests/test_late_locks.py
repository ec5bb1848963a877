"""Intake takes the agency's shared rows last, just before the commit (issue 15 §5).

The day and register counters and the agency's audit chain head stay locked from the statement
that takes them to the commit, and every other desk of the agency waits for them; so nothing
but writes that need them may come after the first of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isogov.audit.models import AuditEvent
from isogov.audit.services import audit_verify_chain
from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.notifications.models import OutboxMessage

from .conftest import VN, intake

pytestmark = pytest.mark.django_db

SHARED = ("audit_auditchainhead", "dossiers_dossiercounter")


def test_the_counters_and_the_chain_head_come_after_every_read_and_every_other_row(
    desk: Any,
) -> None:
    officer = desk.user("motcua")
    with time_machine.travel(dt.datetime(2026, 3, 9, 8, tzinfo=VN), tick=False):
        services.dossier_receive(actor=officer, data=intake(desk))  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            dossier = services.dossier_receive(actor=officer, data=intake(desk))
    # Without the transaction's own statements (the test's savepoint around the service).
    own = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(own)]
    first_shared = next(i for i, s in enumerate(sql) if any(t in s for t in SHARED))
    after = sql[first_shared:]
    assert not [s for s in after if s.lstrip().upper().startswith("SELECT")]
    # The head, the audit event (with the head's hash: one statement on PostgreSQL), the
    # timeline event that points at it (it keeps no copy of the audit event's message and
    # data, issue 15 §4, so it can only follow it), the counters, the dossier's code and
    # current step, the notices.
    bound = 6 if connection.vendor == "postgresql" else 7
    assert len(after) <= bound, "\n".join(s[:70] for s in after)
    event_inserts = [s for s in after if "dossiers_dossierevent" in s and s.startswith("INSERT")]
    assert len(event_inserts) <= 1
    for table in ('dossiers_dossier"', "dossiers_dossierstep"):
        assert not [s for s in after if table in s and s.startswith("INSERT")], table
    # And what it stored is whole: the code and register line of the day, the chain verified.
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.code.endswith("-260309-0002") and dossier.register_line == 2
    assert dossier.code.lower() in dossier.search_text
    assert dossier.current_step_id is not None
    assert OutboxMessage.objects.filter(object_id=str(dossier.pk), body__contains=dossier.code)
    event = AuditEvent.objects.filter(action="dossier.receive", object_id=str(dossier.pk)).get()
    assert event.agency_code == dossier.agency.code
    assert audit_verify_chain().ok

"""``isogov seed-demo``'s dossiers: a working office on first run, nothing added on the second."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db.models import Count
from django.test import Client

from isogov.audit.models import AuditEvent
from isogov.core import clock
from isogov.dossiers.demo import demo_dossier_count, seed_dossiers
from isogov.dossiers.models import Dossier, Extension
from isogov.dossiers.selectors import dossier_queue, dossier_queue_tabs, dossier_register
from isogov.dossiers.transitions import Status

# ``isogov seed-demo`` runs once, as a seed layer (the root conftest's ``demo_command``), for
# this test and the QMS's (qms/tests/test_demo.py), each rolled back to it.
pytestmark = pytest.mark.xdist_group("demo_command")


def test_seed_fills_the_queues_and_the_register_once(
    demo_command: str, desk: Any, client: Client
) -> None:
    agency = desk.department
    added = re.search(r"Demo dossiers: (\d+) added", demo_command)
    assert added is not None, demo_command
    created = int(added.group(1))
    assert 30 <= created <= 60
    assert demo_dossier_count(agency=agency) == created

    for username in ("motcua", "truongphong", "chuyenvien", "lanhdao"):
        rows = dossier_queue(user=desk.user(username))
        assert rows, username
        # The queue page's own selector: its first tab ("Tất cả") counts them.
        page = dossier_queue_tabs(user=desk.user(username))
        assert page.tabs[0][2] == len(rows) and page.rows, username
        client.force_login(desk.user(username))
        assert rows[0].dossier.code in client.get("/dossiers/").content.decode(), username
        # The dashboard says so at first sign-in.
        dashboard = client.get("/dashboard/").content.decode()
        count = re.search(r'id="dashboard-all">[^<]*</a>: <strong class="count">(\d+)<', dashboard)
        assert count is not None and int(count.group(1)) == len(rows), username

    demo = Dossier.objects.filter(agency=agency)
    statuses = dict(demo.values_list("status").annotate(n=Count("id")))
    for status in (
        Status.RECEIVED,
        Status.IN_PROCESS,
        Status.SUPPLEMENT_REQUESTED,
        Status.FINISHED,
        Status.RETURNED,
    ):
        assert statuses.get(status, 0) > 0, status
    now = clock.now()
    late = demo.filter(status=Status.IN_PROCESS, due_at__lt=now)
    assert late.exists()
    assert Extension.objects.filter(dossier__agency=agency).exists()  # apologies (form 04)
    # 60 working days back, never in the future.
    oldest = demo.order_by("received_at").first()
    assert oldest is not None and oldest.received_at is not None
    assert (now - oldest.received_at).days >= 60
    assert not demo.filter(received_at__gt=now).exists()
    # Written through the services: each receipt audited, at the (moved) time of receipt.
    assert AuditEvent.objects.filter(occurred_at=oldest.received_at).exists()
    year = clock.to_local(now).year
    assert dossier_register(user=desk.user("motcua"), agency=agency, year=year).exists()

    events = AuditEvent.objects.count()
    second = seed_dossiers(agency=agency)
    assert second.skipped and second.created == 0
    assert demo_dossier_count(agency=agency) == created
    assert AuditEvent.objects.count() == events


def test_the_clock_can_be_moved_back_and_restored() -> None:
    real = clock.now()
    moment = real.replace(year=real.year - 1)
    with clock.as_of(moment):
        assert clock.now() == moment
        assert clock.today() == clock.to_local(moment).date()
    assert clock.now() >= real

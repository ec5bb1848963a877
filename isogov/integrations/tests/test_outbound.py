"""End to end against the fake portal on loopback: 100 dossiers through mixed lifecycles."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from isogov.core import clock
from isogov.dossiers import services
from isogov.dossiers.generator import demo_generate
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.dossiers.tests.conftest import intake
from isogov.dossiers.transitions import NATIONAL_CODE, Status
from isogov.integrations import wire
from isogov.integrations.fake_portal.server import FakePortal
from isogov.integrations.models import DossierSync, SyncState
from isogov.integrations.outbound.sync import sync_push_due, sync_scan

# The hundred dossiers are a seed layer (the root conftest's ``outbound_hundred``), made once and
# rolled back to before each test; the group keeps the tests on one pytest-xdist worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("outbound_hundred")]
UNTIL = dt.datetime(2026, 5, 29, 17, 0, tzinfo=clock.LOCAL_TZ)


def _portal(url: str) -> dict[str, Any]:
    return {
        "ENABLED": True,
        "URL": f"{url}/service",
        "AUTH_URL": f"{url}/auth",
        "USERNAME": "isogov",
        "PASSWORD": "isogov",
        # Generous under a loaded machine: only the injected delay should time out.
        "TIMEOUT": 2,
        "MAX_ATTEMPTS": 50,
    }


def seed_hundred() -> None:
    """94 generated dossiers (on time, late, supplement, apology, withdrawn and stopped, some
    still open) and 6 visits at the desk: 3 refused at intake, 3 returned for completion."""
    from types import SimpleNamespace

    from isogov.accounts.models import Agency, User
    from isogov.catalog.demo import DEPARTMENT_CODE

    desk = SimpleNamespace(department=Agency.objects.get(code=DEPARTMENT_CODE))
    demo_generate(agency=desk.department, dossiers=94, months=2, seed=4, until=UNTIL)
    officer = User.objects.get(username="motcua")
    with time_machine.travel(UNTIL, tick=False):
        for index in range(3):
            services.dossier_intake_refuse(
                actor=officer, data=intake(desk, name=f"Người nộp {index}"), reason="Sai thẩm quyền"
            )
            services.dossier_intake_incomplete(
                actor=officer,
                data=intake(desk, name=f"Người bổ sung {index}"),
                reason="Thiếu giấy tờ",
                items=["Bản sao giấy phép"],
            )


@pytest.fixture
def outbound_hundred(desk: Any) -> Any:
    return desk


def _hundred(outbound_hundred: Any) -> list[Dossier]:
    """The layer's hundred dossiers."""
    dossiers = list(Dossier.objects.filter(agency=outbound_hundred.department).order_by("id"))
    assert len(dossiers) == 100
    return dossiers


def _drain(portal: FakePortal | None = None, restart: Any = None, rounds: int = 60) -> int:
    """Run the worker until nothing is left, time moving past every retry delay."""
    sync_scan()
    start = clock.now()
    for round_ in range(rounds):
        with time_machine.travel(start + dt.timedelta(hours=7 * round_), tick=False):
            sync_push_due(limit=1000)
            left = DossierSync.objects.exclude(state=SyncState.SYNCED).count()
            if restart is not None and left < 50:
                restart()
                restart = None
            if not left:
                return round_
    raise AssertionError("the sync did not converge")


def _check(portal: FakePortal, dossiers: list[Dossier]) -> None:
    state = portal.store.state()
    assert len(state["records"]) == 100
    assert set(state["records"]) == {d.code for d in dossiers}
    maps = wire.Maps.load()
    statuses = Counter()
    for d in dossiers:
        record = state["records"][d.code]
        events = list(DossierEvent.objects.filter(dossier=d).order_by("at", "id"))
        statuses[d.status] += 1
        assert record["TrangThaiHoSo"] == str(NATIONAL_CODE[Status(d.status)]), d.code
        assert record["NgayTiepNhan"] == (
            clock.to_local(d.received_at).strftime("%Y%m%d%H%M%S") if d.received_at else ""
        )
        assert record["NgayHenTra"] == wire.format_time(d.promised_due_at)
        assert record["NgayKetThucXuLy"] == wire.format_time(
            d.finished_at or next((e.at for e in events if e.to_status == Status.STOPPED), None)
        )
        held = state["history"].get(d.code, [])
        history = wire.history_events(events)
        # Every entry once, in order: the statuses they report follow the timeline's.
        assert [e["ThoiDiemXuLy"] for e in held] == [wire.format_time(e.at) for e in history]
        assert held == wire.history_entries(d, events, {s.pk: s for s in d.steps.all()}, maps)
        assert held[-1]["TrangThai"] == record["TrangThaiHoSo"]
    # The lifecycles the test promises are all there.
    for status in (
        Status.IN_PROCESS,
        Status.SUPPLEMENT_REQUESTED,
        Status.RETURNED,
        Status.STOPPED,
        Status.NOT_RECEIVED,
        Status.INCOMPLETE_AT_INTAKE,
    ):
        assert statuses[status] > 0, status
    assert any(d.supplement_count for d in dossiers)


def test_a_hundred_dossiers_reach_the_fake_portal(outbound_hundred: Any) -> None:
    dossiers = _hundred(outbound_hundred)
    portal = FakePortal(0)
    portal.start()
    try:
        with override_settings(ISOGOV_PORTAL=_portal(portal.url)):
            assert _drain() == 0
            _check(portal, dossiers)
            # Nothing changed: a second run sends nothing.
            calls = portal.calls
            sync_scan()
            assert sync_push_due() == 0
            assert portal.calls == calls
    finally:
        portal.stop()


def test_faults_end_in_the_same_state(outbound_hundred: Any, tmp_path: Path) -> None:
    dossiers = _hundred(outbound_hundred)
    db = str(tmp_path / "portal.sqlite3")
    faults = {"fail_every": 3, "timeout_calls": [10], "delay": 3, "exists_next": True}
    portal = FakePortal(0, db=db, faults=faults)
    port = portal.server_address[1]
    portal.start()
    holder = {"portal": portal}

    def restart() -> None:
        holder["portal"].stop()
        fresh = FakePortal(port, db=db, faults={"fail_every": 3})
        fresh.start()
        holder["portal"] = fresh

    try:
        with override_settings(ISOGOV_PORTAL=_portal(portal.url)):
            rounds = _drain(restart=restart)
            assert rounds > 0  # the faults made it retry
            assert DossierSync.objects.filter(state=SyncState.SYNCED).count() == 100
            _check(holder["portal"], dossiers)
    finally:
        holder["portal"].stop()

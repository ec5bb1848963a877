"""The register page's closed months: stored once, read back while they add up to the year's
register counter, counted again when a receipt lands in one or an import moves one
(``register_months``, issue 15 §3)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from isogov.core import clock
from isogov.dossiers import services
from isogov.dossiers.generator import demo_generate
from isogov.dossiers.models import Dossier, DossierCounter, RegisterMonth
from isogov.dossiers.register_months import closed_months

from .conftest import at, intake

pytestmark = pytest.mark.django_db
NOW = at(6, 10, 9)  # January to May 2026 are closed
PAGE = "/dossiers/register/"


def _hand_count(agency: Any) -> dict[int, int]:
    """The register's dossiers per Vietnam month of 2026, counted in Python."""
    counts = dict.fromkeys(range(1, 13), 0)
    for received in Dossier.objects.filter(agency=agency, register_line__isnull=False).values_list(
        "received_at", flat=True
    ):
        local = clock.to_local(received)
        if local.year == 2026:
            counts[local.month] += 1
    return counts


def _shown(client: Client) -> tuple[dict[int, int], int]:
    """The month counts the page prints for 2026 (June on the page), and how many ``COUNT``
    queries of the dossiers it ran."""
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, {"year": 2026, "month": 6})
    assert response.status_code == 200
    table = response.content.decode().split('id="register-months"')[1].split("</table>")[0]
    rows = table.split("<tr")[2:]
    assert len(rows) == 12
    counts = {
        month: int(re.findall(r"<td(?: class=\"muted\")?>([^<]*)</td>", row)[0])
        for month, row in enumerate(rows, start=1)
    }
    counted = sum(
        "COUNT(*)" in q["sql"] and '"dossiers_dossier"' in q["sql"]
        for q in queries.captured_queries
    )
    return counts, counted


def _stored(agency: Any) -> dict[int, int]:
    return dict(
        RegisterMonth.objects.filter(agency=agency, year=2026).values_list("month", "received")
    )


def generate_five_months(desk: Any, client: Client) -> Any:
    """January to May 2026 of the demo department (the generator), the desk officer signed in."""
    demo_generate(agency=desk.department, dossiers=160, months=5, seed=7, until=at(5, 29, 17))
    client.force_login(desk.user("motcua"))
    return desk


@pytest.fixture
def five_months(desk: Any, client: Client) -> Any:
    return generate_five_months(desk, client)


def test_the_closed_months_are_counted_once_then_read_back(
    five_months: Any, client: Client
) -> None:
    agency = five_months.department
    hand = _hand_count(agency)
    assert all(hand[month] > 10 for month in range(1, 6))
    with time_machine.travel(NOW, tick=False):
        assert closed_months(2026) == [1, 2, 3, 4, 5]
        assert closed_months(2025) == list(range(1, 13)) and closed_months(2027) == []
    first, first_counted = _shown(client)
    assert first == hand
    assert _stored(agency) == {month: hand[month] for month in range(1, 6)}
    # The year's lines are the register's dossiers: what makes the stored months checkable.
    lines = DossierCounter.objects.get(agency=agency, scope="register:2026").last
    assert lines == sum(hand.values())

    again, counted = _shown(client)
    assert again == hand
    # June to December counted (7) and June's details (3); January to May read as stored.
    assert (first_counted, counted) == (15, 10)


def test_a_receipt_back_dated_into_a_closed_month_is_counted(
    five_months: Any, client: Client
) -> None:
    agency = five_months.department
    before = _hand_count(agency)
    _shown(client)
    officer = five_months.user("motcua")
    officer.user_permissions.add(Permission.objects.get(codename="register_backdated"))
    officer = five_months.user("motcua")
    with time_machine.travel(NOW, tick=False):
        services.dossier_receive(actor=officer, data=intake(five_months), received_at=at(3, 2, 9))
    shown, counted = _shown(client)
    assert shown == {**before, 3: before[3] + 1}
    assert counted == 15  # the stored months did not add up: all counted again, and stored
    assert _stored(agency)[3] == before[3] + 1
    assert _shown(client) == (shown, 10)


def test_a_search_counts_every_month_and_stores_nothing(five_months: Any, client: Client) -> None:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, {"year": 2026, "month": 6, "q": "Nguyễn"})
    assert response.status_code == 200
    assert not RegisterMonth.objects.exists()
    assert sum("COUNT(*)" in q["sql"] for q in queries.captured_queries) >= 12


def test_the_page_is_shown_when_the_queue_refuses_the_counts(
    five_months: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The closed months are stored by the background worker; a queue that refuses them costs
    the next visit a count, never the page."""
    from isogov.dossiers import tasks

    def refuse(*args: Any) -> None:
        raise OSError("the queue's disk is full")

    monkeypatch.setattr(tasks, "register_months_store", refuse)
    shown, counted = _shown(client)
    assert shown == _hand_count(five_months.department) and counted == 15
    assert not RegisterMonth.objects.exists()

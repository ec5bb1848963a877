"""The agency's own, shorter promise (``service_due_at``) beside the legal appointment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from isogov.catalog.tests.factories import promise as promise_procedure
from isogov.dossiers import services
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.notifications.models import OutboxMessage

from .conftest import act, at, intake

pytestmark = pytest.mark.django_db


def promise(desk: Any, value: str, unit: str = "working_days") -> None:
    """The department promises the CFS (legal time: 3 working days) in ``value``."""
    promise_procedure(desk.department, value, unit)


def receive(desk: Any, when: dt.datetime) -> Dossier:
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))


def test_a_two_day_promise_across_tet_and_its_notice(desk: Any) -> None:
    promise(desk, "2")
    dossier = receive(desk, at(2, 13, 16))
    # 1 h on Friday 13/2, Tết 16–20/2, 8 h on Monday 23/2, 7 h on Tuesday 24/2.
    assert dossier.service_due_at == at(2, 24, 16)
    assert dossier.due_at == at(2, 25, 16)  # the legal appointment does not move
    assert (dossier.service_time_value, dossier.service_time_unit) == (Decimal(2), "working_days")
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert "16:00 24/02/2026" in event.message
    sms_and_mail = OutboxMessage.objects.filter(object_id=str(dossier.pk))
    assert "16:00 24/02/2026" in sms_and_mail.get(channel="email").body


def test_a_promise_in_working_hours(desk: Any) -> None:
    promise(desk, "12", "working_hours")
    # Office hours 07:30–11:30 and 13:00–17:00. Monday 14:00: 3 h, Tuesday 8 h, Wednesday 1 h.
    dossier = receive(desk, at(3, 9, 14))
    assert dossier.service_due_at == at(3, 11, 8, 30)


@pytest.mark.parametrize("value", ["3", "5"])
def test_a_promise_not_shorter_than_the_legal_time_gives_no_service_due(
    desk: Any, value: str
) -> None:
    promise(desk, value)
    assert receive(desk, at(2, 13, 16)).service_due_at is None


def test_no_promise_no_service_due(desk: Any) -> None:
    dossier = receive(desk, at(2, 13, 16))
    assert dossier.service_due_at is None and dossier.service_time_value is None


def test_the_promise_is_pinned_at_intake(desk: Any) -> None:
    promise(desk, "2")
    dossier = receive(desk, at(3, 9, 14))
    promise(desk, "1")  # changed later: the dossier keeps what it was received with
    act(at(3, 9, 15), services.dossier_step_complete, dossier, None)
    dossier = act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu bản sao giấy phép xuất bản",
        items=["Bản sao giấy phép xuất bản"],
    )
    assert dossier.service_due_at is None and dossier.due_at is None  # the clock is stopped
    dossier = act(at(3, 12, 14), services.dossier_supplement_received, dossier, None)
    # Both times restart from zero (Decree 61/2018 art. 19.4): Thu 12/3 14:00 + 2 working days.
    assert dossier.service_due_at == at(3, 16, 14)
    assert dossier.due_at == at(3, 17, 14)


def test_after_an_apology_only_the_new_appointment_counts(desk: Any) -> None:
    promise(desk, "2")
    dossier = receive(desk, at(3, 9, 14))
    assert dossier.service_due_at is not None
    act(at(3, 9, 15), services.dossier_step_complete, dossier, None)
    dossier = act(
        at(3, 10, 9),
        services.dossier_apologise,
        dossier,
        None,
        new_due_at=at(3, 16, 17),
        reason="Chờ ý kiến phối hợp của Sở Công Thương",
    )
    assert dossier.service_due_at is None
    assert dossier.promised_due_at == at(3, 16, 17)


def test_an_online_submission_gets_the_promise_when_received(desk: Any) -> None:
    promise(desk, "2")
    with time_machine.travel(at(3, 6, 16), tick=False):
        dossier = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    assert dossier.service_due_at is None  # not received yet
    dossier = act(at(3, 9, 14), services.dossier_accept, dossier, None)
    assert dossier.service_due_at == at(3, 11, 14)


def test_the_dossier_page_and_the_api_show_the_promise(desk: Any, client: Any) -> None:
    from rest_framework.authtoken.models import Token

    promise(desk, "2")
    dossier = receive(desk, at(2, 13, 16))
    client.force_login(desk.user("motcua"))
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert 'id="service-due">16:00 24/02/2026<' in page
    token, _created = Token.objects.get_or_create(user=desk.user("motcua"))
    data = client.get(
        f"/api/v1/dossiers/{dossier.code}/", HTTP_AUTHORIZATION=f"Token {token.key}"
    ).json()
    assert data["service_due_at"].startswith("2026-02-24T16:00:00")

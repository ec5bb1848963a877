"""Idempotency-Key on API writes: replay, conflict, and the key's lifetime (issue 13, item 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.api.idempotency import idempotency_purge
from isogov.api.models import IdempotencyRecord
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.apiclient import MONDAY_8, URL, body, client_for

pytestmark = pytest.mark.django_db


def _post(client: Any, key: str, **overrides: Any) -> Any:
    with time_machine.travel(MONDAY_8, tick=False):
        return client.post(URL, body(**overrides), format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_and_body_replays_the_first_answer_without_a_second_write(desk: Any) -> None:
    client = client_for(desk, "motcua")
    first = _post(client, "intake-7f3a")
    again = _post(client, "intake-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_same_key_with_another_body_is_422_and_writes_nothing(desk: Any) -> None:
    client = client_for(desk, "motcua")
    _post(client, "intake-7f3a")
    other = _post(client, "intake-7f3a", request_summary="Một yêu cầu khác")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_without_a_key_each_post_is_a_write(desk: Any) -> None:
    client = client_for(desk, "motcua")
    with time_machine.travel(MONDAY_8, tick=False):
        client.post(URL, body(), format="json")
        client.post(URL, body(), format="json")
    assert Dossier.objects.count() == 2


def test_keys_of_two_callers_never_meet(desk: Any) -> None:
    _post(client_for(desk, "motcua"), "same-key")
    assert _post(client_for(desk, "tiepnhan"), "same-key").status_code == 201
    assert Dossier.objects.count() == 2


def test_a_refused_write_is_replayed_too(desk: Any) -> None:
    client = client_for(desk, "motcua")
    first = _post(client, "bad-1", channel="pigeon")
    assert first.status_code == 400
    assert _post(client, "bad-1", channel="pigeon").json() == first.json()


def test_action_endpoint_replays(desk: Any) -> None:
    client = client_for(desk, "motcua")
    code = _post(client, "intake-1").json()["code"]
    dossier = Dossier.objects.get(code=code)
    url = f"{URL}{code}/actions/complete_step/"
    with time_machine.travel(MONDAY_8 + dt.timedelta(hours=1), tick=False):
        first = client.post(
            url, {"version": dossier.version}, format="json", HTTP_IDEMPOTENCY_KEY="step-1"
        )
        again = client.post(
            url, {"version": dossier.version}, format="json", HTTP_IDEMPOTENCY_KEY="step-1"
        )
    assert first.status_code == 200, first.json()
    assert again.json() == first.json()
    dossier.refresh_from_db()
    assert dossier.version == first.json()["version"]


def test_keys_are_forgotten_after_24_hours(desk: Any, settings: Any) -> None:
    settings.ISOGOV_IDEMPOTENCY_HOURS = 24
    client = client_for(desk, "motcua")
    _post(client, "old-key")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=25)):
        assert idempotency_purge() == 1
    assert not IdempotencyRecord.objects.exists()

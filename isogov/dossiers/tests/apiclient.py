"""Helpers of the dossier API tests: a token client, an intake body, an action call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import BY_NAME

from .conftest import CFS, VN, officer_for

URL = "/api/v1/dossiers/"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def client_for(desk: Any, username: str) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=desk.user(username))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure_code": CFS,
        "channel": "in_person",
        "applicant": {
            "name": "Nguyễn Thị Hồng Nhung",
            "phone": "0912345678",
            "email": "nhung@example.vn",
            "id_number": "031190001234",
            "address": "Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        },
        "papers": [{"name": "Đơn đề nghị (theo mẫu)", "originals": 1}],
        "request_summary": "Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    }
    return data | overrides


def post_intake(client: APIClient, when: dt.datetime, **overrides: Any) -> Any:
    with time_machine.travel(when, tick=False):
        return client.post(URL, body(**overrides), format="json")


MONDAY_8 = dt.datetime(2026, 3, 9, 8, tzinfo=VN)


def receive(desk: Any, when: dt.datetime = MONDAY_8, **overrides: Any) -> str:
    response = post_intake(client_for(desk, "motcua"), when, **overrides)
    assert response.status_code == 201, response.json()
    return str(response.json()["code"])


def version(code: str) -> int:
    return Dossier.objects.get(code=code).version


def token_client(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# The fields the lean answer to a write shares with the detail.
LEAN = ("code", "status", "national_status", "version", "due_at", "promised_due_at", "actions")


def act(
    client: APIClient | None,
    when: dt.datetime,
    code: str,
    action: str,
    *,
    expect: int = 200,
    **fields: Any,
) -> dict[str, Any]:
    """Post an action (``client`` None: as the officer the action table names for it).

    On success, check the lean answer against the detail and return the detail.
    """
    if client is None:
        client = token_client(officer_for(Dossier.objects.get(code=code), action, **fields))
    payload = {"version": version(code), **fields}
    with time_machine.travel(when, tick=False):
        response = client.post(f"{URL}{code}/actions/{action}/", payload, format="json")
    assert response.status_code == expect, response.json()
    written = dict(response.json())
    if expect != 200:
        return written
    with time_machine.travel(when, tick=False):
        detail = dict(client.get(written["url"]).json())
    assert {key: written[key] for key in LEAN} == {key: detail[key] for key in LEAN}
    return detail


def handling(actions: list[str]) -> list[str]:
    """The actions on the dossier itself (those on a paper in custody left out)."""
    return [name for name in actions if not BY_NAME[name].on_paper]


def when_of(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None

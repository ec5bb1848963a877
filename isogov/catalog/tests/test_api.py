from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from isogov.catalog.models import Procedure, ProcedureVersion

from .factories import version_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(desk: Any) -> Any:
    return desk


def _client(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_public_search_ignores_diacritics_and_is_paginated(catalog: Any) -> None:
    response = _client().get("/api/v1/procedures/", {"q": "giay phep in"})
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()["results"]]
    assert "2.001594" in codes
    assert response.json()["count"] == len(codes)
    first = response.json()["results"][0]
    assert set(first) >= {"code", "name", "sector", "channels", "online_level"}


def test_public_search_filters_by_sector_and_channel(catalog: Any) -> None:
    response = _client().get("/api/v1/procedures/", {"sector": "BC", "channel": "online_full"})
    assert [i["code"] for i in response.json()["results"]] == ["2.001171"]


def test_public_detail_has_time_per_channel_and_fees(catalog: Any) -> None:
    response = _client().get("/api/v1/procedures/1.014464/")
    assert response.status_code == 200
    body = response.json()
    channel = body["version"]["channels"][0]
    assert channel["time"] == {"value": 3, "unit": "working_days"}
    assert body["version"]["fees"][0]["amount_vnd"] == 0
    assert body["process"]["code"] == "QT 01/STTTT"
    assert body["agencies"] == ["000.00.15.H26"]


def test_unknown_procedure_is_404_with_error_shape(catalog: Any) -> None:
    response = _client().get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_catalogue_manager_drafts_edits_and_publishes_a_version(catalog: Any) -> None:
    client = _client(catalog.user("thuky"))
    created = client.post("/api/v1/procedures/2.001594/versions/", {}, format="json")
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    url = f"/api/v1/procedures/2.001594/versions/{number}/"
    content = {**created.json(), "name": "Cấp giấy phép hoạt động in (sửa đổi)"}
    updated = client.put(
        url, {"version": created.json()["version"], "content": content}, format="json"
    )
    assert updated.status_code == 200, updated.json()
    stale = client.put(
        url, {"version": created.json()["version"], "content": content}, format="json"
    )
    assert stale.status_code == 409
    published = client.post(
        f"{url}publish/",
        {"version": updated.json()["version"], "effective_from": "2026-01-01"},
        format="json",
    )
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    refused = client.put(
        url, {"version": published.json()["version"], "content": content}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_state"


def test_officer_without_catalogue_role_cannot_write(catalog: Any) -> None:
    response = _client(catalog.user("motcua")).post(
        "/api/v1/procedures/2.001594/versions/", {}, format="json"
    )
    assert response.status_code == 404
    assert ProcedureVersion.objects.filter(procedure__code="2.001594").count() == 1


def test_anonymous_cannot_write(catalog: Any) -> None:
    response = _client().post("/api/v1/procedures/2.001594/versions/", {}, format="json")
    assert response.status_code in (401, 403)


def test_manager_registers_a_new_procedure_as_draft(catalog: Any) -> None:
    client = _client(catalog.user("thuky"))
    response = client.post(
        "/api/v1/procedures/",
        {"code": "1.000001.H26", "level": "province", "sector": "XB", "version": version_record()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    bad = client.post(
        "/api/v1/procedures/",
        {
            "code": "1.000002",
            "level": "province",
            "sector": "XB",
            "version": version_record(channels=[]),
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "channels" in bad.json()["error"]["details"]
    assert not Procedure.objects.filter(code="1.000002").exists()


def test_public_search_filters_by_the_agency_carrying_it_out(catalog: Any) -> None:
    mine = _client().get("/api/v1/procedures/", {"agency": "000.00.15.H26"}).json()
    assert mine["count"] == 15
    other = _client().get("/api/v1/procedures/", {"agency": "000.00.19.H26"}).json()
    assert other["count"] == 0


def test_manager_issues_a_new_process_for_a_draft_and_sees_the_difference(catalog: Any) -> None:
    client = _client(catalog.user("thuky"))
    number = client.post("/api/v1/procedures/2.001594/versions/", {}, format="json").json()[
        "number"
    ]
    url = f"/api/v1/procedures/2.001594/versions/{number}/process/"
    process = client.get(url).json()
    assert process["issue_number"] == 1
    body = {**process, "issue_number": 2}
    body["steps"][1]["allowance"]["value"] = 13
    short = client.put(url, body, format="json")
    assert short.status_code == 400
    assert "−1" in short.json()["error"]["message"]
    body["steps"][1]["allowance"]["value"] = 14
    ok = client.put(url, body, format="json")
    assert ok.status_code == 200, ok.json()
    assert client.get(url).json()["issue_number"] == 2


@pytest.mark.parametrize("sent", ["abc", "", 1.5, True, [1], {"n": 1}, "9" * 5000])
def test_update_with_a_version_that_is_no_number_gets_400_naming_it(
    catalog: Any, sent: Any
) -> None:
    client = _client(catalog.user("thuky"))
    created = client.post("/api/v1/procedures/2.001594/versions/", {}, format="json").json()
    url = f"/api/v1/procedures/2.001594/versions/{created['number']}/"
    before = client.get(url).json()
    response = client.put(
        url, {"version": sent, "content": {**created, "name": "Tên mới"}}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["details"]) == ["version"]
    assert client.get(url).json() == before


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Only catalogue managers may change the catalogue."),
        ("vi", "Chỉ người quản lý danh mục mới được thay đổi danh mục thủ tục."),
    ],
)
def test_refusal_answers_in_the_language_the_api_client_asks_for(
    catalog: Any, language: str, message: str
) -> None:
    # The message is a module constant: translated at import time it would always be Vietnamese.
    client = _client(catalog.user("motcua"))
    response = client.post(
        "/api/v1/procedures/", {}, format="json", headers={"accept-language": language}
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == message

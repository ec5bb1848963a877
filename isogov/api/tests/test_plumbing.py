from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from isogov.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials(client: Client, demo: Any) -> None:
    response = client.post("/api/v1/auth/token/", {"username": "motcua", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_refused_for_bad_credentials_in_the_error_shape(client: Client, demo: Any) -> None:
    response = client.post("/api/v1/auth/token/", {"username": "motcua", "password": "sai"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "authentication_failed",
            "message": "Sai tên đăng nhập hoặc mật khẩu.",
            "details": {},
        }
    }


def test_token_missing_field_names_it(client: Client) -> None:
    response = client.post("/api/v1/auth/token/", {"username": "motcua"})
    assert response.status_code == 400
    assert "password" in response.json()["error"]["details"]


def test_english_error_message_on_request(client: Client, demo: Any) -> None:
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "motcua", "password": "x"},
        headers={"accept-language": "en"},
    )
    assert response.json()["error"]["message"] == "Wrong username or password."


def test_schema_lists_the_endpoints(client: Client) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/calendar/due", "/api/v1/calendar/days", "/api/v1/auth/token/"} <= set(paths)
    assert paths["/api/v1/calendar/due"]["get"]["operationId"] == "calendar_due"


def test_api_docs_load_their_assets_locally(client: Client) -> None:
    html = client.get("/api/docs/").content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "https://" not in html.split("<body")[0]

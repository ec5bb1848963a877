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
    assert response.status_code == 401
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


def test_token_reads_the_user_and_home_agency_in_one_query(demo: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from isogov.accounts.services.security import api_token_create
    from isogov.api.authentication import TokenAuthentication

    named, key = api_token_create(actor=demo.user("motcua"), name="A")
    TokenAuthentication().authenticate_credentials(key)  # stamps the last use
    with CaptureQueriesContext(connection) as queries:
        user, token = TokenAuthentication().authenticate_credentials(key)
        agency = user.agency
    assert (user.username, token.pk, agency) == ("motcua", named.pk, demo.department)
    assert len(queries) == 1  # the last use is written at most once a minute
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_AUTHENTICATION_CLASSES[0] is TokenAuthentication


@pytest.mark.parametrize("inactive", [False, True], ids=["unknown token", "inactive user"])
def test_bad_token_is_refused_with_drfs_message(client: Client, demo: Any, inactive: bool) -> None:
    from rest_framework.authtoken.models import Token

    user = demo.user("motcua")
    key = Token.objects.create(user=user).key if inactive else "0" * 40
    user.is_active = not inactive
    user.save(update_fields=["is_active"])
    response = client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    # DRF's own messages (its Vietnamese catalogue has no "Invalid token.").
    message = "Người dùng không còn hoạt động, hoặc đã bị xoá." if inactive else "Invalid token."
    assert response.json()["error"]["message"] == message

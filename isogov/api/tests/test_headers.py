"""Security headers on pages and API responses (issue 13, item 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/login/", "/tra-cuu/", "/api/v1/calendar/days"])
def test_pages_and_api_carry_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_api_docs_need_a_signed_in_user_when_not_public(
    client: Client, demo: Any, settings: Any
) -> None:
    settings.ISOGOV_API_DOCS_PUBLIC = False
    assert client.get("/api/schema/").status_code in {401, 403}
    assert client.get("/api/docs/").status_code in {401, 403}
    client.force_login(demo.user("motcua"))
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_api_docs_are_open_when_the_setting_says_so(client: Client, settings: Any) -> None:
    settings.ISOGOV_API_DOCS_PUBLIC = True
    assert client.get("/api/schema/").status_code == 200

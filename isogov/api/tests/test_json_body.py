"""Bodies the JSON parser refuses (issue 8 §5 item 1): a 400 naming ``body``, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.audit.models import AuditEvent
from isogov.catalog.demo import seed_catalog
from isogov.catalog.models import Procedure, ProcedureVersion
from isogov.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: str | bytes) -> Any:
    return client.generic("POST", url, body, content_type="application/json")


def test_hundred_thousand_nested_arrays_get_400_naming_the_body(client: Client) -> None:
    response = _post(client, "/api/v1/auth/token/", "[" * 100_000)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert list(error["details"]) == ["body"]
    assert error["message"].startswith("body:")
    assert Token.objects.count() == 0


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Procedure, ProcedureVersion, AuditEvent))


def test_deeply_nested_version_content_stores_nothing(demo: Any) -> None:
    seed_catalog()
    client = APIClient()
    client.force_authenticate(demo.user("thuky"))
    counts = _counts()
    body = '{"version": 1, "content": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.generic(
        "PUT", "/api/v1/procedures/2.001594/versions/1/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "body" in response.json()["error"]["details"]
    assert _counts() == counts


def test_nesting_at_the_limit_is_parsed(client: Client) -> None:
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # the object is one level
    response = _post(client, "/api/v1/auth/token/", '{"username": ' + nested + "}")
    # Parsed, then refused by the serializer: the field is named, not the body.
    assert response.status_code == 400
    assert "body" not in response.json()["error"]["details"]
    assert "username" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        ("[[[]]]", False),
        ("[[[[]]]]", True),
        ('{"a": "[[[[[[[[[[", "b": [1]}', False),  # brackets inside a string do not count
        ('["\\"[[[[[[["]', False),  # nor after an escaped quote
        ('{"a": {"b": {"c": {}}}}', True),
    ],
)
def test_depth_counts_only_structure(text: str, deeper: bool) -> None:
    assert json_depth_exceeds(text, 3) is deeper


@pytest.mark.parametrize("body", ["{", "[1, 2", "NaN", '{"a": Infinity}', b"\xff\xfe{"])
def test_malformed_json_names_the_body(client: Client, body: str | bytes) -> None:
    response = _post(client, "/api/v1/auth/token/", body)
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["body"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_body_over_the_size_cap_gets_413(client: Client) -> None:
    response = _post(client, "/api/v1/auth/token/", '{"username": "' + "a" * 1000 + '"}')
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert list(response.json()["error"]["details"]) == ["body"]

"""What the schemathesis runs found, each pinned: bad input is a 400 naming its field, unknown
API paths are JSON 404s, and the schema lists the answers the API gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.user("motcua"))
    return client


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/procedures/?page_size=abc", "page_size"),
        ("/api/v1/procedures/?page_size=501", "page_size"),
        ("/api/v1/dossiers/?page_size=1&page_size=2", "page_size"),
        ("/api/v1/procedures/?online_level=AAA", "online_level"),
        ("/api/v1/procedures/?channel=", "channel"),
        ("/api/v1/dossiers/queue/?tab=", "tab"),
    ],
)
def test_bad_query_values_are_400_naming_the_field(api: Client, path: str, field: str) -> None:
    response = api.get(path)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"]


def test_good_values_still_pass(api: Client) -> None:
    listing = api.get("/api/v1/procedures/?page_size=2&online_level=full")
    assert listing.status_code == 200 and set(listing.json()) >= {"count", "results"}
    assert api.get("/api/v1/dossiers/queue/?tab=overdue").status_code == 200


def test_unknown_api_paths_answer_json_404(api: Client) -> None:
    for path in ("/api/v1/auth/tokens/null,null/", "/api/v1/procedures/0/versions/x/"):
        response = api.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"


def test_idempotency_key_is_printable_ascii_and_a_wrong_method_is_405(api: Client) -> None:
    response = api.post(
        "/api/v1/dossiers/", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="khoá"
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]
    response = api.put(
        "/api/v1/dossiers/", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 405


def test_schema_documents_401_400_404(api: Client) -> None:
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    paths = schema["paths"]
    assert "401" in paths["/api/v1/dossiers/"]["get"]["responses"]
    assert "401" not in paths["/api/v1/calendar/days"]["get"]["responses"]
    assert "400" in paths["/api/v1/calendar/days"]["get"]["responses"]
    assert "404" in paths["/api/v1/dossiers/{code}/"]["get"]["responses"]
    assert "401" in paths["/api/v1/auth/token/"]["post"]["responses"]
    listing = paths["/api/v1/procedures/"]["get"]["responses"]["200"]
    assert "Paginated" in listing["content"]["application/json"]["schema"]["$ref"]


def test_lists_answer_the_paginated_envelope_and_key_endpoints_document_403(api: Client) -> None:
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    paths = schema["paths"]
    listing = api.get("/api/v1/feedback/?agency=&kind=conduct")
    assert listing.status_code == 200 and set(listing.json()) >= {"count", "results"}
    for path in ("/api/v1/feedback/", "/api/v1/integrations/webhooks/deliveries/"):
        answer = paths[path]["get"]["responses"]["200"]["content"]["application/json"]
        assert "Paginated" in answer["schema"]["$ref"], path
    # A person's token on an endpoint for machine clients' keys: 403, and documented.
    assert api.get("/api/v1/auth/api-key/").status_code == 403
    assert "403" in paths["/api/v1/auth/api-key/"]["get"]["responses"]
    assert "403" in paths["/api/v1/integrations/webhooks/deliveries/"]["get"]["responses"]

"""Machine clients' API keys: issued and revoked in the administration (audited), the secret
stored hashed and shown once, the DRF authentication (401 for unknown, revoked and expired
keys), the scopes, the agency boundary (404) and the key's own rate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from isogov.accounts.api_keys import api_key_hash
from isogov.accounts.models import ApiKey, ApiKeyScope
from isogov.accounts.services.api_keys import (
    KEY_EXPIRED,
    KEY_REVOKED,
    KEY_UNKNOWN,
    api_key_create,
    api_key_revoke,
)
from isogov.audit.models import AuditEvent
from isogov.core import clock
from isogov.core.errors import PermissionDenied, ValidationFailed

ME = "/api/v1/auth/api-key/"


def issue(demo: Any, scopes: list[str] | None = None, agency: Any = None) -> tuple[ApiKey, str]:
    key, secret = api_key_create(
        actor=demo.user("quantri") if agency is not None else demo.user("lanhdao"),
        agency=agency or demo.department,
        name="Hệ thống một cửa tỉnh",
        scopes=scopes or [ApiKeyScope.READ, ApiKeyScope.RECEIVE_WEBHOOKS],
        expires_in_days=30,
    )
    return key, f"{key.key_id}.{secret}"


def client_with(credentials: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"ApiKey {credentials}")
    return client


def test_a_key_is_stored_hashed_audited_and_opens_its_own_agency_only(demo: Any) -> None:
    key, credentials = issue(demo)
    secret = credentials.split(".", 1)[1]
    assert key.secret_hash == api_key_hash(secret) and secret not in key.secret_hash
    event = AuditEvent.objects.get(action="api_key.create", object_id=str(key.pk))
    assert secret not in str(event.after) and event.agency_code == demo.department.code

    answer = client_with(credentials).get(ME)
    assert answer.status_code == 200, answer.content
    assert answer.json()["agency"] == demo.department.code
    assert answer.json()["scopes"] == ["read", "receive_webhooks"]
    key.refresh_from_db()
    assert key.last_used_at is not None

    # A key is nobody: the pages and endpoints made for people do not serve it.
    assert client_with(credentials).get("/api/v1/dossiers/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", KEY_UNKNOWN),
        ("malformed", KEY_UNKNOWN),
        ("wrong-secret", KEY_UNKNOWN),
        ("revoked", KEY_REVOKED),
        ("expired", KEY_EXPIRED),
    ],
)
def test_unusable_keys_get_a_clear_401(demo: Any, case: str, message: Any) -> None:
    key, good = issue(demo)
    sent = {
        "unknown": "ik_0000000000000000.wrong",
        "malformed": "not-a-key",
        "wrong-secret": f"{key.key_id}.{'x' * 43}",
    }.get(case, good)
    if case == "revoked":
        api_key_revoke(actor=demo.user("lanhdao"), key=key, reason="Hệ thống đã ngừng")
    later = dt.timedelta(days=31) if case == "expired" else dt.timedelta()
    with clock.as_of(clock.now() + later):
        answer = client_with(sent).get(ME)
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == str(message)


def test_a_key_has_its_own_rate(demo: Any, settings: Any) -> None:
    settings.ISOGOV_THROTTLE_RATES = {**settings.ISOGOV_THROTTLE_RATES, "api_key": "2/minute"}
    cache.clear()
    _key, credentials = issue(demo)
    client = client_with(credentials)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_issuing_is_for_administrators_and_agency_leaders_with_checked_input(demo: Any) -> None:
    with pytest.raises(PermissionDenied):
        api_key_create(
            actor=demo.user("motcua"),
            agency=demo.department,
            name="X",
            scopes=["read"],
            expires_in_days=30,
        )
    with pytest.raises(PermissionDenied):  # a leader of one agency, not of the other
        api_key_create(
            actor=demo.user("lanhdao"),
            agency=demo.other,
            name="X",
            scopes=["read"],
            expires_in_days=30,
        )
    for change, field in [
        ({"name": " "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["admin"]}, "scopes"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 5000}, "expires_in_days"),
    ]:
        data: dict[str, Any] = {"name": "Kho", "scopes": ["read"], "expires_in_days": 30}
        data.update(change)
        with pytest.raises(ValidationFailed) as error:
            api_key_create(actor=demo.user("lanhdao"), agency=demo.department, **data)
        assert field in error.value.details
    assert not ApiKey.objects.exists()


def test_pages_issue_show_once_and_revoke(demo: Any) -> None:
    client = Client()
    client.force_login(demo.user("lanhdao"))
    assert client.get("/quan-tri/khoa-api/").status_code == 200
    answer = client.post(
        "/quan-tri/khoa-api/tao/",
        {
            "name": "Cổng dịch vụ công tỉnh",
            "agency": demo.department.pk,
            "scopes": ["push_dossiers"],
            "expires_in_days": 90,
        },
    )
    assert answer.status_code == 200
    key = ApiKey.objects.get()
    page = answer.content.decode()
    credentials = page.split('id="api-key-secret" readonly value="', 1)[1].split('"', 1)[0]
    assert credentials.startswith(key.key_id + ".")
    assert api_key_hash(credentials.split(".", 1)[1]) == key.secret_hash
    assert "no-store" in answer.get("Cache-Control", "")
    listing = client.get("/quan-tri/khoa-api/").content.decode()
    assert key.key_id in listing and credentials not in listing
    # A revoke without a reason is refused, with the field named.
    refused = client.post(f"/quan-tri/khoa-api/{key.pk}/thu-hoi/", {"reason": ""})
    assert refused.status_code == 400
    key.refresh_from_db()
    assert key.revoked_at is None
    done = client.post(f"/quan-tri/khoa-api/{key.pk}/thu-hoi/", {"reason": "Đổi nhà cung cấp"})
    assert done.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoke_reason == "Đổi nhà cung cấp"
    assert AuditEvent.objects.filter(action="api_key.revoke", object_id=str(key.pk)).exists()
    assert client_with(credentials).get(ME).status_code == 401
    # An officer without the role: 403.
    client.force_login(demo.user("motcua"))
    assert client.get("/quan-tri/khoa-api/").status_code == 403

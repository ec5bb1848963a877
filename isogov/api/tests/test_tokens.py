"""Several named API tokens per user: made, listed with their last use, revoked one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.accounts.models import ApiToken
from isogov.accounts.services import user_reset_password
from isogov.accounts.services.security import TOKENS_PER_USER, api_token_find

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle(settings: Any) -> None:
    cache.clear()
    settings.ISOGOV_THROTTLE_RATES = {"anon": None, "user": None, "token": None}


def _token(client: Client, name: str | None = None, username: str = "motcua") -> dict[str, Any]:
    body = {"username": username, "password": DEMO_PASSWORD}
    if name is not None:
        body["name"] = name
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_named_tokens_are_listed_used_and_revoked_one_by_one(client: Client, demo: Any) -> None:
    laptop = _token(client, "Máy tính xách tay")
    script = _token(client, "Kịch bản đồng bộ")
    assert laptop["token"] != script["token"]
    # Only a hash of the key is stored.
    stored = ApiToken.objects.get(pk=laptop["id"])
    assert laptop["token"] not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert stored.expires_at > timezone.now() + dt.timedelta(days=29)

    listing = _api(laptop["token"]).get("/api/v1/auth/tokens/")
    assert listing.status_code == 200
    rows = {row["name"]: row for row in listing.json()}
    assert set(rows) == {"Máy tính xách tay", "Kịch bản đồng bộ"}
    assert rows["Máy tính xách tay"]["current"] is True
    assert rows["Máy tính xách tay"]["last_used_at"] is not None  # this very request
    assert rows["Kịch bản đồng bộ"]["last_used_at"] is None
    assert rows["Kịch bản đồng bộ"]["prefix"] == script["token"][:8]
    assert "token" not in rows["Kịch bản đồng bộ"] and "key_hash" not in rows["Kịch bản đồng bộ"]

    # Revoking one leaves the other working.
    assert _api(laptop["token"]).delete(f"/api/v1/auth/tokens/{script['id']}/").status_code == 204
    assert _api(script["token"]).get("/api/v1/procedures/").status_code == 401
    assert _api(laptop["token"]).get("/api/v1/procedures/").status_code == 200
    # Another user's token is not yours to revoke: 404, and it still works.
    other = _token(client, "Của người khác", username="thuky")
    response = _api(laptop["token"]).delete(f"/api/v1/auth/tokens/{other['id']}/")
    assert response.status_code == 404
    assert _api(other["token"]).get("/api/v1/procedures/").status_code == 200


def test_last_use_is_written_at_most_once_a_minute(client: Client, demo: Any) -> None:
    made = _token(client, "A")
    api = _api(made["token"])
    api.get("/api/v1/procedures/")
    first = ApiToken.objects.get(pk=made["id"]).last_used_at
    api.get("/api/v1/procedures/")
    assert ApiToken.objects.get(pk=made["id"]).last_used_at == first
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        api.get("/api/v1/procedures/")
    assert ApiToken.objects.get(pk=made["id"]).last_used_at > first


def test_named_tokens_expire_and_die_with_a_password_change(
    client: Client, demo: Any, settings: Any
) -> None:
    settings.ISOGOV_TOKEN_DAYS = 30
    one, two = _token(client, "1"), _token(client, "2")
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert _api(one["token"]).get("/api/v1/procedures/").status_code == 401
    assert not ApiToken.objects.filter(pk=one["id"]).exists()
    motcua = demo.user("motcua")
    user_reset_password(
        actor=demo.user("quantri"), user=motcua, version=motcua.version, password=""
    )
    assert _api(two["token"]).get("/api/v1/procedures/").status_code == 401
    assert not ApiToken.objects.filter(user=motcua).exists()


def test_revoke_all_and_the_cap_per_user(client: Client, demo: Any) -> None:
    made = [_token(client, f"t{i}") for i in range(TOKENS_PER_USER + 1)]
    motcua = demo.user("motcua")
    assert ApiToken.objects.filter(user=motcua).count() == TOKENS_PER_USER
    assert not ApiToken.objects.filter(pk=made[0]["id"]).exists()  # the least recently used
    last = _api(made[-1]["token"])
    assert last.post("/api/v1/auth/token/revoke/").status_code == 204
    assert not ApiToken.objects.filter(user=motcua).exists()
    assert last.get("/api/v1/procedures/").status_code == 401


def test_token_name_and_id_bad_input(client: Client, demo: Any) -> None:
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "motcua", "password": DEMO_PASSWORD, "name": "x" * 101},
        content_type="application/json",
    )
    assert response.status_code == 400 and "name" in response.json()["error"]["details"]
    made = _token(client)
    assert made["name"] == "Mã truy cập API"
    assert _api(made["token"]).delete("/api/v1/auth/tokens/0/").status_code == 404
    assert ApiToken.objects.count() == 1


def test_me_names_the_token_s_user_and_agency(client: Client, demo: Any) -> None:
    key = _token(client)["token"]
    me = _api(key).get("/api/v1/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "motcua"
    assert body["agency"] == demo.user("motcua").agency.code
    assert client.get("/api/v1/me/").status_code in {401, 403}


@pytest.mark.parametrize("store", ["cache", "sqlite"])
def test_the_user_rate_counts_in_a_window_from_the_first_request(
    client: Client, demo: Any, settings: Any, store: str, tmp_path: Any
) -> None:
    settings.ISOGOV_THROTTLE_STORE = store
    settings.ISOGOV_THROTTLE_FILE = str(tmp_path / "throttle.sqlite3")
    settings.ISOGOV_THROTTLE_RATES = {"anon": None, "user": "3/minute", "token": None}
    api = _api(_token(client)["token"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [api.get("/api/v1/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
        clock.shift(dt.timedelta(seconds=45))
        refused = api.get("/api/v1/me/")
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 15
        clock.shift(dt.timedelta(seconds=16))  # the window that opened at the first request ended
        assert [api.get("/api/v1/me/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_token_s_plain_read_gives_what_the_orm_gives(client: Client, demo: Any) -> None:
    """``api_token_find`` reads the token, its user and their agency in one hand-written
    statement: the same values, with aware times, as the queryset it replaced."""
    key = _token(client, "reader")["token"]
    token = api_token_find(key=key)
    assert token is not None
    orm = ApiToken.objects.select_related("user", "user__agency").get(pk=token.pk)
    for got, want in ((token, orm), (token.user, orm.user), (token.user.agency, orm.user.agency)):
        assert type(got) is type(want)
        for field in want._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(want, field.attname), field.name
    assert timezone.is_aware(token.created_at)
    assert token.user.agency is not None
    assert token._state.adding is False and token._state.db == "default"
    assert api_token_find(key=key + "x") is None


def test_a_user_without_home_agency_signs_in_with_a_token(client: Client, demo: Any) -> None:
    key = _token(client, "reader")["token"]
    user = demo.user("motcua")
    type(user).objects.filter(pk=user.pk).update(agency=None)
    token = api_token_find(key=key)
    assert token is not None and token.user.agency is None and token.user.agency_id is None


def test_a_revoked_token_is_refused_at_the_next_request(client: Client, demo: Any) -> None:
    """Token reads are not cached: a revocation takes effect at once, in every process."""
    made = _token(client, "script")
    api = _api(made["token"])
    assert api.get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(pk=made["id"]).delete()  # what revoking does, from any process
    assert api.get("/api/v1/me/").status_code == 401

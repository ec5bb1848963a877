"""Sign-in locks, throttles, token revocation and "log out everywhere" (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.accounts.models import LoginLock, User
from isogov.accounts.services import user_reset_password
from isogov.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOCK_AFTER_3 = {
    "ISOGOV_LOCKOUT_FAILURES": 3,
    "ISOGOV_LOCKOUT_IP_FAILURES": 100,
    "ISOGOV_LOCKOUT_SECONDS": 60,
}


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def counted_hashing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every password check (the costly hash), to show locked tries skip it."""
    calls: list[str] = []
    original = User.check_password

    def check(self: User, raw: str) -> bool:
        calls.append(self.username)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", check)
    return calls


def test_username_is_locked_after_failures_and_refused_before_hashing(
    client: Client, demo: Any, settings: Any, counted_hashing: list[str]
) -> None:
    for name, value in LOCK_AFTER_3.items():
        setattr(settings, name, value)
    for _ in range(3):
        assert _login(client, "motcua", "wrong-password").status_code == 200
    assert len(counted_hashing) == 3
    response = _login(client, "motcua", DEMO_PASSWORD)  # right password, still locked
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đăng nhập sai quá nhiều lần" in html and "Thử lại sau" in html
    assert len(counted_hashing) == 3  # refused before hashing
    assert AuditEvent.objects.filter(action="login.locked").exists()


def test_lock_ends_after_the_delay_and_the_next_lock_lasts_twice_as_long(
    client: Client, demo: Any, settings: Any
) -> None:
    for name, value in LOCK_AFTER_3.items():
        setattr(settings, name, value)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            _login(client, "motcua", "wrong-password")
        lock = LoginLock.objects.get(key="user:motcua")
        assert lock.locked_until == start + dt.timedelta(seconds=60)
        traveller.shift(61)
        for _ in range(3):
            _login(client, "motcua", "wrong-password")
        lock.refresh_from_db()
        assert lock.locked_until - timezone.now() == dt.timedelta(seconds=120)
        traveller.shift(121)
        response = _login(client, "motcua", DEMO_PASSWORD)
        assert response.status_code == 302
    assert not LoginLock.objects.filter(key="user:motcua").exists()


def test_address_is_locked_whatever_the_username(client: Client, demo: Any, settings: Any) -> None:
    settings.ISOGOV_LOCKOUT_FAILURES = 100
    settings.ISOGOV_LOCKOUT_IP_FAILURES = 4
    for name in ("a1", "a2", "a3", "a4"):
        _login(client, name, "wrong-password")
    assert "Thử lại sau" in _login(client, "motcua", DEMO_PASSWORD).content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "motcua", DEMO_PASSWORD).status_code == 302


def test_system_administrator_lifts_a_lock(client: Client, demo: Any, settings: Any) -> None:
    for name, value in LOCK_AFTER_3.items():
        setattr(settings, name, value)
    for _ in range(3):
        _login(client, "motcua", "wrong-password")
    admin = Client(REMOTE_ADDR="10.0.0.2")
    admin.force_login(demo.user("quantri"))
    page = admin.get("/quan-tri/khoa-dang-nhap/").content.decode()
    assert "motcua" in page
    lock = LoginLock.objects.get(key="user:motcua")
    response = admin.post(f"/quan-tri/khoa-dang-nhap/{lock.pk}/mo/")
    assert response.status_code == 302
    assert _login(client, "motcua", DEMO_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="login.unlocked", actor_label="quantri").exists()


def test_only_a_system_administrator_may_lift_a_lock(
    client: Client, demo: Any, settings: Any
) -> None:
    for name, value in LOCK_AFTER_3.items():
        setattr(settings, name, value)
    for _ in range(3):
        _login(client, "motcua", "wrong-password")
    lock = LoginLock.objects.get(key="user:motcua")
    officer = Client(REMOTE_ADDR="10.0.0.3")
    officer.force_login(demo.user("lanhdao"))
    assert officer.post(f"/quan-tri/khoa-dang-nhap/{lock.pk}/mo/").status_code == 403
    assert LoginLock.objects.filter(pk=lock.pk).exists()


def test_admin_login_is_locked_too(client: Client, demo: Any, settings: Any) -> None:
    for name, value in LOCK_AFTER_3.items():
        setattr(settings, name, value)
    for _ in range(3):
        client.post("/admin/login/", {"username": "quantri", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "quantri", "password": DEMO_PASSWORD})
    assert "Thử lại sau" in response.content.decode()


def test_token_endpoint_locked_answers_429_with_retry_after(
    client: Client, demo: Any, settings: Any
) -> None:
    for name, value in LOCK_AFTER_3.items():
        setattr(settings, name, value)
    url = "/api/v1/auth/token/"
    for _ in range(3):
        client.post(url, {"username": "motcua", "password": "wrong-password"})
    response = client.post(url, {"username": "motcua", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "locked"


def test_token_endpoint_is_throttled_with_retry_after(
    client: Client, demo: Any, settings: Any
) -> None:
    cache.clear()
    settings.ISOGOV_THROTTLE_RATES = {"anon": None, "user": None, "token": "3/minute"}
    url = "/api/v1/auth/token/"
    statuses = [client.post(url, {"username": "x", "password": "y"}).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = client.post(url, {"username": "motcua", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    cache.clear()


def test_anonymous_and_user_reads_are_throttled(client: Client, demo: Any, settings: Any) -> None:
    cache.clear()
    settings.ISOGOV_THROTTLE_RATES = {"anon": "2/minute", "user": "3/minute", "token": None}
    url = "/api/v1/calendar/days?agency=STTTT&start=2026-01-01&end=2026-01-05"
    anonymous = [client.get(url).status_code for _ in range(3)]
    assert anonymous[2] == 429, anonymous
    officer = Client(REMOTE_ADDR="10.0.0.4")
    officer.force_login(demo.user("motcua"))
    signed_in = [officer.get("/api/v1/procedures/").status_code for _ in range(4)]
    assert signed_in == [200, 200, 200, 429]
    cache.clear()


def test_token_is_revoked_when_the_password_changes(demo: Any) -> None:
    motcua = demo.user("motcua")
    token = Token.objects.create(user=motcua)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/procedures/").status_code == 200
    user_reset_password(
        actor=demo.user("quantri"), user=motcua, version=motcua.version, password=""
    )
    assert api.get("/api/v1/procedures/").status_code == 401
    assert not Token.objects.filter(user=motcua).exists()


def test_token_changed_elsewhere_is_refused(demo: Any) -> None:
    """A password set outside the administration (e.g. Django admin) still revokes tokens."""
    motcua = demo.user("motcua")
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=5)):
        token = Token.objects.create(user=motcua)
    motcua.set_password("a-new-long-password-2026")
    motcua.save()
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/procedures/").status_code == 401


def test_token_expires(demo: Any, settings: Any) -> None:
    settings.ISOGOV_TOKEN_DAYS = 30
    token = Token.objects.create(user=demo.user("motcua"))
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    with time_machine.travel(timezone.now() + dt.timedelta(days=29)):
        assert api.get("/api/v1/procedures/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert api.get("/api/v1/procedures/").status_code == 401


def test_user_revokes_own_token(demo: Any) -> None:
    token = Token.objects.create(user=demo.user("motcua"))
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/v1/auth/token/revoke/").status_code == 204
    assert api.get("/api/v1/procedures/").status_code == 401


def test_log_out_everywhere_ends_other_sessions_and_the_token(demo: Any) -> None:
    motcua = demo.user("motcua")
    token = Token.objects.create(user=motcua)
    laptop, phone = Client(), Client()
    laptop.force_login(motcua)
    phone.force_login(motcua)
    assert phone.get("/dashboard/").status_code == 200
    assert laptop.post("/logout/everywhere/").status_code == 302
    assert phone.get("/dashboard/").status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


def test_idle_session_is_signed_out(client: Client, demo: Any, settings: Any) -> None:
    settings.ISOGOV_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(demo.user("motcua"))
        assert client.get("/dashboard/").status_code == 200
        traveller.shift(29 * 60)
        assert client.get("/dashboard/").status_code == 200  # activity keeps it alive
        traveller.shift(29 * 60)
        assert client.get("/dashboard/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_session_ends_after_its_absolute_lifetime(client: Client, demo: Any, settings: Any) -> None:
    settings.ISOGOV_SESSION_IDLE_MINUTES = 30
    settings.ISOGOV_SESSION_MAX_HOURS = 12
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(demo.user("motcua"))
        for _ in range(12 * 3):  # busy all day, a request every 20 minutes
            assert client.get("/dashboard/").status_code == 200
            traveller.shift(20 * 60)
        traveller.shift(60)
        response = client.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_change_in_django_admin_is_audited(client: Any, demo: Any) -> None:
    root = User.objects.create_superuser("root", "root@example.vn", "a-long-root-password")
    client.force_login(root)
    unit = demo.department.units.first()
    response = client.post(
        f"/admin/accounts/unit/{unit.pk}/change/",
        {
            "agency": unit.agency_id,
            "code": unit.code,
            "name": "Tên mới của đơn vị",
            "is_one_stop": "on" if unit.is_one_stop else "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="admin.change", actor_label="root").get()
    assert event.object_id == str(unit.pk) and "name" in event.reason.lower()


def test_sign_in_gate_refuses_a_flood_before_django_works(settings: Any) -> None:
    """Past the per-address rate, a sign-in POST gets 429 from the WSGI gate: Django (here the
    application behind the gate, which counts its calls) is never called for it."""
    from django.test.client import RequestFactory

    import isogov.wsgi
    from isogov.accounts.gate import SignInGate

    assert isinstance(isogov.wsgi.application, SignInGate)  # what gunicorn and runserver serve
    settings.ISOGOV_SIGNIN_GATE_PER_MINUTE = 3
    reached: list[str] = []

    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(environ["PATH_INFO"])
        start_response("401 Unauthorized", [])
        return [b""]

    gate = SignInGate(django)

    def call(method: str, path: str, ip: str, **extra: str) -> tuple[str, dict[str, str], bytes]:
        environ = getattr(RequestFactory(REMOTE_ADDR=ip, **extra), method.lower())(path).environ
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            seen.update(status=status, headers=dict(headers))

        body = b"".join(gate(environ, start_response))
        return seen["status"], seen["headers"], body

    url = "/api/v1/auth/token/"
    assert [call("POST", url, "10.6.6.6")[0][:3] for _ in range(3)] == ["401"] * 3
    status, headers, body = call("POST", url, "10.6.6.6")
    assert status.startswith("429") and 0 < int(headers["Retry-After"]) <= 60
    assert json.loads(body)["error"]["code"] == "throttled"
    assert "Thử lại" in json.loads(body)["error"]["message"]
    status, headers, body = call("POST", "/login/", "10.6.6.6", HTTP_ACCEPT_LANGUAGE="en")
    assert status.startswith("429") and "Try again" in body.decode()
    assert headers["Cache-Control"] == "no-store"
    assert reached == [url] * 3  # the refused tries never reached Django
    # Another address, and reads from this one, pass.
    assert call("POST", url, "10.7.7.7")[0].startswith("401")
    assert call("GET", "/thu-tuc/", "10.6.6.6")[0].startswith("401")
    assert reached == [url] * 4 + ["/thu-tuc/"]

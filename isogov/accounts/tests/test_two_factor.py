"""Two-factor sign-in (issue 13, item 5): the code step, enrolment, recovery codes, the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from isogov.accounts import totp
from isogov.accounts.demo import DEMO_PASSWORD
from isogov.accounts.models import TotpDevice
from isogov.accounts.services.two_factor import two_factor_enrol

pytestmark = pytest.mark.django_db


def _enrolled(user: Any) -> tuple[str, list[str]]:
    secret = totp.new_secret()
    codes = two_factor_enrol(
        user=user, secret=secret, code=totp.code_at(secret, totp.current_step())
    )
    device = TotpDevice.objects.get(user=user)
    device.last_step = 0  # the enrolment code's step may be used to sign in, in the test
    device.save()
    return secret, codes


def test_rfc_6238_test_vector() -> None:
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.code_at(secret, 1111111109 // 30) == "081804"


def test_password_alone_does_not_sign_in_a_user_with_an_app(client: Client, demo: Any) -> None:
    secret, _codes = _enrolled(demo.user("lanhdao"))
    response = client.post("/login/", {"username": "lanhdao", "password": DEMO_PASSWORD})
    assert response["Location"] == "/login/ma-xac-thuc/"
    assert client.get("/dashboard/").status_code == 302  # not signed in yet
    wrong = client.post("/login/ma-xac-thuc/", {"code": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    code = totp.code_at(secret, totp.current_step())
    assert client.post("/login/ma-xac-thuc/", {"code": code})["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_code_is_accepted_once(client: Client, demo: Any) -> None:
    secret, _codes = _enrolled(demo.user("lanhdao"))
    code = totp.code_at(secret, totp.current_step())
    client.post("/login/", {"username": "lanhdao", "password": DEMO_PASSWORD})
    client.post("/login/ma-xac-thuc/", {"code": code})
    other = Client()
    other.post("/login/", {"username": "lanhdao", "password": DEMO_PASSWORD})
    assert other.post("/login/ma-xac-thuc/", {"code": code}).status_code == 200  # refused


def test_recovery_code_works_once(client: Client, demo: Any) -> None:
    _secret, codes = _enrolled(demo.user("lanhdao"))
    assert len(codes) == 10
    client.post("/login/", {"username": "lanhdao", "password": DEMO_PASSWORD})
    assert client.post("/login/ma-xac-thuc/", {"code": codes[0]}).status_code == 302
    again = Client()
    again.post("/login/", {"username": "lanhdao", "password": DEMO_PASSWORD})
    assert again.post("/login/ma-xac-thuc/", {"code": codes[0]}).status_code == 200


def test_required_role_is_sent_to_set_up_the_app(client: Client, demo: Any, settings: Any) -> None:
    settings.ISOGOV_2FA_EXEMPT_DEMO = False
    client.post("/login/", {"username": "thuky", "password": DEMO_PASSWORD})
    response = client.get("/dashboard/")
    assert response["Location"] == "/tai-khoan/xac-thuc-hai-yeu-to/"
    assert client.get("/tai-khoan/xac-thuc-hai-yeu-to/").status_code == 200


def test_demo_accounts_are_exempt_and_the_page_says_so(
    client: Client, demo: Any, settings: Any
) -> None:
    settings.ISOGOV_2FA_EXEMPT_DEMO = True
    assert "không cần xác thực hai yếu tố" in client.get("/login/").content.decode()
    client.post("/login/", {"username": "thuky", "password": DEMO_PASSWORD})
    assert client.get("/dashboard/").status_code == 200


def test_role_without_the_requirement_is_not_asked(
    client: Client, demo: Any, settings: Any
) -> None:
    settings.ISOGOV_2FA_EXEMPT_DEMO = False
    client.post("/login/", {"username": "motcua", "password": DEMO_PASSWORD})
    assert client.get("/dashboard/").status_code == 200


def test_token_endpoint_asks_for_the_code(client: Client, demo: Any) -> None:
    secret, _codes = _enrolled(demo.user("lanhdao"))
    url = "/api/v1/auth/token/"
    refused = client.post(url, {"username": "lanhdao", "password": DEMO_PASSWORD})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "otp_required"
    code = totp.code_at(secret, totp.current_step())
    granted = client.post(url, {"username": "lanhdao", "password": DEMO_PASSWORD, "otp": code})
    assert granted.status_code == 200 and granted.json()["token"]

"""E-mail to a locked-out user, and password reset by e-mail: one-time, expiring, throttled,
the same answer for unknown addresses, the token kept out of the logs."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.accounts.models import ApiToken, LoginLock
from isogov.accounts.services.security import api_token_create
from isogov.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mot-mat-khau-moi-2026"


@pytest.fixture(autouse=True)
def clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _resets() -> Any:
    return OutboxMessage.objects.filter(object_type="accounts.password_reset")


def _link(message: OutboxMessage) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    parts = urlsplit(found.group(0))
    return f"{parts.path}?{parts.query}"


def test_a_locked_out_user_gets_an_email_through_the_outbox(
    client: Client, demo: Any, settings: Any
) -> None:
    settings.ISOGOV_LOCKOUT_FAILURES = 3
    settings.ISOGOV_LOCKOUT_IP_FAILURES = 100
    motcua = demo.user("motcua")
    assert motcua.email
    for _ in range(2):
        client.post("/login/", {"username": "motcua", "password": "sai-mat-khau"})
    assert not OutboxMessage.objects.filter(object_type="accounts.lock").exists()
    client.post("/login/", {"username": "MotCua", "password": "sai-mat-khau"})  # any case
    mail = OutboxMessage.objects.get(object_type="accounts.lock")
    assert mail.recipient == motcua.email and mail.channel == "email"
    assert "motcua" in mail.body and "khoá" in mail.subject.lower() + mail.body.lower()
    # A try refused by the lock does not send another one; an unknown username sends none.
    client.post("/login/", {"username": "motcua", "password": "sai-mat-khau"})
    for _ in range(3):
        client.post("/login/", {"username": "khong-ton-tai", "password": "x"})
    assert OutboxMessage.objects.filter(object_type="accounts.lock").count() == 1


def test_password_reset_journey_one_time_and_revoking(
    client: Client, demo: Any, caplog: Any
) -> None:
    motcua = demo.user("motcua")
    _token, key = api_token_create(actor=motcua, name="Kịch bản")
    LoginLock.objects.create(key="user:motcua", failures=0, locked_until=timezone.now())
    assert 'href="/quen-mat-khau/"' in client.get("/login/").content.decode()
    caplog.set_level(logging.INFO)
    response = client.post("/quen-mat-khau/", {"email": motcua.email.upper()})
    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
    mail = _resets().get()
    assert mail.recipient == motcua.email
    link = _link(mail)
    assert link.startswith("/quen-mat-khau/dat-lai/?uid=")
    token = re.search(r"token=([^&\s]+)", link).group(1)  # type: ignore[union-attr]

    reader = Client()
    opened = reader.get(link)
    assert opened.status_code == 302 and "token" not in opened["Location"]  # out of the URL
    page = reader.get(opened["Location"])
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()
    short = reader.post(opened["Location"], {"new_password1": "ngan", "new_password2": "ngan"})
    assert 'id="password-error"' in short.content.decode()
    motcua.refresh_from_db()
    assert motcua.check_password(DEMO_PASSWORD)  # a refused password changes nothing
    done = reader.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 200 and 'id="reset-done"' in done.content.decode()
    motcua.refresh_from_db()
    assert motcua.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=motcua).exists()
    assert not LoginLock.objects.filter(key="user:motcua").exists()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/procedures/").status_code == 401
    # The link works once.
    again = Client()
    second = again.get(again.get(link)["Location"])
    assert second.status_code == 400 and 'id="reset-invalid"' in second.content.decode()
    # The token never reached the application log.
    assert token not in caplog.text


def test_reset_link_expires(client: Client, demo: Any, settings: Any) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 3600
    client.post("/quen-mat-khau/", {"email": demo.user("motcua").email})
    link = _link(_resets().get())
    # A day later (Django's token clock is naive local time, which time_machine moves as UTC:
    # a day is past the hour whatever the time zone).
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        reader = Client()
        page = reader.get(reader.get(link)["Location"])
        assert page.status_code == 400 and 'id="reset-invalid"' in page.content.decode()
    reader = Client()
    assert reader.get(reader.get(link)["Location"]).status_code == 200
    # A forged token is refused.
    forged = re.sub(r"token=[^&]+", "token=abc-123", link)
    reader = Client()
    assert reader.get(reader.get(forged)["Location"]).status_code == 400


def test_unknown_address_gets_the_same_answer_and_bad_input_is_named(
    client: Client, demo: Any
) -> None:
    known = client.post("/quen-mat-khau/", {"email": demo.user("motcua").email})
    unknown = client.post("/quen-mat-khau/", {"email": "ai-do@example.vn"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert _resets().count() == 1
    bad = client.post("/quen-mat-khau/", {"email": "khong-phai-email"})
    assert bad.status_code == 200 and 'id="email-error"' in bad.content.decode()
    assert _resets().count() == 1


def test_reset_requests_are_throttled(client: Client, demo: Any, settings: Any) -> None:
    settings.ISOGOV_PASSWORD_RESET_PER_IP = 4
    settings.ISOGOV_PASSWORD_RESET_PER_EMAIL = 2
    email = demo.user("motcua").email
    statuses = [client.post("/quen-mat-khau/", {"email": email}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 302]
    assert _resets().count() == 2  # per address: the third and fourth were not sent
    refused = client.post("/quen-mat-khau/", {"email": email})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert 'id="reset-refused"' in refused.content.decode()
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/quen-mat-khau/", {"email": "x@example.vn"}).status_code == 302

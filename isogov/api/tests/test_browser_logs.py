"""No phone number, ID number, password or token in the logs of a full journey (issue 13, 9).

The journey runs in Chromium against the live server: a citizen's public lookup by code and
phone number, an officer signing in and opening the dossier, a page that does not exist with a
phone number in its address, and an API client taking a token and receiving a dossier (whose
SMS receipt goes through the logging SMS adapter). Every line the application's configured log
handler writes meanwhile is captured and grepped.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.cli import ACCESS_LOG_FORMAT
from isogov.core.logredact import RedactPersonalData, redact
from isogov.dossiers.tests.apiclient import body
from isogov.dossiers.tests.pages import page_data

PHONE, ID_NUMBER = "0912345678", "031190001234"


def _configured_handler() -> logging.Handler:
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RedactPersonalData) for f in handler.filters):
            return handler
    raise AssertionError("the console handler of settings.LOGGING has no redacting filter")


def test_redact_masks_phones_ids_and_secret_parameters_but_not_hashes() -> None:
    line = redact(
        f"GET /tra-cuu/?ma=X&dien_thoai={PHONE} id {ID_NUMBER} token=abc123 "
        "+84 912 345 678 hash 3f2a123456789b"
    )
    assert PHONE not in line and ID_NUMBER not in line and "abc123" not in line
    assert "912 345 678" not in line
    assert "3f2a123456789b" in line


def test_access_log_format_has_no_query_string_and_no_referrer() -> None:
    assert "%(U)s" in ACCESS_LOG_FORMAT
    assert all(atom not in ACCESS_LOG_FORMAT for atom in ("%(r)s", "%(q)s", "%(f)s"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_logs_of_a_full_journey_hold_no_personal_data(
    live_server: Any, csp_page: Any, desk: Any, settings: Any
) -> None:
    page = csp_page
    settings.ISOGOV_LOG_LEVEL = "DEBUG"
    handler = _configured_handler()
    captured = io.StringIO()
    stream = handler.setStream(captured)  # type: ignore[attr-defined]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        data = page_data(desk)
        base = live_server.url
        page.goto(f"{base}/tra-cuu/?ma={data['received']}&dien_thoai={PHONE}")
        page.goto(f"{base}/khong-co/{PHONE}/{ID_NUMBER}/")
        page.goto(f"{base}/login/")
        page.fill("#id_username", "motcua")
        page.fill("#id_password", "a-wrong-password")
        page.click("main button[type=submit]")
        page.fill("#id_username", "motcua")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/dashboard/")
        page.goto(f"{base}/dossiers/{data['received']}/")
        # The page then asks the server for its integrations panel; let that request end
        # before this thread writes through the API: on the test's one in-memory SQLite
        # database a read of the live server's thread met the API's write lock, and the test
        # client re-raised the other thread's error as its own.
        page.wait_for_load_state("networkidle")
        api = APIClient()
        token = api.post(
            f"{base}/api/v1/auth/token/", {"username": "motcua", "password": DEMO_PASSWORD}
        ).json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        answer = api.post("/api/v1/dossiers/", body(), format="json")
        assert answer.status_code == 201, answer.json()
    finally:
        handler.setStream(stream)  # type: ignore[attr-defined]
        root.setLevel(level)
    log = captured.getvalue()
    assert "SMS to" in log, log[-2000:]  # the journey did write to the log
    for secret in (PHONE, ID_NUMBER, DEMO_PASSWORD, "a-wrong-password", token):
        assert secret not in log, f"{secret} in the log"

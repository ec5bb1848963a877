"""Two-factor sign-in in real Chromium: setting up the app, then signing in with codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from isogov.accounts import totp
from isogov.accounts.demo import DEMO_PASSWORD

AXE = Path(__file__).resolve().parents[2] / "core/static/isogov/vendor/axe-core/axe.min.js"
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => v.id)"""


def _fits_a_phone_and_passes_axe(page: Any) -> None:
    """The code page is reached only mid sign-in, so the page walk cannot visit it: check here."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(SERIOUS) == []


def _password(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_factor_setup_and_sign_in_in_chromium(
    live_server: Any, csp_page: Any, demo: Any, settings: Any
) -> None:
    page = csp_page
    page.context.add_init_script(path=str(AXE))  # not subject to the page's CSP
    settings.ISOGOV_2FA_EXEMPT_DEMO = False
    base = live_server.url
    # An ISO secretary must set up the app before anything else.
    _password(page, base, "thuky")
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-yeu-to/")
    assert page.locator("#totp-qr svg").count() == 1
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("#id_code", totp.code_at(secret, totp.current_step()))
    page.click("main button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.goto(f"{base}/dashboard/")
    assert page.url.endswith("/dashboard/")
    # Next time the password leads to the code page; a wrong code is refused.
    _password(page, base, "thuky")
    page.wait_for_url("**/login/ma-xac-thuc/")
    _fits_a_phone_and_passes_axe(page)
    page.fill("#id_code", "000000")
    page.click("main button[type=submit]")
    page.wait_for_selector("#code-error")
    assert "Mã không đúng" in page.inner_text("#code-error")
    page.goto(f"{base}/dashboard/")
    assert "/login/" in page.url  # still not signed in
    _password(page, base, "thuky")
    page.wait_for_url("**/login/ma-xac-thuc/")
    page.fill("#id_code", codes[0])  # the same 30 s step cannot be used twice: a recovery code
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard/")
    # A current code signs in a leader who already has the app.
    from isogov.accounts.models import TotpDevice

    device = TotpDevice.objects.get(user__username="thuky")
    device.last_step = 0
    device.save()
    _password(page, base, "thuky")
    page.wait_for_url("**/login/ma-xac-thuc/")
    page.fill("#id_code", totp.code_at(secret, totp.current_step()))
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard/")

"""The citizen's short journey in real Chromium, at 390 px and without JavaScript (issue 12
item 5): search without diacritics on the home → the procedure → the lookup by code and phone
shows the supplement reason. Every request the pages make stays on the site's own host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine

from isogov.dossiers import services
from isogov.dossiers.tests.conftest import CFS, act, at, intake

NAME = "Cấp giấy chứng nhận lưu hành tự do (CFS) đối với sản phẩm báo chí, xuất bản phẩm xuất khẩu"
REASON = "Thiếu danh mục sách xuất khẩu có xác nhận"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_procedure_then_lookup_shows_the_supplement_reason_without_javascript(
    live_server: Any, browser: Any, desk: Any
) -> None:
    motcua = desk.user("motcua")
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_receive(actor=motcua, data=intake(desk))
    with time_machine.travel(at(3, 9, 9), tick=False):
        dossier = services.dossier_step_complete(
            actor=motcua, code=dossier.code, version=dossier.version
        )
    act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason=REASON,
        items=["Danh mục sách"],
    )
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
    )
    hosts: set[str] = set()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    try:
        page.goto(f"{live_server.url}/")
        page.fill("#home-q", "luu hanh tu do")
        page.click("#home-search button[type=submit]")
        page.wait_for_url("**/thu-tuc/?q=luu+hanh+tu+do**")
        page.get_by_role("link", name=NAME).click()
        page.wait_for_url(f"**/thu-tuc/{CFS}/")
        assert page.locator("h1").inner_text() == NAME
        page.click("#public-nav a[data-nav=lookup]")
        page.wait_for_url("**/tra-cuu/")
        page.fill("#id_ma", dossier.code)
        page.fill("#id_thong_tin", "0912 345 678")
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#lookup-result")
        assert page.url == f"{live_server.url}/tra-cuu/"  # posted: nothing in the address
        timeline = page.locator("#timeline").inner_text()
        assert REASON in timeline and "Danh mục sách" in timeline
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    assert hosts == {urlsplit(live_server.url).netloc}

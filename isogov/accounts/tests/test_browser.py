from __future__ import annotations

from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_officer_signs_in_through_the_vietnamese_login_page(
    live_server: Any, page: Any, demo: Any
) -> None:
    page.goto(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "Đăng nhập hệ thống ISO điện tử"
    page.fill("#id_username", "motcua")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    assert "Bảng điều khiển" in page.locator("h1").inner_text()
    assert "Phạm Thị Một" in page.content()

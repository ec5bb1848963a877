from __future__ import annotations

from typing import Any

import pytest

from isogov.catalog.demo import seed_catalog


@pytest.mark.django_db(transaction=True)
def test_citizen_searches_without_diacritics_and_sees_time_and_fee_per_channel(
    live_server: Any, page: Any, demo: Any
) -> None:
    seed_catalog()
    page.goto(f"{live_server.url}/thu-tuc/")
    page.fill("#catalog-search", "giay phep")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=giay+phep**")
    link = page.get_by_role("link", name="Cấp giấy phép hoạt động in xuất bản phẩm")
    link.click()
    page.wait_for_url("**/thu-tuc/2.001594/")
    assert page.locator("h1").inner_text() == "Cấp giấy phép hoạt động in xuất bản phẩm"
    rows = page.locator("#channels tbody tr")
    assert rows.count() == 3
    first = rows.nth(0).inner_text()
    assert "Trực tiếp" in first
    assert "15 ngày làm việc" in first
    assert "Không thu phí" in first
    assert "Qua dịch vụ bưu chính" in rows.nth(1).inner_text()

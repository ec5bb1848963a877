"""Document control in real Chromium: the ISO secretary drafts, the reviewer asks for changes,
the author revises, the leader approves, the secretary publishes, a specialist acknowledges;
the document list shows each step."""

from __future__ import annotations

from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.qms.models import ReadAcknowledgement


def _sign_in(page: Any, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")


def _status_in_list(page: Any, url: str) -> str:
    page.goto(f"{url}/iso/tai-lieu/")
    row = page.locator("#documents tbody tr", has_text="QT-KSTL")
    return " ".join(row.locator(".revision-status").inner_text().split())


def _act(page: Any, url: str, document: str, action: str) -> None:
    page.goto(f"{url}{document}")
    page.click(f"button[data-action={action}]")
    page.wait_for_selector(".alert-success")


@pytest.mark.django_db(transaction=True)
def test_a_revision_goes_from_draft_to_read_in_the_browser(
    live_server: Any, page: Any, demo: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = live_server.url
    _sign_in(page, url, "thuky")
    page.get_by_role("link", name="ISO", exact=True).click()
    page.wait_for_url("**/iso/")
    page.get_by_role("link", name="Tài liệu", exact=True).click()
    page.wait_for_url("**/iso/tai-lieu/")
    page.fill("#id_code", "QT-KSTL")
    page.fill("#id_title", "Quy trình kiểm soát thông tin dạng văn bản")
    page.select_option("#id_doc_type", "instruction")
    page.select_option("#id_owner_unit", label="Văn phòng Sở")
    page.fill("#id_content", "Quy định việc soạn thảo, xem xét và phê duyệt tài liệu.")
    page.select_option("#id_reviewer", label="Lê Văn Trưởng")
    page.select_option("#id_approver", label="Trần Thị Lãnh")
    page.click("#new-document button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert _status_in_list(page, url) == "Lần ban hành 01: Dự thảo"
    document = page.locator("#documents a", has_text="QT-KSTL").get_attribute("href")
    _act(page, url, document, "submit")
    assert _status_in_list(page, url) == "Lần ban hành 01: Đang xem xét"

    _sign_in(page, url, "truongphong")
    page.goto(f"{url}{document}")
    page.fill("#id_comment", "Bổ sung phạm vi áp dụng cho Bộ phận Một cửa")
    page.click("button[data-action=request_changes]")
    page.wait_for_selector(".alert-success")
    assert _status_in_list(page, url) == "Lần ban hành 01: Yêu cầu sửa đổi"

    _sign_in(page, url, "thuky")
    page.goto(f"{url}{document}")
    assert "Bổ sung phạm vi áp dụng" in page.inner_text("#revisions")
    page.fill("#id_content_revise", "Áp dụng cho mọi phòng và Bộ phận Một cửa.")
    page.click("button[data-action=revise]")
    page.wait_for_selector(".alert-success")
    _act(page, url, document, "submit")
    assert _status_in_list(page, url) == "Lần ban hành 01: Đang xem xét"

    _sign_in(page, url, "lanhdao")
    _act(page, url, document, "approve")
    assert _status_in_list(page, url) == "Lần ban hành 01: Đã phê duyệt"

    _sign_in(page, url, "thuky")
    _act(page, url, document, "publish")
    assert _status_in_list(page, url) == "Lần ban hành 01: Đã ban hành"
    page.goto(f"{url}{document}")
    assert "Hoàng Văn Chuyên" in page.inner_text("#reading")  # not read yet

    _sign_in(page, url, "chuyenvien")
    page.goto(f"{url}/iso/")
    page.click("#tasks >> text=Đọc tài liệu QT-KSTL")
    page.click("button[data-action=read]")
    page.wait_for_selector(".alert-success")
    assert "Hoàng Văn Chuyên" not in page.inner_text("#reading")
    assert "1 người đã xác nhận đọc" in page.inner_text("#reading")
    assert ReadAcknowledgement.objects.get().user.username == "chuyenvien"
    assert _status_in_list(page, url) == "Lần ban hành 01: Đã ban hành"

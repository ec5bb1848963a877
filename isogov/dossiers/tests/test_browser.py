from __future__ import annotations

import re
from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.dossiers.models import Dossier

from .conftest import CFS


@pytest.mark.django_db(transaction=True)
def test_desk_officer_receives_a_dossier_in_the_browser(
    live_server: Any, page: Any, desk: Any
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "motcua")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.click("text=Việc của tôi")
    page.click("text=Tiếp nhận hồ sơ")
    page.select_option("#id_procedure", CFS)
    # htmx loads the checklist and the appointment before anything is saved.
    page.wait_for_selector("#appointment-preview")
    assert "3 ngày làm việc" in page.inner_text("#appointment-preview")
    page.check("input[name=paper][value='Đơn đề nghị (theo mẫu)']")
    page.fill("#id_applicant_name", "Nguyễn Thị Hồng Nhung")
    page.fill("#id_applicant_phone", "0912345678")
    page.click("#receive")
    page.wait_for_url(re.compile(r".*/dossiers/000\.00\.15\.H26-\d{6}-0001/$"))
    assert page.inner_text("#status") == "Đã tiếp nhận"
    dossier = Dossier.objects.get()
    assert dossier.applicant_name == "Nguyễn Thị Hồng Nhung"
    assert page.inner_text("#appointment").strip() != "—"
    page.click("text=Hoàn thành bước này và chuyển tiếp")
    page.click("#action-complete_step button[type=submit]")
    page.wait_for_selector("text=Đã thực hiện")
    assert page.inner_text("#status") == "Đang xử lý"

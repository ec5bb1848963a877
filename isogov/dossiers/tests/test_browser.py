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
    # The next action first: the desk's one primary button hands the dossier over.
    assert page.locator("#primary-action").count() == 1
    assert page.inner_text("#primary-action").startswith("Hoàn thành “")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")
    assert page.inner_text("#status") == "Đang xử lý"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")


@pytest.mark.django_db(transaction=True)
def test_the_unit_head_assigns_by_name_and_the_specialist_sees_only_their_work(
    live_server: Any, page: Any, desk: Any
) -> None:
    from isogov.dossiers import services

    from .conftest import intake

    dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    dossier = services.dossier_step_complete(
        actor=desk.user("motcua"), code=dossier.code, version=dossier.version
    )
    appraisal = dossier.steps.get(order=3)
    _sign_in(page, live_server.url, "truongphong")
    page.goto(f"{live_server.url}/dossiers/{dossier.code}/")
    actions = page.inner_text("#actions")
    assert "Phân công cán bộ" in actions and "Phê duyệt" not in actions
    page.click("#other-actions > summary")
    page.click(
        f"#other-actions summary:has-text('Phân công cán bộ thụ lý bước 3: {appraisal.name}')"
    )
    # The officer is chosen by name from the step's eligible officers, not typed as a code.
    form = f"#action-assign-{appraisal.pk}"
    options = page.locator(f"{form} select[name=assignee] option").all_text_contents()
    assert options == ["—", "Hoàng Văn Chuyên"]
    page.select_option(f"{form} select[name=assignee]", label="Hoàng Văn Chuyên")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=Đã thực hiện")
    row = page.inner_text("#steps tbody tr:nth-child(3)")
    assert "Hoàng Văn Chuyên" in row
    appraisal.refresh_from_db()
    assert appraisal.assignee == desk.user("chuyenvien")

    page.context.clear_cookies()
    _sign_in(page, live_server.url, "chuyenvien")
    page.goto(f"{live_server.url}/dossiers/{dossier.code}/")
    assert page.locator("#actions").count() == 0  # the head's step is not the specialist's


@pytest.mark.django_db(transaction=True)
def test_an_irreversible_action_asks_first_naming_the_applicant(
    live_server: Any, page: Any, desk: Any
) -> None:
    from isogov.dossiers import services

    from .conftest import intake

    dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    services.dossier_request_withdrawal(
        actor=desk.user("motcua"), code=dossier.code, version=dossier.version, reason="Xin rút"
    )
    _sign_in(page, live_server.url, "motcua")
    page.goto(f"{live_server.url}/dossiers/{dossier.code}/")
    page.fill("#action-stop textarea[name=reason]", "Công dân đề nghị dừng")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#action-stop button[type=submit]")
    assert asked and "Nguyễn Thị Hồng Nhung" in asked[0] and "Không thể hoàn tác" in asked[0]
    dossier.refresh_from_db()
    assert dossier.status == "withdrawal_requested"  # dismissed: nothing done
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#action-stop button[type=submit]")
    page.wait_for_selector("text=Đã thực hiện")
    dossier.refresh_from_db()
    assert dossier.status == "stopped"


# The whole walk, each person in a browser context of their own: test_browser_walk.py.

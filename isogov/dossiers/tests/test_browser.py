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


def _as(page: Any, url: str, username: str, code: str) -> str:
    """Sign in as ``username`` alone, open the dossier, and return its one primary button's words
    (exactly one is shown: the next action first)."""
    page.context.clear_cookies()
    _sign_in(page, url, username)
    page.goto(f"{url}/dossiers/{code}/")
    assert page.locator("#primary-action").count() == 1
    return str(page.inner_text("#primary-action"))


def _sees_no_action(page: Any, url: str, username: str, code: str) -> None:
    page.context.clear_cookies()
    _sign_in(page, url, username)
    page.goto(f"{url}/dossiers/{code}/")
    assert page.locator("#primary-action").count() == 0


@pytest.mark.django_db(transaction=True)
def test_each_person_walks_the_dossier_with_one_primary_action(
    live_server: Any, page: Any, desk: Any
) -> None:
    from isogov.dossiers import services

    from .conftest import intake

    url = live_server.url
    dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    code = dossier.code
    steps = {step.order: step for step in dossier.steps.all()}

    # The desk hands the dossier over to the unit head.
    assert _as(page, url, "motcua", code).startswith(f"Hoàn thành “{steps[1].name}”")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")
    _sees_no_action(page, url, "chuyenvien", code)  # the head's step, not the specialist's

    # The unit head assigns the appraisal from the list of the eligible staff and hands over.
    label = _as(page, url, "truongphong", code)
    assert label == f"Phân công và chuyển “{steps[3].name}”"
    form = "#action-assign_handover"
    assert f"Phân công cán bộ thụ lý bước 3: {steps[3].name}" in page.inner_text(form)
    options = page.locator(f"{form} select[name=assignee] option").all_text_contents()
    assert options == ["—", "Hoàng Văn Chuyên"]
    page.select_option(f"{form} select[name=assignee]", label="Hoàng Văn Chuyên")
    page.fill(f"{form} textarea[name=note]", "Kiểm tra kỹ danh mục sách")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")
    _sees_no_action(page, url, "motcua", code)

    # The specialist sees the head's note on his step and asks for a supplement.
    assert _as(page, url, "chuyenvien", code).startswith(f"Hoàn thành “{steps[3].name}”")
    assert "Kiểm tra kỹ danh mục sách" in page.inner_text("#steps")
    page.click("#other-actions > summary")
    page.click("text=Yêu cầu bổ sung hồ sơ (mẫu 02)")
    page.fill("#action-request_supplement textarea[name=reason]", "Thiếu danh mục sách")
    page.fill("#action-request_supplement textarea[name=items]", "Danh mục sách xuất khẩu")
    page.click("#action-request_supplement button[type=submit]")
    page.wait_for_selector("text=Đã thực hiện")

    # The desk ticks what came in; the receipt is re-issued with the new appointment.
    assert _as(page, url, "motcua", code) == "Đã nhận đủ hồ sơ bổ sung"
    page.check("#action-supplement_received input[value='Danh mục sách xuất khẩu']")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")
    assert page.inner_text("#status") == "Đang xử lý"
    dossier.refresh_from_db()
    assert dossier.clock_stops.get().received_items == ["Danh mục sách xuất khẩu"]

    # The specialist records the draft result and finishes the appraisal.
    _as(page, url, "chuyenvien", code)
    page.click("#other-actions > summary")
    page.click("text=Nhập kết quả giải quyết")
    page.fill("#action-record_result input[name=number]", "15/GCN-STTTT")
    page.fill("#action-record_result input[name=signer]", "Trần Thị Lãnh")
    page.click("#action-record_result button[type=submit]")
    page.wait_for_selector("text=Đã thực hiện")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")

    # The unit head reviews and hands over to the leader.
    assert _as(page, url, "truongphong", code).startswith(f"Hoàn thành “{steps[4].name}”")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")

    # The leader approves after confirming: that also finishes the signing step.
    assert _as(page, url, "lanhdao", code) == "Phê duyệt kết quả"
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")
    assert asked and "Nguyễn Thị Hồng Nhung" in asked[0]
    dossier.refresh_from_db()
    assert dossier.result_approved_at is not None
    assert dossier.current_step is not None and dossier.current_step.order == 6

    # Văn phòng registers, the specialist sends it back (their own primary buttons).
    for username in ("vanthu", "chuyenvien"):
        _as(page, url, username, code)
        page.click("#primary-action")
        page.wait_for_selector("text=Đã thực hiện")

    # The desk returns the result after confirming, to the applicant in person.
    assert _as(page, url, "motcua", code) == "Trả kết quả"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#primary-action")
    page.wait_for_selector("text=Đã thực hiện")
    assert page.inner_text("#status") == "Đã trả kết quả"
    assert "031190001234" in page.inner_text("#collection")

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


@pytest.mark.django_db(transaction=True)
def test_system_admin_creates_a_user_grants_a_unit_role_and_deactivates_them(
    live_server: Any, page: Any, demo: Any
) -> None:
    from isogov.accounts.models import RoleAssignment, Unit, User

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.click("nav >> text=Quản trị hệ thống")
    page.wait_for_url("**/quan-tri/")
    page.click("main >> text=Người dùng")
    page.click("text=Thêm người dùng")
    page.fill("#id_username", "canbomoi")
    page.fill("#id_full_name", "Trịnh Thị Mới")
    page.select_option("#id_agency", str(demo.department.pk))
    page.click("#user-create button[type=submit]")
    password = page.inner_text("#temporary-password code").strip()
    user = User.objects.get(username="canbomoi")
    assert user.check_password(password)

    unit = Unit.objects.get(agency=demo.department, code="BCXB")
    page.select_option("#id_role-role", "specialist")
    page.select_option("#id_role-agency", str(demo.department.pk))
    page.select_option("#id_role-unit", str(unit.pk))
    page.click("#role-grant button[type=submit]")
    page.wait_for_selector("text=Đã cấp vai trò.")
    assert "Phòng Báo chí – Xuất bản" in page.inner_text("#roles table")
    assert RoleAssignment.objects.filter(user=user, role="specialist", unit=unit).exists()

    page.click("#user-deactivate button[type=submit]")
    page.wait_for_selector("text=Đã khóa tài khoản.")
    assert "Đã ngừng hoạt động" in page.inner_text("#user-status")
    assert not User.objects.get(pk=user.pk).is_active

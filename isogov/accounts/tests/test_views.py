from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from isogov.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_vietnamese_by_default(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html


def test_browser_set_to_english_still_gets_vietnamese(client: Client) -> None:
    response = client.get("/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert "Mật khẩu" in response.content.decode()


def test_language_switcher_turns_pages_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/")
    assert 'lang="en"' in response.content.decode()
    assert "Password" in response.content.decode()


def test_stylesheet_and_htmx_are_served_locally() -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("isogov/css/isogov.css") is not None
    assert finders.find("isogov/vendor/htmx.min.js") is not None


def test_wrong_password_gets_a_message_and_no_session(client: Client, demo: Any) -> None:
    response = client.post("/login/", {"username": "motcua", "password": "wrong"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_leads_to_dashboard_with_role_navigation(client: Client, demo: Any) -> None:
    response = client.post(
        "/login/", {"username": "motcua", "password": DEMO_PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert "Sở Khoa học và Công nghệ thành phố Hải Phòng" in html
    assert "Cán bộ một cửa" in html
    assert "/admin/" not in html  # no administration link for an officer


def test_django_admin_is_for_superusers_only(client: Client, demo: Any) -> None:
    for username in ("lanhdao", "quantri"):  # a system administrator works in /quan-tri/
        client.force_login(demo.user(username))
        response = client.get("/admin/")
        assert response.status_code == 302  # sent to the admin login
        assert response["Location"].startswith("/admin/login/")
    root = demo.user("quantri")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    assert client.get("/admin/").status_code == 200


def test_unknown_page_is_a_vietnamese_404(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()

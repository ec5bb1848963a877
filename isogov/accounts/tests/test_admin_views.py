"""The in-app administration pages: only system administrators get in; forms reach services."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from isogov.accounts import services
from isogov.accounts.models import Agency, AgencyPredecessor, RoleAssignment, Unit, User

pytestmark = pytest.mark.django_db


class _Fields(HTMLParser):
    """The ids on a page, the ``for`` of its labels and the ids of its visible inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.inputs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[str(found["id"])] += 1
        if tag == "label" and found.get("for"):
            self.label_for.add(str(found["for"]))
        visible = tag in {"input", "select", "textarea"} and found.get("type") != "hidden"
        # The language switcher is labelled by aria-label in the shared header.
        if visible and found.get("name") != "language":
            self.inputs.append(str(found.get("id") or found.get("name")))


PAGES = ["/quan-tri/", "/quan-tri/nguoi-dung/", "/quan-tri/nguoi-dung/them/", "/quan-tri/co-quan/"]


@pytest.mark.parametrize("username", ["motcua", "lanhdao", "thanhpho"])
def test_non_admins_get_a_vietnamese_403(client: Client, demo: Any, username: str) -> None:
    client.force_login(demo.user(username))
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Chỉ quản trị hệ thống" in response.content.decode()


def test_non_admin_cannot_post_either(client: Client, demo: Any) -> None:
    client.force_login(demo.user("lanhdao"))
    target = demo.user("motcua")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target.pk}/kich-hoat/0/", {"state-version": target.version}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).is_active


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/quan-tri/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_admin_sees_every_page_in_vietnamese_with_the_nav_link(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    unit = Unit.objects.get(agency=demo.department, code="MC")
    urls = [
        *PAGES,
        f"/quan-tri/nguoi-dung/{demo.user('motcua').pk}/",
        f"/quan-tri/co-quan/{demo.department.pk}/",
        f"/quan-tri/don-vi/{unit.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        fields = _Fields()
        fields.feed(response.content.decode())
        assert [i for i, n in fields.ids.items() if n > 1] == [], url
        assert [i for i in fields.inputs if i not in fields.label_for] == [], url
    html = client.get("/dashboard/").content.decode()
    assert 'href="/quan-tri/"' in html
    assert "/admin/" not in html
    users = client.get("/quan-tri/nguoi-dung/?q=Một").content.decode()
    assert "motcua" in users and "truongphong" not in users


def test_create_user_shows_the_temporary_password_once(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    response = client.post(
        "/quan-tri/nguoi-dung/them/",
        {"username": "canbomoi", "full_name": "Cán Bộ Mới", "agency": demo.department.pk},
    )
    assert response.status_code == 201
    html = response.content.decode()
    assert "Mật khẩu tạm thời" in html
    user = User.objects.get(username="canbomoi")
    password = response.context["temporary_password"]
    assert user.check_password(password)
    assert password not in client.get(f"/quan-tri/nguoi-dung/{user.pk}/").content.decode()


def test_bad_input_is_a_400_naming_the_field(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    response = client.post(
        "/quan-tri/nguoi-dung/them/",
        {"username": "motcua", "full_name": "Trùng", "password": "Kh0ng-de-doan-2026"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"]
    response = client.post(
        f"/quan-tri/nguoi-dung/{demo.user('motcua').pk}/kich-hoat/0/", {"state-version": "abc"}
    )
    assert response.status_code == 400


def test_stale_form_is_a_409_and_changes_nothing(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    target = demo.user("motcua")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target.pk}/kich-hoat/0/", {"state-version": target.version + 1}
    )
    assert response.status_code == 409
    assert "đã được người khác thay đổi" in response.content.decode()
    assert User.objects.get(pk=target.pk).is_active


def test_admin_grants_and_removes_a_unit_role_through_the_pages(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    target = demo.user("tuphap")
    unit = Unit.objects.get(agency=demo.department, code="BCVT")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target.pk}/vai-tro/",
        {"role-role": "specialist", "role-agency": demo.department.pk, "role-unit": unit.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target, unit=unit)
    response = client.post(f"/quan-tri/vai-tro/{assignment.pk}/xoa/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_role_in_a_foreign_unit_is_refused_on_the_unit_field(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    target = demo.user("tuphap")
    unit = Unit.objects.get(agency=demo.department, code="BCVT")
    response = client.post(
        f"/quan-tri/nguoi-dung/{target.pk}/vai-tro/",
        {"role-role": "specialist", "role-agency": demo.other.pk, "role-unit": unit.pk},
    )
    assert response.status_code == 400
    assert response.context["role_form"].errors["unit"]


def test_admin_adds_a_unit_and_a_predecessor(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    url = f"/quan-tri/co-quan/{demo.other.pk}/"
    response = client.post(
        f"{url}don-vi/", {"unit-code": "HCTP", "unit-name": "Phòng Hành chính tư pháp"}
    )
    assert response.status_code == 302
    assert Unit.objects.filter(agency=demo.other, code="HCTP").exists()
    response = client.post(
        f"{url}tien-than/",
        {
            "predecessor-predecessor": demo.department.pk,
            "predecessor-effective_on": "2025-03-01",
            "predecessor-legal_basis": "Quyết định số 1/QĐ-UBND",
        },
    )
    assert response.status_code == 302
    link = AgencyPredecessor.objects.get(successor=demo.other)
    assert link.predecessor == demo.department
    page = client.get(url).content.decode()
    assert "01/03/2025" in page and "Quyết định số 1/QĐ-UBND" in page
    tree = client.get("/quan-tri/co-quan/").content.decode()
    assert f"Cơ quan tiền thân: {demo.department.name}" in tree


def test_admin_creates_and_edits_an_agency_and_a_stale_edit_is_a_409(
    client: Client, demo: Any
) -> None:
    client.force_login(demo.user("quantri"))
    response = client.post(
        "/quan-tri/co-quan/them/",
        {"code": "000.00.16.H26", "name": "Sở Khoa học và Công nghệ", "level": "department"},
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="000.00.16.H26")
    form = {
        "version": 1,
        "code": agency.code,
        "name": agency.name,
        "level": "department",
        "parent": demo.city.pk,
    }
    assert client.post(f"/quan-tri/co-quan/{agency.pk}/sua/", form).status_code == 302
    assert Agency.objects.get(pk=agency.pk).parent == demo.city
    response = client.post(f"/quan-tri/co-quan/{agency.pk}/sua/", form | {"name": "Cũ"})
    assert response.status_code == 409
    assert Agency.objects.get(pk=agency.pk).name == "Sở Khoa học và Công nghệ"


def test_admin_renames_and_deactivates_a_unit_through_the_pages(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    unit = Unit.objects.get(agency=demo.department, code="CNTT")
    url = f"/quan-tri/don-vi/{unit.pk}/"
    edit = {"unit-version": 1, "unit-code": "CNTT", "unit-name": "Phòng Chuyển đổi số"}
    assert client.post(url, edit).status_code == 302
    assert client.post(url, edit).status_code == 409  # the form read version 1
    assert client.post(f"{url}kich-hoat/0/", {"state-version": 2}).status_code == 302
    assert client.post(f"{url}kich-hoat/7/", {"state-version": 3}).status_code == 404
    unit.refresh_from_db()
    assert (unit.name, unit.is_active, unit.version) == ("Phòng Chuyển đổi số", False, 3)


def test_admin_edits_a_user_and_resets_the_password(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    target = demo.user("vanthu")
    url = f"/quan-tri/nguoi-dung/{target.pk}/"
    edit = {"version": 1, "full_name": "Lý Thị Văn Thư", "email": "", "phone": "0912345678"}
    assert client.post(f"{url}sua/", edit).status_code == 302
    response = client.post(f"{url}mat-khau/", {"password-version": 2})
    assert response.status_code == 200
    password = response.context["temporary_password"]
    target.refresh_from_db()
    assert target.full_name == "Lý Thị Văn Thư" and target.check_password(password)
    weak = client.post(f"{url}mat-khau/", {"password-version": 3, "password-password": "123"})
    assert weak.status_code == 400
    assert weak.context["password_form"].errors["password"]


def test_admin_removes_a_predecessor(client: Client, demo: Any) -> None:
    link = services.agency_predecessor_add(
        actor=demo.user("quantri"),
        agency=demo.other,
        predecessor=demo.department,
        effective_on=None,
        legal_basis="",
    )
    client.force_login(demo.user("quantri"))
    assert client.post(f"/quan-tri/tien-than/{link.pk}/xoa/").status_code == 302
    assert not AgencyPredecessor.objects.filter(pk=link.pk).exists()

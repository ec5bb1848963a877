from __future__ import annotations

from typing import Any

import pytest

from isogov.accounts import selectors
from isogov.accounts.models import Agency
from isogov.accounts.services import agency_create
from isogov.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_officer_sees_only_own_agency(demo: Any) -> None:
    officer = demo.user("motcua")
    codes = set(selectors.agency_list(user=officer).values_list("code", flat=True))
    assert codes == {demo.department.code}


def test_officer_of_other_agency_gets_404_for_this_agency(demo: Any) -> None:
    with pytest.raises(NotFound):
        selectors.agency_get(user=demo.user("tuphap"), code=demo.department.code)
    assert (
        selectors.agency_get(user=demo.user("motcua"), code=demo.department.code) == demo.department
    )


def test_missing_and_forbidden_look_the_same(demo: Any) -> None:
    officer = demo.user("tuphap")
    with pytest.raises(NotFound) as missing:
        selectors.agency_get(user=officer, code="no-such-code")
    with pytest.raises(NotFound) as forbidden:
        selectors.agency_get(user=officer, code=demo.department.code)
    assert str(missing.value) == str(forbidden.value)


def test_units_and_users_are_scoped_to_the_agency(demo: Any) -> None:
    officer = demo.user("tuphap")
    assert set(selectors.unit_list(user=officer).values_list("agency__code", flat=True)) == {
        demo.other.code
    }
    usernames = set(selectors.user_list(user=officer).values_list("username", flat=True))
    assert usernames == {"tuphap"}


def test_city_leader_sees_every_agency_below_the_city(demo: Any) -> None:
    ward = agency_create(
        actor=None, code="W1", name="Phường Hồng Bàng", level="commune", parent=demo.city
    )
    street = agency_create(actor=None, code="W1-1", name="Tổ dân phố 1", level="other", parent=ward)
    outsider = agency_create(actor=None, code="X", name="Tỉnh khác", level="province")
    visible = set(selectors.agency_list(user=demo.user("thanhpho")).values_list("code", flat=True))
    assert {
        demo.city.code,
        demo.department.code,
        demo.other.code,
        ward.code,
        street.code,
    } <= visible
    assert outsider.code not in visible


def test_system_admin_sees_everything(demo: Any) -> None:
    assert selectors.agency_list(user=demo.user("quantri")).count() == Agency.objects.count()


def test_unit_head_scope_names_the_unit(demo: Any) -> None:
    scope = selectors.user_scope(user=demo.user("truongphong"))
    assert scope.unit_ids and not scope.is_global
    assert scope.agency_ids == frozenset({demo.department.id})


def test_inactive_user_sees_nothing(demo: Any) -> None:
    user = demo.user("motcua")
    user.is_active = False
    user.save()
    assert selectors.agency_list(user=user).count() == 0

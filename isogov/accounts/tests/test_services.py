"""Administration services: each success beside its failure twin (role, input, stale version)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import authenticate

from isogov.accounts import services
from isogov.accounts.models import Agency, AgencyPredecessor, RoleAssignment, Unit, User
from isogov.accounts.roles import Role
from isogov.audit.models import AuditEvent
from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

STRONG = "Kh0ng-de-doan-2026"


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _new_user(demo: Any, username: str = "nhanvien") -> User:
    return services.user_create(
        actor=demo.user("quantri"),
        username=username,
        password=STRONG,
        full_name="Trịnh Văn Mới",
        agency=demo.department,
    )


# --- Users ----------------------------------------------------------------------------------


def test_admin_creates_a_user_who_can_sign_in_and_it_is_audited(demo: Any) -> None:
    user = _new_user(demo)
    assert authenticate(username="nhanvien", password=STRONG) == user
    assert not user.is_staff and not user.is_superuser
    event = _events("user.create")[-1]
    assert event.actor_label == "quantri"
    assert event.object_id == str(user.pk)


def test_officer_cannot_create_a_user(demo: Any) -> None:
    with pytest.raises(PermissionDenied) as error:
        services.user_create(
            actor=demo.user("lanhdao"),
            username="x",
            password=STRONG,
            full_name="X",
            agency=demo.department,
        )
    assert error.value.message == services.NOT_SYSTEM_ADMIN
    assert not User.objects.filter(username="x").exists()
    assert not AuditEvent.objects.filter(action="user.create", after__username="x").exists()


def test_duplicate_username_and_weak_password_are_refused_by_field(demo: Any) -> None:
    with pytest.raises(ValidationFailed) as duplicate:
        services.user_create(
            actor=demo.user("quantri"),
            username="motcua",
            password=STRONG,
            full_name="Trùng",
            agency=None,
        )
    assert "username" in duplicate.value.details
    with pytest.raises(ValidationFailed) as weak:
        services.user_create(
            actor=demo.user("quantri"), username="yeu", password="123", full_name="Y", agency=None
        )
    assert "password" in weak.value.details
    assert not User.objects.filter(username="yeu").exists()


def test_temporary_password_is_generated_and_works_once_given(demo: Any) -> None:
    user, password = services.user_create_with_temporary_password(
        actor=demo.user("quantri"), username="tamthoi", full_name="Tạm Thời", agency=None
    )
    assert len(password) == 12
    assert authenticate(username="tamthoi", password=password) == user


def test_admin_deactivates_and_reactivates_a_user(demo: Any) -> None:
    admin = demo.user("quantri")
    user = _new_user(demo)
    user = services.user_set_active(actor=admin, user=user, version=1, is_active=False)
    assert (user.is_active, user.version) == (False, 2)
    assert authenticate(username="nhanvien", password=STRONG) is None
    services.user_set_active(actor=admin, user=user, version=2, is_active=True)
    assert User.objects.get(pk=user.pk).is_active
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(user.pk))][-2:] == [
        "user.deactivate",
        "user.activate",
    ]


def test_stale_deactivation_is_a_conflict_and_changes_nothing(demo: Any) -> None:
    admin = demo.user("quantri")
    user = _new_user(demo)
    services.user_update(
        actor=admin, user=user, version=1, full_name="Đổi tên", email="", phone="", agency=None
    )
    with pytest.raises(ConflictError):
        services.user_set_active(actor=admin, user=user, version=1, is_active=False)
    assert User.objects.get(pk=user.pk).is_active


def test_admin_cannot_deactivate_themselves_nor_can_an_officer(demo: Any) -> None:
    admin = demo.user("quantri")
    with pytest.raises(ValidationFailed) as own:
        services.user_set_active(actor=admin, user=admin, version=admin.version, is_active=False)
    assert own.value.details == {"is_active": [str(services.CANNOT_DEACTIVATE_SELF)]}
    target = demo.user("motcua")
    with pytest.raises(PermissionDenied):
        services.user_set_active(
            actor=demo.user("lanhdao"), user=target, version=target.version, is_active=False
        )
    assert User.objects.get(username="motcua").is_active


def test_password_reset_generates_or_sets_and_never_audits_the_password(demo: Any) -> None:
    admin = demo.user("quantri")
    user = _new_user(demo)
    user, generated = services.user_reset_password(actor=admin, user=user, version=1)
    assert authenticate(username="nhanvien", password=generated) == user
    user, chosen = services.user_reset_password(
        actor=admin, user=user, version=2, password="Mat-khau-moi-2026"
    )
    assert chosen == "Mat-khau-moi-2026"
    assert authenticate(username="nhanvien", password=chosen) == user
    events = _events("user.password_reset")
    assert [e.after for e in events] == [{"generated": True}, {"generated": False}]


def test_password_reset_refuses_weak_stale_and_non_admin(demo: Any) -> None:
    admin = demo.user("quantri")
    user = _new_user(demo)
    with pytest.raises(ValidationFailed) as weak:
        services.user_reset_password(actor=admin, user=user, version=1, password="12345678")
    assert "password" in weak.value.details
    with pytest.raises(ConflictError):
        services.user_reset_password(actor=admin, user=user, version=7)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=demo.user("motcua"), user=user, version=1)
    assert authenticate(username="nhanvien", password=STRONG) == user


# --- Roles ----------------------------------------------------------------------------------


def test_admin_grants_a_unit_role_and_removes_it(demo: Any) -> None:
    admin = demo.user("quantri")
    user = _new_user(demo)
    unit = Unit.objects.get(agency=demo.department, code="BCXB")
    assignment = services.role_assign(
        actor=admin, user=user, role=Role.SPECIALIST, agency=demo.department, unit=unit
    )
    assert _events("role.assign")[-1].after == {
        "user": "nhanvien",
        "role": "specialist",
        "unit": "BCXB",
    }
    services.role_remove(actor=admin, assignment=assignment)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert _events("role.remove")[-1].before["role"] == "specialist"


def test_role_in_a_unit_of_another_agency_or_twice_is_refused(demo: Any) -> None:
    admin = demo.user("quantri")
    user = _new_user(demo)
    foreign = Unit.objects.get(agency=demo.other, code="MC")
    with pytest.raises(ValidationFailed) as other:
        services.role_assign(
            actor=admin, user=user, role=Role.SPECIALIST, agency=demo.department, unit=foreign
        )
    assert other.value.details == {"unit": [str(services.UNIT_OF_OTHER_AGENCY)]}
    services.role_assign(actor=admin, user=user, role=Role.AGENCY_LEADER, agency=demo.department)
    with pytest.raises(ValidationFailed):
        services.role_assign(
            actor=admin, user=user, role=Role.AGENCY_LEADER, agency=demo.department
        )
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_officer_cannot_grant_or_remove_roles(demo: Any) -> None:
    leader = demo.user("lanhdao")
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=leader, user=leader, role=Role.SYSTEM_ADMIN, agency=demo.department
        )
    assignment = RoleAssignment.objects.get(user__username="motcua")
    with pytest.raises(PermissionDenied):
        services.role_remove(actor=leader, assignment=assignment)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_admin_cannot_remove_their_own_admin_role(demo: Any) -> None:
    admin = demo.user("quantri")
    own = RoleAssignment.objects.get(user=admin, role=Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationFailed):
        services.role_remove(actor=admin, assignment=own)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


# --- Units ----------------------------------------------------------------------------------


def test_admin_edits_and_deactivates_a_unit(demo: Any) -> None:
    admin = demo.user("quantri")
    unit = services.unit_create(actor=admin, agency=demo.department, code="KHTC", name="Kế hoạch")
    unit = services.unit_update(
        actor=admin,
        unit=unit,
        version=1,
        code="KHTC",
        name="Phòng Kế hoạch – Tài chính",
        is_one_stop=False,
    )
    unit = services.unit_set_active(actor=admin, unit=unit, version=2, is_active=False)
    assert (unit.name, unit.is_active, unit.version) == ("Phòng Kế hoạch – Tài chính", False, 3)
    assert _events("unit.update")[-1].before["name"] == "Kế hoạch"
    assert _events("unit.deactivate")[-1].object_id == str(unit.pk)
    with pytest.raises(ValidationFailed) as inactive:
        services.role_assign(
            actor=admin,
            user=demo.user("motcua"),
            role=Role.SPECIALIST,
            agency=demo.department,
            unit=unit,
        )
    assert inactive.value.details == {"unit": [str(services.UNIT_INACTIVE)]}


def test_unit_edit_refuses_stale_duplicate_and_non_admin(demo: Any) -> None:
    admin = demo.user("quantri")
    unit = Unit.objects.get(agency=demo.department, code="CNTT")
    with pytest.raises(ConflictError):
        services.unit_update(
            actor=admin,
            unit=unit,
            version=unit.version + 1,
            code="CNTT",
            name="X",
            is_one_stop=False,
        )
    with pytest.raises(ValidationFailed):
        services.unit_update(
            actor=admin,
            unit=unit,
            version=unit.version,
            code="MC",
            name="Trùng mã",
            is_one_stop=False,
        )
    with pytest.raises(PermissionDenied):
        services.unit_set_active(
            actor=demo.user("lanhdao"), unit=unit, version=unit.version, is_active=False
        )
    assert Unit.objects.get(pk=unit.pk).name == "Phòng Công nghệ thông tin"
    assert Unit.objects.get(pk=unit.pk).is_active


# --- Agencies and predecessors --------------------------------------------------------------


def _agency_fields(agency: Any) -> dict[str, Any]:
    return {f: getattr(agency, f) for f in services.AGENCY_FIELDS}


def test_admin_records_a_predecessor_with_date_and_legal_basis(demo: Any) -> None:
    admin = demo.user("quantri")
    merged = services.agency_create(
        actor=admin, code="000.00.16.H26", name="Sở Khoa học và Công nghệ", parent=demo.city
    )
    link = services.agency_predecessor_add(
        actor=admin,
        agency=merged,
        predecessor=demo.department,
        effective_on=dt.date(2025, 3, 1),
        legal_basis="Nghị quyết số 01/NQ-HĐND",
    )
    assert list(merged.predecessors.all()) == [demo.department]
    assert list(demo.department.successors.all()) == [merged]
    assert link.effective_on == dt.date(2025, 3, 1)
    assert _events("agency.predecessor_add")[-1].after["legal_basis"] == "Nghị quyết số 01/NQ-HĐND"
    services.agency_predecessor_remove(actor=admin, link=link)
    assert not AgencyPredecessor.objects.filter(pk=link.pk).exists()


def test_predecessor_refuses_itself_twice_and_non_admin(demo: Any) -> None:
    admin = demo.user("quantri")
    with pytest.raises(ValidationFailed):
        services.agency_predecessor_add(
            actor=admin,
            agency=demo.other,
            predecessor=demo.other,
            effective_on=None,
            legal_basis="",
        )
    services.agency_predecessor_add(
        actor=admin,
        agency=demo.other,
        predecessor=demo.department,
        effective_on=None,
        legal_basis="",
    )
    with pytest.raises(ValidationFailed):
        services.agency_predecessor_add(
            actor=admin,
            agency=demo.other,
            predecessor=demo.department,
            effective_on=None,
            legal_basis="",
        )
    with pytest.raises(PermissionDenied):
        services.agency_predecessor_add(
            actor=demo.user("thanhpho"),
            agency=demo.city,
            predecessor=demo.other,
            effective_on=None,
            legal_basis="",
        )
    assert AgencyPredecessor.objects.filter(successor=demo.other).count() == 1
    assert not AgencyPredecessor.objects.filter(successor=demo.city).exists()


def test_admin_edits_an_agency_and_a_stale_or_cyclic_edit_fails(demo: Any) -> None:
    admin = demo.user("quantri")
    fields = _agency_fields(demo.other) | {"short_name": "STP"}
    agency = services.agency_update(actor=admin, agency=demo.other, version=1, **fields)
    assert (agency.short_name, agency.version) == ("STP", 2)
    assert _events("agency.update")[-1].after["short_name"] == "STP"
    with pytest.raises(ConflictError):
        services.agency_update(actor=admin, agency=agency, version=1, **fields)
    cyclic = _agency_fields(demo.city) | {"parent": demo.other}
    with pytest.raises(ValidationFailed) as cycle:
        services.agency_update(actor=admin, agency=demo.city, version=1, **cyclic)
    assert cycle.value.details == {"parent": [str(services.PARENT_CYCLE)]}
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=demo.user("thanhpho"), agency=agency, version=2, **fields)


def test_the_demo_department_keeps_the_merged_department_as_its_predecessor(demo: Any) -> None:
    from isogov.accounts.demo import MERGED_ON, PREDECESSOR_NAME, seed_demo

    link = AgencyPredecessor.objects.get(successor=demo.department)
    assert (
        link.predecessor.name
        == PREDECESSOR_NAME
        == "Sở Thông tin và Truyền thông thành phố Hải Phòng"
    )
    assert link.effective_on == MERGED_ON == dt.date(2025, 3, 1)
    assert link.predecessor.valid_to == dt.date(2025, 2, 28)
    assert demo.department.name == "Sở Khoa học và Công nghệ thành phố Hải Phòng"
    seed_demo()  # idempotent: no second agency, no second link
    assert AgencyPredecessor.objects.filter(successor=demo.department).count() == 1
    assert Agency.objects.filter(name=PREDECESSOR_NAME).count() == 1

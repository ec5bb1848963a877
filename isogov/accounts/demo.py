"""Demo agencies, units and one user per role. Codes are illustrative, not official ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from .models import Agency, AgencyLevel, AgencyPredecessor, RoleAssignment, Unit, User
from .roles import Role
from .services import (
    agency_create,
    agency_predecessor_add,
    role_assign,
    unit_create,
    user_create,
)

DEMO_PASSWORD = "isogov-demo"  # noqa: S105 - printed for demo sign-in, documented in README

CITY = ("000.00.00.H26", "Ủy ban nhân dân thành phố Hải Phòng", AgencyLevel.PROVINCE)
# [A] Since 1/3/2025 the Department of Information and Communications is merged into the
# Department of Science and Technology (docs/demo.md); the code is kept, not confirmed.
DEPARTMENT = ("000.00.15.H26", "Sở Khoa học và Công nghệ thành phố Hải Phòng")
# The merged department, kept as the new one's predecessor (docs/demo.md). [A] Its code is
# illustrative and the Hải Phòng decision that merged it is not confirmed: the link names the
# reorganisation and its date (1/3/2025, reported nationally), not a decision number.
PREDECESSOR = ("000.00.15.H26.TTTT", "Sở Thông tin và Truyền thông thành phố Hải Phòng")
PREDECESSOR_NAME = PREDECESSOR[1]
MERGED_ON = dt.date(2025, 3, 1)
MERGER_BASIS = "Sắp xếp tổ chức bộ máy năm 2025 (số quyết định của thành phố chưa xác minh)"
OTHER = ("000.00.19.H26", "Sở Tư pháp thành phố Hải Phòng")
UNITS = [
    ("VP", "Văn phòng Sở", False),
    ("MC", "Bộ phận Một cửa", True),
    ("BCXB", "Phòng Báo chí – Xuất bản", False),
    ("BCVT", "Phòng Bưu chính – Viễn thông", False),
    ("CNTT", "Phòng Công nghệ thông tin", False),
]
# username, full name, role, unit code (None: the whole agency)
USERS = [
    ("quantri", "Nguyễn Văn Quản", Role.SYSTEM_ADMIN, None),
    ("lanhdao", "Trần Thị Lãnh", Role.AGENCY_LEADER, None),
    ("truongphong", "Lê Văn Trưởng", Role.UNIT_HEAD, "BCXB"),
    ("motcua", "Phạm Thị Một", Role.ONE_STOP_OFFICER, "MC"),
    ("tiepnhan", "Vũ Thị Tiếp", Role.ONE_STOP_OFFICER, "MC"),
    ("chuyenvien", "Hoàng Văn Chuyên", Role.SPECIALIST, "BCXB"),
    ("vanthu", "Lý Thị Văn", Role.SPECIALIST, "VP"),
    ("vienthong", "Đinh Văn Thông", Role.SPECIALIST, "BCVT"),
    ("thuky", "Đặng Thị Thư", Role.ISO_SECRETARY, None),
    ("danhgia", "Vũ Văn Đánh", Role.INTERNAL_AUDITOR, None),
    ("hdnd", "Bùi Thị Hội", Role.COUNCIL_STAFF, None),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency: str


def _agency(
    code: str, name: str, level: str, parent: Agency | None, valid_to: dt.date | None = None
) -> Agency:
    existing = Agency.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return agency_create(
        actor=None, code=code, name=name, level=level, parent=parent, valid_to=valid_to
    )


def _unit(agency: Agency, code: str, name: str, is_one_stop: bool) -> Unit:
    existing = Unit.objects.filter(agency=agency, code=code).first()
    if existing is not None:
        return existing
    return unit_create(actor=None, agency=agency, code=code, name=name, is_one_stop=is_one_stop)


def _user(username: str, full_name: str, agency: Agency, role: str, unit: Unit | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            agency=agency,
            email=f"{username}@demo.isogov.vn",
        )
    if not RoleAssignment.objects.filter(user=user, role=role, agency=agency, unit=unit).exists():
        role_assign(actor=None, user=user, role=role, agency=agency, unit=unit)
    return user


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    """Create (once) the demo agencies, units and accounts; return the accounts."""
    city = _agency(*CITY, parent=None)
    department = _agency(*DEPARTMENT, level=AgencyLevel.DEPARTMENT, parent=city)
    merged = _agency(
        *PREDECESSOR,
        level=AgencyLevel.DEPARTMENT,
        parent=city,
        valid_to=MERGED_ON - dt.timedelta(days=1),
    )
    if not AgencyPredecessor.objects.filter(successor=department, predecessor=merged).exists():
        agency_predecessor_add(
            actor=None,
            agency=department,
            predecessor=merged,
            effective_on=MERGED_ON,
            legal_basis=MERGER_BASIS,
        )
    other = _agency(*OTHER, level=AgencyLevel.DEPARTMENT, parent=city)
    units = {code: _unit(department, code, name, one_stop) for code, name, one_stop in UNITS}
    other_desk = _unit(other, "MC", "Bộ phận Một cửa", True)
    accounts = []
    for username, full_name, role, unit_code in USERS:
        _user(username, full_name, department, role, units.get(unit_code) if unit_code else None)
        accounts.append(DemoAccount(username, role, department.name))
    _user("thanhpho", "Ngô Văn Thành", city, Role.CITY_LEADER, None)
    accounts.append(DemoAccount("thanhpho", Role.CITY_LEADER, city.name))
    _user("tuphap", "Đỗ Thị Pháp", other, Role.ONE_STOP_OFFICER, other_desk)
    accounts.append(DemoAccount("tuphap", Role.ONE_STOP_OFFICER, other.name))
    return accounts

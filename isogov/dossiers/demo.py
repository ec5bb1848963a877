"""Demo history: the demo department's last 60 working days of dossiers, written through the
services with the clock moved back (``clock.as_of``), each action by the officer the action
table names. ``isogov seed-demo`` runs it once; a second run finds the demo dossiers and stops.

Every applicant, phone number and address is invented; the e-mail addresses use the reserved
``.example`` domain (RFC 2606), which is also how a demo dossier is recognised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from isogov.accounts.models import Agency, User
from isogov.core import clock
from isogov.workcal.engine import WorkingCalendar
from isogov.workcal.selectors import calendar_for

from . import services
from .models import Dossier
from .permissions import Held, action_refusal, held_roles
from .transitions import BY_NAME, Status

DEMO_DOMAIN = "vidu.example"
WORKING_DAYS = 60
HOUR_US = 3_600_000_000
# The demo officers in the order they are asked whether the action table lets them act.
OFFICERS = ("motcua", "tiepnhan", "truongphong", "chuyenvien", "vanthu", "vienthong", "lanhdao")
CFS = "1.014464"

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN = (
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Quốc Dũng",
    "Thu Hà",
    "Đức Hải",
    "Thị Lan",
    "Văn Long",
    "Thanh Mai",
    "Hữu Nam",
    "Thị Ngọc",
    "Văn Phúc",
)
COMPANIES = (
    "Công ty TNHH Sách và Thiết bị giáo dục Cảng Biển",
    "Công ty cổ phần In Hải Phòng",
    "Công ty TNHH Truyền thông Đồ Sơn",
    "Nhà sách Tiền Phong chi nhánh Hải Phòng",
)
STREETS = (
    "Lạch Tray, Ngô Quyền",
    "Trần Phú, Ngô Quyền",
    "Lê Lợi, Ngô Quyền",
    "Tô Hiệu, Lê Chân",
    "Điện Biên Phủ, Hồng Bàng",
    "Văn Cao, Hải An",
)
PROCEDURES = (CFS, CFS, CFS, "1.014465", "2.001171", "1.003868", "2.001740")
SUMMARIES = {
    CFS: "Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    "1.014465": "Cấp lại giấy chứng nhận CFS do thay đổi tên sản phẩm",
    "2.001171": "Đề nghị cho phép họp báo giới thiệu sản phẩm",
    "1.003868": "Xuất bản tài liệu không kinh doanh (kỷ yếu)",
    "2.001740": "Xác nhận đăng ký hoạt động cơ sở in",
}

# One plan per fate: (working hours after receipt, action, data). "complete" finishes the
# current step (skipped once the dossier waits at the desk for its return). The CFS process has
# 8 steps: 7 completions bring the result to the desk.
Plan = tuple[tuple[float, str, dict[str, Any]], ...]


def _completions(start: float, pace: float, count: int = 7) -> Plan:
    return tuple((start + pace * i, "complete", {}) for i in range(count))


RESULT: Plan = (
    (0.1, "record", {}),
    (0.3, "approve_result", {}),
)
SUPPLEMENT: dict[str, Any] = {
    "reason": "Thiếu bản sao giấy phép xuất bản của sản phẩm đề nghị cấp CFS",
    "items": ["Bản sao giấy phép xuất bản (có chứng thực)"],
}


def _then(plan: Plan, after: float, tail: Plan) -> Plan:
    return plan + tuple((after + hours, action, data) for hours, action, data in tail)


RETURNED = _then(_then(_completions(0.5, 2), 13, RESULT), 15, ((0, "return_result", {}),))
FINISHED = _then(_completions(0.5, 2), 13, RESULT)
PLANS: dict[str, Plan] = {
    "returned": RETURNED,
    "finished": FINISHED,
    "at_desk": (),
    "at_head": _completions(0.5, 2, 1),
    "at_specialist": _completions(0.5, 1, 2),
    "at_signer": _completions(0.5, 1.5, 4),
    "supplement": (*_completions(0.5, 1, 2), (4, "request_supplement", SUPPLEMENT)),
    "supplement_done": (
        *_completions(0.5, 1, 2),
        (4, "request_supplement", SUPPLEMENT),
        (20, "supplement_received", {}),
        *_then(_then(_completions(21, 2, 5), 31, RESULT), 33, ((0, "return_result", {}),)),
    ),
    "apology": (
        *_completions(0.5, 1, 2),
        (3, "apologise", {"reason": "Chờ ý kiến phối hợp của Sở Văn hóa, Thể thao và Du lịch"}),
        *_then(_then(_completions(8, 4, 5), 27, RESULT), 28, ((0, "return_result", {}),)),
    ),
}


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: bool


def _fate(age: int, index: int) -> str:
    """The fate of the dossier received ``age`` working days ago (0: today)."""
    if age >= 8:
        for every, fate in ((11, "at_specialist"), (7, "supplement_done"), (5, "apology")):
            if index % every == 0:
                return fate  # every eleventh one is stuck with the specialist: late
        return "returned"
    if age >= 4:
        return ("returned", "finished", "apology", "returned")[index % 4]
    recent = ("at_desk", "at_head", "at_specialist", "supplement", "at_signer", "finished")
    return recent[index % len(recent)]


def demo_applicant(index: int) -> services.ApplicantInput:
    street = STREETS[index % len(STREETS)]
    address = f"Số {index % 90 + 1} {street}, thành phố Hải Phòng"
    if index % 4 == 3:
        name = COMPANIES[index // 4 % len(COMPANIES)]
        return services.ApplicantInput(
            name=name,
            kind="organisation",
            id_number=f"0200{index:06d}",  # a 10-digit tax code
            address=address,
            phone=f"0225 3{index % 100:02d} {index % 10000:04d}",
            email=f"vanthu{index}@{DEMO_DOMAIN}",
            representative_name=f"{FAMILY[index % 10]} {GIVEN[(index + 3) % 12]}",
        )
    return services.ApplicantInput(
        name=f"{FAMILY[index % 10]} {GIVEN[index % 12]}",
        id_number=f"0311{85 + index % 15:02d}{index:06d}",  # Hải Phòng, born 1985–1999
        address=address,
        phone=f"09{index % 10}{1000000 + index * 7919 % 9000000:07d}",
        email=f"congdan{index}@{DEMO_DOMAIN}",
    )


@dataclass(frozen=True)
class Officer:
    user: User
    held: Held


def demo_officers(*, agency: Agency) -> list[Officer]:
    """The demo officers of ``agency`` with the roles they hold there (read once)."""
    users = {user.username: user for user in User.objects.filter(username__in=OFFICERS)}
    return [
        Officer(users[name], held_roles(user=users[name], agency=agency))
        for name in OFFICERS
        if name in users
    ]


def officer_for(dossier: Dossier, action: str, officers: list[Officer]) -> User:
    """The first demo officer the action table lets take ``action`` on ``dossier`` now (the
    non-test twin of ``officer_for`` in ``dossiers/tests/conftest.py``)."""
    rule = BY_NAME[action]
    step = dossier.current_step
    for officer in officers:
        user = officer.user
        refusal = action_refusal(rule, dossier=dossier, held=officer.held, actor=user, step=step)
        if refusal is None:
            return user
    raise LookupError(f"no demo officer may {action} on {dossier.code} ({dossier.status})")


def _data(action: str, dossier: Dossier, calendar: WorkingCalendar, data: dict[str, Any]) -> Any:
    if action == "record":
        return {
            "number": f"{dossier.register_line}/GCN-SKHCN",
            "summary": "Cấp theo đề nghị",
            "signer": "Trần Thị Lãnh",
        }
    if action == "apologise" and dossier.promised_due_at is not None:
        return {
            **data,
            "new_due_at": calendar.add_working_us(dossier.promised_due_at, 16 * HOUR_US),
        }
    if action == "return_result":
        return {"method": "at_desk"}
    return data


SERVICES: dict[str, Callable[..., Dossier]] = {
    "complete": services.dossier_step_complete,
    "record": services.dossier_record_result,
    "approve_result": services.dossier_approve_result,
    "return_result": services.dossier_return_result,
    "request_supplement": services.dossier_request_supplement,
    "supplement_received": services.dossier_supplement_received,
    "apologise": services.dossier_apologise,
}
TABLE_NAME = {"complete": "complete_step", "record": "record_result"}


def _walk(
    dossier: Dossier,
    plan: Plan,
    *,
    calendar: WorkingCalendar,
    officers: list[Officer],
    until: dt.datetime,
) -> None:
    assert dossier.received_at is not None
    for hours, action, data in plan:
        at = calendar.add_working_us(dossier.received_at, int(hours * HOUR_US))
        if at > until:
            return  # what is planned after now has not happened yet
        dossier.refresh_from_db()
        if action == "complete" and dossier.status == Status.FINISHED:
            continue
        with clock.as_of(at):
            user = officer_for(dossier, TABLE_NAME.get(action, action), officers)
            SERVICES[action](
                actor=user,
                code=dossier.code,
                version=dossier.version,
                **_data(action, dossier, calendar, data),
            )


def demo_dossier_count(*, agency: Agency) -> int:
    return Dossier.objects.filter(
        agency=agency, applicant_email__endswith=f"@{DEMO_DOMAIN}"
    ).count()


@transaction.atomic
def seed_dossiers(*, agency: Agency, days: int = WORKING_DAYS) -> SeedResult:
    """Receive and work the demo dossiers of the last ``days`` working days (once)."""
    if demo_dossier_count(agency=agency):
        return SeedResult(created=0, skipped=True)
    officers = demo_officers(agency=agency)
    desk = officers[0].user
    calendar = calendar_for(agency=agency)
    until = clock.now()
    today = clock.to_local(until).date()
    last = today if calendar.is_working_day(today) else calendar.working_day_before(today, 1)
    dates = [last, *(calendar.working_day_before(last, n) for n in range(1, days))]
    created = 0
    for age, date in enumerate(dates):
        if age >= 8 and age % 2:
            continue  # older history every other working day keeps the seeding to seconds
        for slot in range(2 if age < 4 else 1):
            index = len(dates) * 2 - age * 2 - slot  # the oldest first, one number each
            received_at = dt.datetime.combine(
                date, dt.time(8, 5 + 17 * (index % 3)), tzinfo=clock.LOCAL_TZ
            )
            if received_at > until or not calendar.in_working_time(received_at):
                continue
            procedure = PROCEDURES[index % len(PROCEDURES)]
            fate = _fate(age, index)
            if procedure != CFS and fate not in {"returned", "finished"}:
                procedure = CFS
            data = services.IntakeInput(
                agency=agency,
                procedure_code=procedure,
                channel_kind="in_person",
                applicant=demo_applicant(index),
                papers=[services.PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
                request_summary=SUMMARIES[procedure],
            )
            with clock.as_of(received_at):
                dossier = services.dossier_receive(actor=desk, data=data)
            _walk(dossier, PLANS[fate], calendar=calendar, officers=officers, until=until)
            created += 1
    return SeedResult(created=created, skipped=False)

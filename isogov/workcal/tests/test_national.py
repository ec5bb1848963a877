"""National day overrides: a system administrator decides a date for every agency at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from isogov.audit.models import AuditEvent
from isogov.core.errors import ConflictError, PermissionDenied
from isogov.workcal.engine import DayType
from isogov.workcal.models import NationalCalendar, NationalDayOverride
from isogov.workcal.selectors import calendar_for
from isogov.workcal.services import (
    calendar_override_create,
    calendar_settings_update,
    national_override_delete,
    national_override_set,
)

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))
CULTURE_DAY = dt.date(2026, 11, 24)  # a Tuesday
BASIS = "Bộ luật Lao động 2019 điều 112 (chưa sửa đổi): 24/11 không phải ngày nghỉ lễ."
FORM = {
    "version": "1",
    "date": "2026-11-24",
    "kind": "working_day",
    "name": "Ngày Văn hóa Việt Nam (làm việc bình thường)",
    "legal_basis": BASIS,
}


def _working_day(actor: Any = None, version: int = 1) -> NationalDayOverride:
    return national_override_set(
        actor=actor,
        version=version,
        date=CULTURE_DAY,
        kind="working_day",
        name="Ngày Văn hóa Việt Nam (làm việc bình thường)",
        legal_basis=BASIS,
    )


def _stored() -> tuple[int, int, int]:
    return (
        NationalDayOverride.objects.count(),
        NationalCalendar.objects.filter(version__gt=1).count(),
        AuditEvent.objects.filter(action__startswith="calendar.national").count(),
    )


def test_culture_day_is_a_holiday_by_default(demo: Any) -> None:
    for agency in (None, demo.department):
        assert calendar_for(agency=agency).day_info(CULTURE_DAY) == (
            DayType.HOLIDAY,
            "Ngày Văn hóa Việt Nam",
        )


def test_working_day_override_moves_due_times_of_two_agencies(demo: Any) -> None:
    # Sở Tư pháp keeps 08:00–12:00 and 13:30–17:30 (8 hours a day).
    calendar_settings_update(
        actor=None,
        agency=demo.other,
        version=1,
        morning_start=dt.time(8),
        morning_end=dt.time(12),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 30),
        count_from="next_opening",
    )
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=VN)  # Monday before 24/11

    def due(agency: Any, days: int) -> dt.datetime:
        return calendar_for(agency=agency).add(start, days, "working_days").due_at

    # Sở TT&TT, 2 days = 16 h: Mon 10:00–11:30 and 13:00–17:00 (5.5 h); Tue off; Wed 8 h
    # (13.5 h); Thu 07:30 + 2.5 h = 10:00. Sở Tư pháp, 1 day = 8 h: Mon 10:00–12:00 and
    # 13:30–17:30 (6 h); Tue off; Wed 08:00 + 2 h = 10:00.
    assert due(demo.department, 2) == dt.datetime(2026, 11, 26, 10, 0, tzinfo=VN)
    assert due(demo.other, 1) == dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN)

    _working_day(actor=demo.user("quantri"))

    # Tuesday now counts: 5.5 h + 8 h = 13.5 h by Tue 17:00, Wed 07:30 + 2.5 h = 10:00;
    # and 6 h on Monday, Tue 08:00 + 2 h = 10:00.
    assert due(demo.department, 2) == dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN)
    assert due(demo.other, 1) == dt.datetime(2026, 11, 24, 10, 0, tzinfo=VN)
    assert calendar_for(agency=None).day_info(CULTURE_DAY) == (
        DayType.WORKING,
        "Ngày Văn hóa Việt Nam (làm việc bình thường)",
    )
    event = AuditEvent.objects.get(action="calendar.national_override.set")
    assert event.after["legal_basis"] == BASIS


def test_holiday_override_adds_a_day_off_and_removing_it_restores_the_package(
    demo: Any,
) -> None:
    date = dt.date(2026, 11, 20)  # a Friday the package does not list
    national_override_set(
        actor=None,
        version=1,
        date=date,
        kind="holiday",
        name="Nghỉ lễ theo Nghị quyết",
        legal_basis="Nghị quyết …/2026/QH15",
    )
    assert calendar_for(agency=demo.department).day_info(date)[0] == DayType.HOLIDAY
    override = NationalDayOverride.objects.get(date=date)
    national_override_delete(actor=None, version=2, override=override, reason="Nhập nhầm")
    assert calendar_for(agency=demo.department).day_info(date)[0] == DayType.WORKING
    assert AuditEvent.objects.get(action="calendar.national_override.delete").reason == "Nhập nhầm"


def test_the_agencys_own_decision_still_wins(demo: Any) -> None:
    _working_day()
    calendar_override_create(
        actor=None,
        agency=demo.department,
        date=CULTURE_DAY,
        kind="day_off",
        name="Sở nghỉ Ngày Văn hóa",
        decision_number="20/QĐ-STTTT",
    )
    assert calendar_for(agency=demo.department).day_info(CULTURE_DAY)[0] == DayType.DAY_OFF
    assert calendar_for(agency=demo.other).day_info(CULTURE_DAY)[0] == DayType.WORKING


@pytest.mark.parametrize("username", ["lanhdao", "thuky", "motcua"])
def test_only_a_system_administrator_may_override_a_national_day(demo: Any, username: str) -> None:
    with pytest.raises(PermissionDenied):
        _working_day(actor=demo.user(username))
    assert _stored() == (0, 0, 0)


def test_stale_version_is_refused_and_nothing_changes(demo: Any) -> None:
    _working_day()
    with pytest.raises(ConflictError):
        _working_day(version=1)
    assert _stored() == (1, 1, 1)


def test_admin_sets_a_working_day_on_the_calendar_page(client: Client, demo: Any) -> None:
    client.force_login(demo.user("quantri"))
    page = client.get("/calendar/?year=2026").content.decode()
    assert 'id="national-override-form"' in page
    response = client.post("/calendar/national/", FORM)
    assert response.status_code == 302
    html = client.get("/calendar/?year=2026").content.decode()
    assert BASIS in html
    assert NationalDayOverride.objects.get().kind == "working_day"


def test_agency_leader_sees_the_list_but_no_form_and_is_refused(client: Client, demo: Any) -> None:
    _working_day()
    client.force_login(demo.user("lanhdao"))
    html = client.get("/calendar/?year=2026").content.decode()
    assert BASIS in html
    assert 'id="national-override-form"' not in html
    assert client.post("/calendar/national/", {**FORM, "version": "2"}).status_code == 403
    assert client.post("/calendar/national/", {"version": "2"}).status_code == 403
    override = NationalDayOverride.objects.get()
    response = client.post(
        f"/calendar/national/{override.pk}/delete/", {"version": "2", "reason": "x"}
    )
    assert response.status_code == 403
    assert _stored() == (1, 1, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_basis": ""}, "legal_basis"),
        ({"kind": "half_day"}, "kind"),
        ({"date": "24/11/2026x"}, "date"),
        ({"date": "2099-11-24"}, "date"),
        ({"name": ""}, "name"),
        ({"version": "abc"}, "version"),
    ],
)
def test_bad_input_gets_a_form_error_and_nothing_is_stored(
    client: Client, demo: Any, changes: dict[str, str], field: str
) -> None:
    client.force_login(demo.user("quantri"))
    response = client.post("/calendar/national/", {**FORM, **changes})
    assert response.status_code == 400
    assert field in response.context["national_form"].errors
    assert _stored() == (0, 0, 0)


def test_stale_form_gets_a_conflict_message(client: Client, demo: Any) -> None:
    _working_day()
    client.force_login(demo.user("quantri"))
    response = client.post("/calendar/national/", {**FORM, "kind": "holiday"})
    assert response.status_code == 409
    assert response.context["national_form"].non_field_errors()
    assert NationalDayOverride.objects.get().kind == "working_day"

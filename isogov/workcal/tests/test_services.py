from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from isogov.audit.models import AuditEvent
from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.workcal.models import AgencyCalendar, CalendarOverride
from isogov.workcal.selectors import calendar_for, calendar_review_reminder
from isogov.workcal.services import (
    calendar_override_create,
    calendar_override_delete,
    calendar_review_mark,
    calendar_settings_update,
)

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))


def _day_off(
    demo: Any, actor: Any = None, date: dt.date = dt.date(2026, 3, 10)
) -> CalendarOverride:
    return calendar_override_create(
        actor=actor,
        agency=demo.department,
        date=date,
        kind="day_off",
        name="Nghỉ bù",
        decision_number="15/QĐ-STTTT",
    )


def test_override_changes_the_compiled_calendar_at_once(demo: Any) -> None:
    start = dt.datetime(2026, 3, 9, 7, 30, tzinfo=VN)
    before = calendar_for(agency=demo.department).add(start, 2, "working_days").due_at
    _day_off(demo, actor=demo.user("lanhdao"))
    after = calendar_for(agency=demo.department).add(start, 2, "working_days").due_at
    assert (before.day, after.day) == (10, 11)
    assert AuditEvent.objects.filter(action="calendar.override.create").count() == 1


def test_a_rolled_back_override_leaves_the_compiled_calendar_as_stored(demo: Any) -> None:
    # Each test is rolled back to the session's seeded agencies (isogov/conftest.py): a calendar
    # compiled inside a rolled-back change must not be served afterwards.
    start = dt.datetime(2026, 3, 9, 7, 30, tzinfo=VN)
    with pytest.raises(RuntimeError), transaction.atomic():
        _day_off(demo, actor=demo.user("lanhdao"))
        assert calendar_for(agency=demo.department).add(start, 2, "working_days").due_at.day == 11
        raise RuntimeError("cancel")
    assert calendar_for(agency=demo.department).add(start, 2, "working_days").due_at.day == 10


def test_officer_may_not_change_the_calendar_and_nothing_is_stored(demo: Any) -> None:
    with pytest.raises(PermissionDenied):
        _day_off(demo, actor=demo.user("motcua"))
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="calendar.override.create").exists()


def test_leader_of_another_agency_may_not_change_it(demo: Any) -> None:
    with pytest.raises(PermissionDenied):
        _day_off(demo, actor=demo.user("tuphap"))


def test_second_override_on_the_same_date_is_refused(demo: Any) -> None:
    _day_off(demo)
    with pytest.raises(ValidationFailed):
        _day_off(demo)
    assert CalendarOverride.objects.count() == 1


def test_special_hours_need_times(demo: Any) -> None:
    with pytest.raises(ValidationFailed, match="Giờ làm việc đặc biệt cần có giờ bắt đầu"):
        calendar_override_create(
            actor=None,
            agency=demo.department,
            date=dt.date(2026, 3, 10),
            kind="special_hours",
            name="Họp",
            decision_number="1",
        )
    assert not CalendarOverride.objects.exists()


def test_delete_restores_the_day_and_keeps_the_reason(demo: Any) -> None:
    override = _day_off(demo)
    calendar_override_delete(actor=demo.user("thuky"), override=override, reason="Hủy quyết định")
    assert calendar_for(agency=demo.department).is_working_day(dt.date(2026, 3, 10))
    event = AuditEvent.objects.get(action="calendar.override.delete")
    assert event.reason == "Hủy quyết định" and event.before["name"] == "Nghỉ bù"


def test_settings_update_with_stale_version_is_refused(demo: Any) -> None:
    leader = demo.user("lanhdao")
    hours = dict(
        morning_start=dt.time(7),
        morning_end=dt.time(11),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 30),
        count_from="next_opening",
    )
    calendar = calendar_settings_update(actor=leader, agency=demo.department, version=1, **hours)
    assert calendar.version == 2
    with pytest.raises(ConflictError):
        calendar_settings_update(
            actor=leader,
            agency=demo.department,
            version=1,
            **{**hours, "morning_start": dt.time(8)},
        )
    assert AgencyCalendar.objects.get(agency=demo.department).morning_start == dt.time(7)
    due = calendar_for(agency=demo.department).add(
        dt.datetime(2026, 3, 9, 7, tzinfo=VN), "0.5", "working_days"
    )
    assert due.due_at == dt.datetime(2026, 3, 9, 11, tzinfo=VN)


def test_review_reminder_from_november_and_warning_from_december(demo: Any) -> None:
    assert calendar_review_reminder(agency=demo.department, today=dt.date(2026, 10, 31)) is None
    november = calendar_review_reminder(agency=demo.department, today=dt.date(2026, 11, 27))
    december = calendar_review_reminder(agency=demo.department, today=dt.date(2026, 12, 1))
    assert november is not None and november.year == 2027 and not november.is_overdue
    assert december is not None and december.is_overdue
    calendar_review_mark(actor=demo.user("lanhdao"), agency=demo.department, year=2027)
    assert calendar_review_reminder(agency=demo.department, today=dt.date(2026, 12, 1)) is None


@time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=VN))
def test_dashboard_warns_when_next_years_calendar_is_not_reviewed(
    client: Client, demo: Any
) -> None:
    client.force_login(demo.user("lanhdao"))
    html = client.get("/dashboard/").content.decode()
    assert "Lịch làm việc năm 2027 chưa được rà soát" in html
    assert "alert-warning" in html
    client.post("/calendar/review/", {"year": "2027"})
    assert "chưa được rà soát" not in client.get("/dashboard/").content.decode()


def test_calendar_page_adds_and_removes_a_day_off(client: Client, demo: Any) -> None:
    client.force_login(demo.user("thuky"))
    response = client.post(
        "/calendar/overrides/",
        {
            "date": "2026-03-10",
            "kind": "day_off",
            "name": "Nghỉ hội thao",
            "decision_number": "15/QĐ-STTTT",
        },
        follow=True,
    )
    assert "Đã cập nhật lịch làm việc" in response.content.decode()
    override = CalendarOverride.objects.get()
    assert "Nghỉ hội thao" in client.get("/calendar/?year=2026").content.decode()
    client.post(f"/calendar/overrides/{override.pk}/delete/", {"reason": "Hủy"})
    assert not CalendarOverride.objects.exists()


def test_calendar_page_shows_a_clear_error_for_a_duplicate_date(client: Client, demo: Any) -> None:
    _day_off(demo)
    client.force_login(demo.user("thuky"))
    response = client.post(
        "/calendar/overrides/",
        {"date": "2026-03-10", "kind": "day_off", "name": "Lần hai", "decision_number": "16"},
    )
    assert response.status_code == 200
    assert "Ngày này đã có điều chỉnh" in response.content.decode()
    assert CalendarOverride.objects.count() == 1


def test_officer_sees_the_calendar_without_edit_forms(client: Client, demo: Any) -> None:
    client.force_login(demo.user("motcua"))
    html = client.get("/calendar/?year=2026").content.decode()
    assert "Giỗ Tổ Hùng Vương" in html
    assert 'action="/calendar/overrides/"' not in html


def test_office_hours_form_saves_and_a_stale_form_is_refused(client: Client, demo: Any) -> None:
    client.force_login(demo.user("lanhdao"))
    form = {
        "version": "1",
        "morning_start": "07:00",
        "morning_end": "11:00",
        "afternoon_start": "13:30",
        "afternoon_end": "17:30",
        "count_from": "next_opening",
    }
    response = client.post("/calendar/office-hours/", form, follow=True)
    assert "Đã cập nhật lịch làm việc" in response.content.decode()
    assert AgencyCalendar.objects.get(agency=demo.department).afternoon_end == dt.time(17, 30)
    stale = client.post("/calendar/office-hours/", {**form, "afternoon_end": "18:00"}, follow=True)
    assert "đã được người khác thay đổi" in stale.content.decode()
    assert AgencyCalendar.objects.get(agency=demo.department).afternoon_end == dt.time(17, 30)

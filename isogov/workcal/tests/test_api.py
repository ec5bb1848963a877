from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from isogov.workcal.services import calendar_override_create

pytestmark = pytest.mark.django_db


def test_due_on_the_national_calendar(client: Client) -> None:
    response = client.get(
        "/api/v1/calendar/due",
        {"start": "2026-02-13T16:00:00+07:00", "amount": "3", "unit": "working_days"},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "start_counted_at": "2026-02-13T16:00:00+07:00",
        "due_at": "2026-02-25T16:00:00+07:00",
    }


def test_due_without_offset_is_vietnam_time(client: Client) -> None:
    response = client.get(
        "/api/v1/calendar/due",
        {"start": "2026-03-08T10:00", "amount": "1", "unit": "working_days"},
    )
    assert response.json()["start_counted_at"] == "2026-03-09T07:30:00+07:00"


def test_due_uses_the_agencys_days_off(client: Client, demo: Any) -> None:
    calendar_override_create(
        actor=None,
        agency=demo.department,
        date=dt.date(2026, 3, 10),
        kind="day_off",
        name="Nghỉ theo quyết định của Sở",
        decision_number="15/QĐ-STTTT",
    )
    params = {"start": "2026-03-09T07:30:00+07:00", "amount": "2", "unit": "working_days"}
    national = client.get("/api/v1/calendar/due", params).json()
    agency = client.get("/api/v1/calendar/due", {**params, "agency": demo.department.code}).json()
    assert national["due_at"] == "2026-03-10T17:00:00+07:00"
    assert agency["due_at"] == "2026-03-11T17:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "bad_param"),
    [
        ({"amount": "1", "unit": "working_days"}, "start"),
        ({"start": "hôm qua", "amount": "1", "unit": "working_days"}, "start"),
        ({"start": "2026-03-09T08:00", "amount": "một", "unit": "working_days"}, "amount"),
        ({"start": "2026-03-09T08:00", "amount": "-1", "unit": "working_days"}, "amount"),
        ({"start": "2026-03-09T08:00", "amount": "1", "unit": "weeks"}, "unit"),
        (
            {"start": "2026-03-09T08:00", "amount": "1", "unit": "working_days", "agency": "zzz"},
            "agency",
        ),
        ({"start": "2099-03-09T08:00", "amount": "1", "unit": "working_days"}, "start"),
    ],
)
def test_bad_parameter_gets_400_naming_it(
    client: Client, params: dict[str, str], bad_param: str
) -> None:
    response = client.get("/api/v1/calendar/due", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert bad_param in error["details"]
    assert error["message"].startswith(f"{bad_param}:")


def test_days_lists_types_and_names(client: Client) -> None:
    response = client.get("/api/v1/calendar/days", {"from": "2026-08-21", "to": "2026-09-02"})
    assert response.status_code == 200
    days = {day["date"]: day for day in response.json()["days"]}
    assert len(days) == 13
    assert days["2026-08-21"]["type"] == "working"
    assert days["2026-08-22"]["type"] == "makeup_working_day"
    assert days["2026-08-23"]["type"] == "weekend"
    assert days["2026-08-31"]["type"] == "holiday"
    assert days["2026-09-02"]["name"] == "Quốc khánh"


def test_days_shows_agency_day_off(client: Client, demo: Any) -> None:
    calendar_override_create(
        actor=None,
        agency=demo.department,
        date=dt.date(2026, 3, 10),
        kind="day_off",
        name="Nghỉ bù hội thao",
        decision_number="15/QĐ-STTTT",
    )
    response = client.get(
        "/api/v1/calendar/days",
        {"from": "2026-03-10", "to": "2026-03-10", "agency": demo.department.code},
    )
    assert response.json()["days"] == [
        {"date": "2026-03-10", "type": "day_off", "name": "Nghỉ bù hội thao"}
    ]


@pytest.mark.parametrize(
    ("params", "bad_param"),
    [
        ({"to": "2026-01-02"}, "from"),
        ({"from": "2026-13-01", "to": "2026-01-02"}, "from"),
        ({"from": "2026-01-05", "to": "2026-01-01"}, "to"),
        ({"from": "2026-01-01", "to": "2029-01-01"}, "to"),
    ],
)
def test_days_bad_parameter_gets_400(
    client: Client, params: dict[str, str], bad_param: str
) -> None:
    response = client.get("/api/v1/calendar/days", params)
    assert response.status_code == 400
    assert bad_param in response.json()["error"]["details"]


@pytest.mark.parametrize(
    ("params", "bad_param"),
    [
        # Item 4 of issue 8: these crashed with OverflowError or CalendarRangeError.
        ({"start": "9999-12-31T23:00:00Z", "amount": "1", "unit": "working_days"}, "start"),
        ({"start": "0001-01-01T00:00:00+07:00", "amount": "1", "unit": "working_days"}, "start"),
        ({"start": "2035-12-31T20:00:00Z", "amount": "1", "unit": "working_days"}, "start"),
        ({"start": "2026-02-30T08:00", "amount": "1", "unit": "working_days"}, "start"),
        ({"start": "2035-12-28T08:00", "amount": "100000", "unit": "working_days"}, "amount"),
        ({"start": "2035-12-28T08:00", "amount": "30", "unit": "calendar_days"}, "amount"),
        ({"start": "2026-03-09T08:00", "amount": "1e400", "unit": "working_days"}, "amount"),
        ({"start": "2026-03-09T08:00", "amount": "nan", "unit": "working_days"}, "amount"),
        ({"start": "2026-03-09T08:00", "amount": "1.5", "unit": "calendar_days"}, "amount"),
    ],
)
def test_out_of_range_parameter_gets_400_naming_it(
    client: Client, params: dict[str, str], bad_param: str
) -> None:
    response = client.get("/api/v1/calendar/due", params)
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["details"]) == [bad_param]


def test_days_far_outside_the_calendar_gets_400(client: Client) -> None:
    response = client.get("/api/v1/calendar/days", {"from": "9999-12-30", "to": "9999-12-31"})
    assert response.status_code == 400
    assert "from" in response.json()["error"]["details"]

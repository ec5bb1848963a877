"""My work is personal: the step rule of the dossier page, by tab, and the unit's tab."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from isogov.accounts.models import Unit, User
from isogov.dossiers import services
from isogov.dossiers.models import Dossier, DossierStep
from isogov.dossiers.permissions import held_roles, step_filter, step_refusal
from isogov.dossiers.queues import DESK_WORK, STEP_WORK, Tab, dossier_queue, dossier_queue_tabs
from isogov.dossiers.transitions import ACTIONS, Authority

from .conftest import VN, intake

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 9, 8, 0, tzinfo=VN)
PEOPLE = ("motcua", "tiepnhan", "truongphong", "chuyenvien", "vienthong", "vanthu", "lanhdao")


def _codes(username: str, tab: str = "all") -> set[str]:
    return {
        row.dossier.code for row in dossier_queue(user=User.objects.get(username=username), tab=tab)
    }


def _receive(desk: Any, name: str = "Nguyễn Văn An") -> Dossier:
    return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, name=name))


def _hand_on(dossier: Dossier, username: str, desk: Any) -> Dossier:
    dossier.refresh_from_db()
    return services.dossier_step_complete(
        actor=desk.user(username), code=dossier.code, version=dossier.version
    )


def test_each_officer_sees_the_steps_that_are_theirs_and_no_one_elses(desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        at_desk = _receive(desk, "A")
        at_head = _hand_on(_receive(desk, "B"), "motcua", desk)
        assigned = _hand_on(_receive(desk, "C"), "motcua", desk)
        services.dossier_step_assign(
            actor=desk.user("truongphong"),
            code=assigned.code,
            version=assigned.version,
            assignee=desk.user("chuyenvien"),
            step_id=assigned.steps.get(order=3),
        )
        assigned = _hand_on(assigned, "truongphong", desk)
        services.dossier_request_opinion(
            actor=desk.user("chuyenvien"),
            code=assigned.code,
            version=assigned.version,
            unit=Unit.objects.get(agency=desk.department, code="BCVT"),
            question="Có vướng quy định viễn thông không?",
            allowance_value=Decimal(1),
        )
        online = services.dossier_submit_online(data=intake(desk, name="D"))
        queues = {username: _codes(username) for username in PEOPLE}
    # The desk: the unassigned desk step and the online submission to receive.
    assert queues["motcua"] == queues["tiepnhan"] == {at_desk.code, online.code}
    # The unit head: the step that names the unit's head; the specialist: the step assigned.
    assert queues["truongphong"] == {at_head.code}
    assert queues["chuyenvien"] == {assigned.code}
    # The unit asked for its opinion sees the opinion step; the leader has no step now.
    assert queues["vienthong"] == {assigned.code}
    assert queues["vanthu"] == queues["lanhdao"] == set()
    opinion = dossier_queue(user=desk.user("vienthong"))[0]
    assert opinion.is_opinion and opinion.step is not None and opinion.step.unit.code == "BCVT"
    # Nothing for the administrator or another agency's desk.
    assert _codes("quantri") == _codes("tuphap") == set()
    # Every step row is one the dossier page lets its reader act on (the same rule).
    for username in PEOPLE:
        user = desk.user(username)
        for row in dossier_queue(user=user):
            if row.step is not None and row.dossier.status in STEP_WORK:
                held = held_roles(user=user, agency=row.dossier.agency)
                assert step_refusal(row.step, held) is None, (username, row.dossier.code)


def test_leaders_and_unit_heads_see_their_units_work_with_who_holds_it(desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        at_desk = _receive(desk, "A")
        at_head = _hand_on(_receive(desk, "B"), "motcua", desk)
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        leader = dossier_queue_tabs(user=desk.user("lanhdao"), tab="unit")
        head = dossier_queue_tabs(user=desk.user("truongphong"), tab=Tab.UNIT)
        desk_officer = dossier_queue_tabs(user=desk.user("motcua"), tab=Tab.UNIT)
    assert leader.tab == Tab.UNIT and [key for key, _label, _n in leader.tabs][-1] == Tab.UNIT
    # Overdue first: the desk step (due Monday 10:00) before the head's (due Monday afternoon).
    assert [(row.dossier.code, row.holder) for row in leader.rows] == [
        (at_desk.code, "Bộ phận Một cửa · Cán bộ một cửa"),
        (at_head.code, "Phòng Báo chí – Xuất bản · Trưởng đơn vị"),
    ]
    assert [row.dossier.code for row in head.rows] == [at_head.code]
    assert dict((key, n) for key, _label, n in head.tabs)[Tab.UNIT] == 1
    # A desk officer oversees no unit: no such tab, and asking for it shows their own work.
    assert desk_officer.tab == Tab.ALL and Tab.UNIT not in [
        key for key, _l, _n in desk_officer.tabs
    ]


def _due(dossier: Dossier, at: dt.datetime) -> None:
    DossierStep.objects.filter(pk=Dossier.objects.get(pk=dossier.pk).current_step_id).update(
        due_at=at
    )


def test_tabs_count_overdue_today_soon_and_waiting_work(desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        overdue, today, soon, later = (_receive(desk, name) for name in "ABCD")
        papers = _hand_on(_receive(desk, "E"), "motcua", desk)
        services.dossier_request_supplement(
            actor=desk.user("truongphong"),
            code=papers.code,
            version=papers.version,
            reason="Thiếu bản sao",
            items=["Bản sao giấy phép"],
        )
        fees = _hand_on(_receive(desk, "F"), "motcua", desk)
        services.dossier_request_payment(
            actor=desk.user("truongphong"), code=fees.code, version=fees.version
        )
    _due(overdue, MONDAY + dt.timedelta(minutes=30))  # Monday 08:30
    _due(today, MONDAY + dt.timedelta(hours=8))  # Monday 16:00
    _due(soon, MONDAY + dt.timedelta(days=1, hours=1))  # Tuesday 09:00: within 1 working day
    _due(later, MONDAY + dt.timedelta(days=3))  # Thursday
    now = MONDAY + dt.timedelta(hours=1)  # Monday 09:00
    with time_machine.travel(now, tick=False):
        page = dossier_queue_tabs(user=desk.user("motcua"), tab="overdue")
        by_tab = {tab: _codes("motcua", tab) for tab in Tab if tab != Tab.UNIT}
        head = {key: n for key, _label, n in dossier_queue_tabs(user=desk.user("truongphong")).tabs}
        rows = {row.dossier.code: row for row in dossier_queue(user=desk.user("motcua"))}
    counts = {key: n for key, _label, n in page.tabs}
    assert counts == {
        Tab.ALL: 6,
        Tab.OVERDUE: 1,
        Tab.TODAY: 1,
        Tab.SOON: 1,
        Tab.SUPPLEMENT: 1,
        Tab.PAYMENT: 1,
    }
    assert [row.dossier.code for row in page.rows] == [overdue.code]
    assert by_tab[Tab.TODAY] == {today.code} and by_tab[Tab.SOON] == {soon.code}
    assert by_tab[Tab.SUPPLEMENT] == {papers.code} and by_tab[Tab.PAYMENT] == {fees.code}
    assert len(by_tab[Tab.ALL]) == 6
    # The head waits with the dossiers whose step is theirs.
    assert (head[Tab.ALL], head[Tab.SUPPLEMENT], head[Tab.PAYMENT]) == (2, 1, 1)
    # Each row says where it stands against the step's due time and the appointment, in words.
    assert (rows[overdue.code].step_state, rows[overdue.code].step_label) == ("late", "Quá hạn")
    assert (rows[today.code].step_state, rows[today.code].step_label) == ("on_time", "Đúng hạn")
    assert (rows[soon.code].step_state, rows[soon.code].step_label) == ("early", "Trước hạn")
    assert rows[overdue.code].appointment_label == "Trước hạn"  # due Thursday 12/3
    assert (rows[papers.code].step_state, rows[papers.code].step_label) == ("", "Tạm dừng")
    # Soonest first, waiting work (no due time) last.
    order = [code for code in rows if code in {overdue.code, today.code, soon.code, later.code}]
    assert order == [overdue.code, today.code, soon.code, later.code]
    assert list(rows)[-1] == papers.code


def test_due_soon_counts_working_days_over_the_weekend(desk: Any) -> None:
    friday = dt.datetime(2026, 3, 13, 15, 0, tzinfo=VN)
    with time_machine.travel(friday - dt.timedelta(hours=6), tick=False):
        monday, tuesday = _receive(desk, "A"), _receive(desk, "B")
    _due(monday, dt.datetime(2026, 3, 16, 10, 0, tzinfo=VN))  # one working day from Friday 15:00
    _due(tuesday, dt.datetime(2026, 3, 17, 10, 0, tzinfo=VN))
    with time_machine.travel(friday, tick=False):
        assert _codes("motcua", "soon") == {monday.code}


def test_the_queue_filter_is_the_dossier_pages_step_rule(desk: Any) -> None:
    """Every kind of step (role × unit × assignee) against every officer: the database filter of
    the queue and the check of the dossier page give the same answer."""
    with time_machine.travel(MONDAY, tick=False):
        dossier = _receive(desk)
    units = [None, *Unit.objects.filter(agency=desk.department)]
    roles = ["", "one_stop_officer", "specialist", "unit_head", "agency_leader"]
    people = [desk.user(username) for username in (*PEOPLE, "quantri")]
    steps = [
        DossierStep(
            dossier=dossier,
            order=10 + index,
            name=f"Bước {index}",
            unit=unit,
            role=role,
            assignee=assignee,
            allowance_value=Decimal(1),
            allowance_unit="working_days",
        )
        for index, (unit, role, assignee) in enumerate(
            itertools.product(units, roles, [None, people[3], people[6]])
        )
    ]
    DossierStep.objects.bulk_create(steps)
    created = DossierStep.objects.filter(dossier=dossier, order__gte=10)
    for user in people:
        held = held_roles(user=user, agency=desk.department)
        in_memory = {step.pk for step in created if step_refusal(step, held) is None}
        assert set(created.filter(step_filter(held)).values_list("pk", flat=True)) == in_memory
        assert in_memory or user.username == "quantri", user.username


def test_the_desks_work_is_what_the_action_table_lets_the_desk_do() -> None:
    """Each status the desk's queue lists has an action of the desk in the table."""
    for status in DESK_WORK:
        assert any(
            status in action.from_statuses and Authority.DESK in action.authority
            for action in ACTIONS
        ), status


def test_due_times_are_read_the_same_whatever_the_sessions_time_zone(desk: Any) -> None:
    """The queue reads due times as UTC text (``UtcText``), not as the session writes them: a
    PostgreSQL session in Vietnam's time zone gives the same rows and instants."""
    from django.db import connection

    with time_machine.travel(MONDAY, tick=False):
        dossier = _receive(desk)
    expected = DossierStep.objects.get(pk=dossier.current_step_id).due_at
    assert expected is not None and expected.microsecond == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # connected before the session is changed
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
    try:
        with time_machine.travel(MONDAY, tick=False):
            rows = dossier_queue(user=User.objects.get(username="motcua"))
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TIME ZONE 'UTC'")
    assert [(row.dossier.code, row.due_at) for row in rows] == [(dossier.code, expected)]
    assert rows[0].due_at.utcoffset() == dt.timedelta(0)

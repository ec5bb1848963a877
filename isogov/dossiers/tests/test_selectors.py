"""My work: personal by the step rule, by tab, the unit's tab; a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from isogov.accounts.models import Unit, User
from isogov.catalog.models import ProcessStep
from isogov.core.errors import NotFound
from isogov.dossiers import services
from isogov.dossiers.selectors import dossier_queue, dossier_queue_tabs

from .conftest import VN, intake

pytestmark = pytest.mark.django_db

RECEIVED_AT = dt.datetime(2026, 3, 9, 8, 0, tzinfo=VN)
QUEUE_USERS = ("motcua", "truongphong", "chuyenvien", "lanhdao")


def _place_process_steps_in_units(desk: Any) -> None:
    """The sample process names its units only in words; an agency links them to its units."""
    for label, code in (("Bộ phận Một cửa", "MC"), ("Phòng chuyên môn", "BCXB")):
        unit = Unit.objects.get(agency=desk.department, code=code)
        ProcessStep.objects.filter(unit_label=label).update(unit=unit)


def _open_dossiers(desk: Any, start: int, stop: int) -> None:
    """Receive dossiers; hand every odd one on to the unit head, and every fourth on to the
    specialist the head assigns (so the queue reads steps, units and assignees)."""
    officer, head = desk.user("motcua"), desk.user("truongphong")
    specialist = desk.user("chuyenvien")
    with time_machine.travel(RECEIVED_AT, tick=False):
        for index in range(start, stop):
            dossier = services.dossier_receive(
                actor=officer, data=intake(desk, name=f"Nguyễn Văn {index}")
            )
            if index % 2:
                dossier = services.dossier_step_complete(
                    actor=officer, code=dossier.code, version=dossier.version
                )
            if index % 4 == 3:
                dossier = services.dossier_step_assign(
                    actor=head,
                    code=dossier.code,
                    version=dossier.version,
                    assignee=specialist,
                    step_id=dossier.steps.get(order=3),
                )
                services.dossier_step_complete(
                    actor=head, code=dossier.code, version=dossier.version
                )


def _queue_reads(username: str) -> tuple[int, int]:
    """(rows, queries) for one fresh request's worth of queue, every shown field touched: the
    tabs' counts and the rows of the personal tab, or of the unit's tab for a leader."""
    user = User.objects.get(username=username)  # fresh: no scope cached from an earlier call
    tab = "unit" if username == "lanhdao" else "all"
    with CaptureQueriesContext(connection) as queries:
        rows = dossier_queue_tabs(user=user, tab=tab).rows
        for row in rows:
            str(row.holder)
            # What the queue page shows: code, applicant, procedure, status, step, officer, due.
            str(row.dossier.agency.code)
            str(row.dossier.handling_unit)
            row.dossier.get_status_display()
            if row.step is not None:
                str(row.step.unit)
                str(row.step.assignee.display_name if row.step.assignee else "")
    return len(rows), len(queries)


def test_queue_uses_the_same_number_of_queries_for_5_and_for_50_open_dossiers(desk: Any) -> None:
    _place_process_steps_in_units(desk)
    _open_dossiers(desk, 0, 5)
    few = {username: _queue_reads(username) for username in QUEUE_USERS}
    _open_dossiers(desk, 5, 50)
    many = {username: _queue_reads(username) for username in QUEUE_USERS}

    for username in QUEUE_USERS:
        (rows_few, queries_few), (rows_many, queries_many) = few[username], many[username]
        assert rows_many > rows_few, username  # the queue did grow for this user
        assert queries_many == queries_few, username
    # The desk sees what waits at the desk, the head the assigning step, the specialist what
    # was assigned to them; the leader's agency tab holds all.
    rows = {username: few[username][0] for username in QUEUE_USERS}
    assert rows == {"motcua": 3, "truongphong": 1, "chuyenvien": 1, "lanhdao": 5}
    rows = {username: many[username][0] for username in QUEUE_USERS}
    assert rows == {"motcua": 25, "truongphong": 13, "chuyenvien": 12, "lanhdao": 50}
    assert max(queries for _rows, queries in many.values()) <= 9


def test_a_dossier_waiting_for_a_supplement_is_not_shown_overdue(desk: Any) -> None:
    at = dt.datetime(2026, 3, 9, 8, tzinfo=VN)
    with time_machine.travel(at, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
        services.dossier_step_complete(
            actor=desk.user("motcua"), code=dossier.code, version=dossier.version
        )
        dossier.refresh_from_db()
        services.dossier_request_supplement(
            actor=desk.user("truongphong"),
            code=dossier.code,
            version=dossier.version,
            reason="Thiếu bản sao",
            items=["Bản sao giấy phép"],
        )
    # A week later the step's old due time has long passed, but the clock is stopped.
    with time_machine.travel(at + dt.timedelta(days=7), tick=False):
        rows = {row.dossier.code: row for row in dossier_queue(user=desk.user("motcua"))}
    assert rows[dossier.code].urgency == ""
    assert rows[dossier.code].due_at is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_lookup_by_code_or_reference_reads_both_indexes_not_every_dossier(desk: Any) -> None:
    from isogov.dossiers.selectors import _code_or_reference, dossier_get, dossier_list

    user = desk.user("motcua")
    qs = dossier_list(user=user).filter(_code_or_reference("000.00.15.H26-TT-2026-0001"))
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "(code=?)" in plan and "(reference=?)" in plan, plan
    # The empty string names no dossier (the references of received dossiers are empty).
    with time_machine.travel(RECEIVED_AT, tick=False):
        services.dossier_receive(actor=user, data=intake(desk))
    with pytest.raises(NotFound):
        dossier_get(user=user, code=" ")


# The planner's statistics of a database of a million dossiers a year old (bench/generate.py):
# one agency, 2 % of the dossiers open, the rest returned or stopped.
MILLION_STATISTICS = (
    ("dossiers_do_agency__37acca_idx", "1000000 1000000 142858"),
    ("dossiers_do_agency__917a12_idx", "1000000 1000000 40"),
    ("dossier_agency_open", "37532 37532 3"),
    ("dossier_open_by_status", "21615 21615 2702"),
    ("dossiers_dossier_current_step_id_5f531bc5", "1000000 1"),
    ("dossiers_dossier_handling_unit_id_09935d9b", "1000000 250000"),
    ("dossiers_dossier_due_at_2da8b5e9", "1000000 40"),
)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_queue_reads_the_open_dossiers_not_every_dossier_of_the_agency(desk: Any) -> None:
    """With the statistics of a million dossiers, every query of the queue page and of the
    dashboard's counts reads the dossiers through the partial index of open ones: the
    (agency, status) index, averaged over the finished ones, made SQLite read the whole table."""
    _place_process_steps_in_units(desk)
    _open_dossiers(desk, 0, 4)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'dossiers_dossier'")
        cursor.executemany(
            "INSERT INTO sqlite_stat1 VALUES ('dossiers_dossier', %s, %s)", MILLION_STATISTICS
        )
        cursor.execute("ANALYZE sqlite_schema")  # load the statistics
    executed: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, params))
        return execute(sql, params, many, context)

    try:
        # As run, with its bound parameters: SQLite matches no IN of parameters to a partial
        # index's IN of literals, which the SQL with the values written in would hide.
        with connection.execute_wrapper(capture):
            for username in QUEUE_USERS:
                user = User.objects.get(username=username)
                for tab in ("all", "overdue", "unit"):
                    dossier_queue_tabs(user=user, tab=tab)
                dossier_queue_tabs(user=user, limit=0)
        plans = []
        with connection.cursor() as cursor:
            for sql, params in executed:
                if '"dossiers_dossier"' in sql:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                    plans.append(" | ".join(str(row[-1]) for row in cursor.fetchall()))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")
    assert len(plans) >= 2 * len(QUEUE_USERS)
    for plan in plans:
        assert "SCAN dossiers_dossier " not in f"{plan} ", plan
    assert any("dossier_open_by_status" in plan for plan in plans), plans


def test_the_queue_pages_follow_one_another_in_the_order_of_the_whole_list(desk: Any) -> None:
    """The page's order is chosen from ids and due times and its rows read afterwards: the pages
    of a tab, one after the other, are its whole list, and a page past the last shows the last."""
    _place_process_steps_in_units(desk)
    _open_dossiers(desk, 0, 12)
    for username, tab, size in (("lanhdao", "unit", 5), ("motcua", "all", 4)):
        user = User.objects.get(username=username)
        whole = dossier_queue_tabs(user=user, tab=tab)
        assert whole.pages == 1
        codes = [row.dossier.code for row in whole.rows]
        assert len(codes) == {"lanhdao": 12, "motcua": 6}[username]
        first = dossier_queue_tabs(user=user, tab=tab, limit=size)
        assert first.page == 1
        assert first.pages == -(-len(codes) // size)
        paged = [
            row.dossier.code
            for page in range(1, first.pages + 1)
            for row in dossier_queue_tabs(user=user, tab=tab, limit=size, page=page).rows
        ]
        assert paged == codes, username
        beyond = dossier_queue_tabs(user=user, tab=tab, limit=size, page=99)
        assert beyond.page == first.pages
        assert [row.dossier.code for row in beyond.rows] == codes[(first.pages - 1) * size :]
        assert dossier_queue_tabs(user=user, tab=tab, limit=size, page=0).page == 1


def test_the_queue_page_shows_one_page_of_rows_and_links_the_others(
    desk: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isogov.dossiers import views

    _place_process_steps_in_units(desk)
    _open_dossiers(desk, 0, 12)
    monkeypatch.setattr(views, "QUEUE_PAGE_ROWS", 5)
    whole = [
        row.dossier.code for row in dossier_queue_tabs(user=desk.user("lanhdao"), tab="unit").rows
    ]
    client.force_login(desk.user("lanhdao"))
    second = client.get("/dossiers/", {"tab": "unit", "page": "2"}).content.decode()
    assert 'id="queue-pages"' in second
    assert '<strong aria-current="page">2</strong>' in second
    assert 'href="?tab=unit&amp;page=3"' in second
    # Previous and next beside the numbers, and where the officer is ("Page 2 of 3").
    assert 'href="?tab=unit&amp;page=1" rel="prev"' in second
    assert 'href="?tab=unit&amp;page=3" rel="next"' in second
    assert "Trang 2 / 3" in second
    assert [code for code in whole if code in second] == whole[5:10]
    # Not a number, or past the end: a page the queue has.
    for page, shown in (("x", whole[:5]), ("1e9", whole[:5]), ("7", whole[10:])):
        body = client.get("/dossiers/", {"tab": "unit", "page": page}).content.decode()
        assert [code for code in whole if code in body] == shown, page

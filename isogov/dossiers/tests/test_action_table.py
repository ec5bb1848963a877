"""The action table is the only judge: every action × every status, and every person × every
action at every step of the CFS process, against expectations written here by hand.

Each call runs inside a savepoint that is rolled back, so one dossier per status (or per step)
serves every call. Run on SQLite and, in CI, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.accounts.models import User
from isogov.core.errors import ApplicationError, NotFound
from isogov.dossiers import services
from isogov.dossiers.actions import dossier_act
from isogov.dossiers.models import Dossier, DossierStep, StepKind
from isogov.dossiers.selectors import dossier_get
from isogov.dossiers.transitions import BY_NAME, DOSSIER_ACTIONS, Status, allowed_in

from .conftest import act, at, intake, officer_for, officers, snapshot, writes

pytestmark = pytest.mark.django_db

NOW = at(3, 9, 15)  # Monday 9/3/2026 15:00, the day every dossier below was received
FINE = "{} passed: {}"


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block, then undo everything it stored."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


# --- one dossier in each status ---------------------------------------------------------------
def _received(desk: Any) -> Dossier:
    with time_machine.travel(at(3, 9, 8), tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))


def _online(desk: Any) -> Dossier:
    with time_machine.travel(at(3, 9, 8), tick=False):
        return services.dossier_submit_online(data=intake(desk, channel="online_partial"))


def _in_process(desk: Any) -> Dossier:
    """Handed to the unit, with an opinion of the Văn phòng still open."""
    dossier = act(at(3, 9, 9), services.dossier_step_complete, _received(desk), None)
    act(
        at(3, 9, 9, 30),
        services.dossier_request_opinion,
        dossier,
        None,
        unit="VP",
        question="Ý kiến?",
        allowance_value="1",
    )
    return dossier


def _finished(desk: Any) -> Dossier:
    dossier = act(at(3, 9, 9), services.dossier_step_complete, _received(desk), None)
    for minute in range(6):
        act(at(3, 9, 10, minute), services.dossier_step_complete, dossier, None)
    return act(
        at(3, 9, 11), services.dossier_record_result, dossier, None, number="1/GCN", signer="L"
    )


REASON = {"reason": "Lý do ghi rõ"}
RECIPES: dict[Status, Any] = {
    Status.SUBMITTED_ONLINE: _online,
    Status.INCOMPLETE_AT_INTAKE: lambda desk: act(
        at(3, 9, 9), services.dossier_return_incomplete, _online(desk), None, items=[], **REASON
    ),
    Status.NOT_RECEIVED: lambda desk: act(
        at(3, 9, 9), services.dossier_refuse_intake, _online(desk), None, **REASON
    ),
    Status.RECEIVED: _received,
    Status.IN_PROCESS: _in_process,
    Status.SUPPLEMENT_REQUESTED: lambda desk: act(
        at(3, 9, 10),
        services.dossier_request_supplement,
        _in_process(desk),
        None,
        items=[],
        **REASON,
    ),
    Status.PAYMENT_REQUESTED: lambda desk: act(
        at(3, 9, 10), services.dossier_request_payment, _in_process(desk), None
    ),
    Status.WITHDRAWAL_REQUESTED: lambda desk: act(
        at(3, 9, 10), services.dossier_request_withdrawal, _in_process(desk), None, **REASON
    ),
    Status.STOPPED: lambda desk: act(
        at(3, 9, 11),
        services.dossier_stop,
        act(at(3, 9, 10), services.dossier_request_withdrawal, _received(desk), None, **REASON),
        None,
        **REASON,
    ),
    Status.REFUSED: lambda desk: act(
        at(3, 9, 10), services.dossier_refuse, _in_process(desk), None, **REASON
    ),
    Status.FINISHED: _finished,
    Status.RETURNED: lambda desk: act(
        at(3, 9, 12),
        services.dossier_return_result,
        act(at(3, 9, 11, 30), services.dossier_approve_result, _finished(desk), None),
        None,
        method="at_desk",
    ),
}


def input_facts(dossier: Dossier) -> tuple[Any, Any, Any]:
    """The rows valid input points at: a paper, the open opinion, the open appraisal step."""
    paper = dossier.papers.first()
    opinion = dossier.steps.filter(kind=StepKind.OPINION, finished_at=None).first()
    appraisal = dossier.steps.filter(role="specialist", finished_at=None).order_by("order").first()
    return paper, opinion, appraisal


def valid_input(
    action: str, dossier: Dossier, facts: tuple[Any, Any, Any] | None = None
) -> dict[str, Any]:
    """Input that passes the action's definition on this dossier (``facts`` read once, if given)."""
    paper, opinion, appraisal = facts or input_facts(dossier)
    return {
        "return_incomplete": {**REASON, "items": ["Đơn"]},
        "refuse_intake": REASON,
        "complete_step": {"note": "Xong"},
        "assign": {"assignee": "chuyenvien", "step_id": appraisal.pk if appraisal else 0},
        "assign_handover": {"assignee": "chuyenvien", "note": "Giao anh Chuyên"},
        "send_back": REASON,
        "request_opinion": {"unit": "VP", "question": "Ý kiến?", "allowance_value": "1"},
        "answer_opinion": {"step_id": opinion.pk if opinion else 0, "answer": "Đồng ý"},
        "request_supplement": {**REASON, "items": ["Bản sao"]},
        "record_payment": {"amount_vnd": 50_000, "method": "cash", "receipt_number": "BL-1"},
        "apologise": {"new_due_at": "2026-03-17T10:00:00+07:00", **REASON},
        "refuse": REASON,
        "record_result": {"number": "2/GCN", "signer": "Trần Thị Lãnh"},
        "return_result": {"method": "at_desk"},
        "request_withdrawal": REASON,
        "stop": REASON,
        "return_originals": {"paper_id": paper.pk if paper else 0},
        "record_incident": {
            "kind": "loss",
            "description": "Mất",
            "paper_id": paper.pk if paper else None,
        },
        "attach_scan": {
            "paper_id": paper.pk if paper else 0,
            "file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4", "application/pdf"),
        },
    }.get(action, {})


def _client(user: User, clients: dict[int, APIClient] | None = None) -> APIClient:
    """An API client with ``user``'s token (kept in ``clients`` by the caller who asks again)."""
    if clients is not None and user.pk in clients:
        return clients[user.pk]
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    if clients is not None:
        clients[user.pk] = client
    return client


def _post(
    dossier: Dossier,
    action: str,
    user: User,
    fields: dict[str, Any] | None = None,
    clients: dict[int, APIClient] | None = None,
) -> Any:
    fields = valid_input(action, dossier) if fields is None else fields
    multipart = "file" in fields
    return _client(user, clients).post(
        f"/api/v1/dossiers/{dossier.code}/actions/{action}/",
        {"version": dossier.version, **fields},
        format="multipart" if multipart else "json",
    )


@pytest.mark.parametrize("status", list(Status))
def test_every_action_runs_exactly_in_the_statuses_the_table_allows(
    desk: Any, status: Status
) -> None:
    dossier = RECIPES[status](desk)
    dossier.refresh_from_db()
    assert dossier.status == status
    outcomes: Counter[str] = Counter()
    facts = input_facts(dossier)
    among = officers(desk.department)  # read once: nobody's roles change below
    clients: dict[int, APIClient] = {}
    _client(desk.user("motcua"), clients)  # its token row written before any count
    with time_machine.travel(NOW, tick=False):
        for action in DOSSIER_ACTIONS:
            name = action.name
            try:
                user = officer_for(dossier, name, among=among, **valid_input(name, dossier, facts))
            except AssertionError:  # nobody may: any officer, the status is judged first
                user = desk.user("motcua")
            _client(user, clients)
            with rolled_back():
                # Every try is rolled back; a refused one must not write a single row (the
                # connection's count of written rows, not a copy of every table, per try).
                written = writes()
                response = _post(dossier, name, user, valid_input(name, dossier, facts), clients)
                stored = writes()
            body = response.json()
            if allowed_in(action, status):
                refused = (
                    response.status_code == 409 and body["error"]["code"] == "invalid_transition"
                )
                assert not refused, (name, status, body)
                if response.status_code == 200 and not isinstance(written, dict):
                    assert stored > written, (name, status)  # the count sees a real write
                outcomes[
                    "allowed: 200" if response.status_code == 200 else "allowed: refused by a rule"
                ] += 1
            else:
                assert response.status_code == 409, (name, status, body)
                assert body["error"]["code"] == "invalid_transition"
                assert dossier.get_status_display() in body["error"]["message"]
                assert stored == written, (name, status)  # read before the rollback
                outcomes["not allowed: 409, nothing stored"] += 1
        # The scheduled closure too: only an unanswered supplement request is closed.
        with rolled_back():
            try:
                services.dossier_close_unanswered(code=dossier.code)
            except ApplicationError as error:
                closure = error.code
            else:
                closure = "closed"
    if allowed_in(BY_NAME["close_unanswered"], status):
        assert closure == "not_due"  # allowed in this status, but the period has not run out
    else:
        assert closure == "invalid_transition"
    print(status.value, dict(outcomes))


# --- every person × every action at every step -------------------------------------------------
# Who holds each step of the CFS process (catalog/demo.py, shared/data), written out by hand:
# the desk, the unit head assigning, the specialist, the unit head reviewing, the leader signing,
# the Văn phòng registering, the specialist sending the result back, the desk returning it.
STEP_HOLDERS = {
    1: {"motcua", "tiepnhan"},
    2: {"truongphong"},
    3: {"chuyenvien"},
    4: {"truongphong"},
    5: {"lanhdao"},
    6: {"vanthu"},
    7: {"chuyenvien"},
    8: {"motcua", "tiepnhan"},
}
DESK = {"motcua", "tiepnhan"}
PEOPLE = (
    "motcua",
    "tiepnhan",
    "truongphong",
    "chuyenvien",
    "vanthu",
    "vienthong",
    "lanhdao",
    "thuky",
    "quantri",  # a system administrator: sees everything, does no dossier work
    "thanhpho",  # the city's leader: sees the department's dossiers, acts on none
    "tuphap",  # another department's desk officer: does not even see them
)


def expected_people(action: str, order: int) -> set[str]:
    """Who may run ``action`` while step ``order`` is current (the oracle, by hand)."""
    step = STEP_HOLDERS[order]
    if action in (
        "complete_step",
        "send_back",
        "request_opinion",
        "request_supplement",
        "request_payment",
        "record_result",
    ):
        return step
    if action in ("supplement_received", "record_incident", "attach_scan"):
        return step | DESK
    if action == "assign":
        return {"truongphong"}  # the appraisal step belongs to his unit
    if action == "assign_handover":
        # Only on his own step whose next step is his unit's: the assign step (2 → 3).
        return {"truongphong"} if order == 2 else set()
    if action == "answer_opinion":
        return {"vanthu"}  # the Văn phòng was asked
    if action in ("approve_result", "refuse", "apologise"):
        return {"lanhdao"}
    if action == "stop":
        return DESK | {"lanhdao"}
    return DESK  # receive, return the result, withdrawal, payment, originals


def _walk(desk: Any) -> Iterator[tuple[int, Dossier]]:
    """The CFS dossier at each of its eight steps, with an opinion of the Văn phòng open."""
    dossier = _received(desk)
    yield 1, dossier
    for order in range(2, 9):
        act(at(3, 9, 9, order), services.dossier_step_complete, dossier, None)
        if order == 2:
            act(
                at(3, 9, 9, 30),
                services.dossier_request_opinion,
                dossier,
                None,
                unit="VP",
                question="Ý kiến?",
                allowance_value="1",
            )
        if order == 8:
            act(
                at(3, 9, 10),
                services.dossier_record_result,
                dossier,
                None,
                number="1/GCN",
                signer="L",
            )
        dossier.refresh_from_db()
        yield order, dossier


def _visible(user: User, dossier: Dossier) -> Dossier | None:
    try:
        return dossier_get(user=user, code=dossier.code)
    except NotFound:
        return None


def _outcome(dossier: Dossier, action: str, user: User, facts: Any, visible: Any) -> str:
    """What happens when ``user`` tries ``action``: hidden, refused, or let through.

    ``visible`` is the dossier as ``user`` reads it (None if hidden), read once per step: the
    services lock and reload the dossier by its code, so every try starts from the stored row.
    """
    data = valid_input(action, dossier, facts)
    if visible is None:
        return "hidden"
    try:
        with rolled_back():
            dossier_act(
                name=action, actor=user, dossier=visible, version=dossier.version, data=data
            )
    except ApplicationError as error:
        return "refused" if error.status_code == 403 else "let through"
    return "let through"


def test_every_person_may_do_exactly_their_steps_work(desk: Any) -> None:
    users = {username: User.objects.get(username=username) for username in PEOPLE}
    surprises = []
    tried = Counter[str]()
    with time_machine.travel(NOW, tick=False):
        for order, dossier in _walk(desk):
            step = dossier.current_step
            assert isinstance(step, DossierStep) and step.order == order
            facts = input_facts(dossier)
            seen = {username: _visible(user, dossier) for username, user in users.items()}
            for action in DOSSIER_ACTIONS:
                if not allowed_in(action, dossier.status):
                    continue
                allowed = expected_people(action.name, order)
                for username, user in users.items():
                    outcome = _outcome(dossier, action.name, user, facts, seen[username])
                    expected = (
                        "hidden"
                        if username == "tuphap"
                        else "let through"
                        if username in allowed
                        else "refused"
                    )
                    tried[outcome] += 1
                    if outcome != expected:
                        surprises.append((order, action.name, username, outcome, expected))
    print(f"{sum(tried.values())} person × action × step tries: {dict(tried)}")
    assert surprises == []


def test_an_assigned_step_is_the_assignees_alone_and_the_refusal_names_them(desk: Any) -> None:
    from isogov.accounts.roles import Role
    from isogov.accounts.services import role_assign, user_create

    dossier = act(at(3, 9, 9), services.dossier_step_complete, _received(desk), None)
    appraisal = dossier.steps.get(order=3)
    act(
        at(3, 9, 9, 30),
        services.dossier_step_assign,
        dossier,
        desk.user("truongphong"),
        assignee="chuyenvien",
        step_id=appraisal.pk,
    )
    act(at(3, 9, 10), services.dossier_step_complete, dossier, desk.user("truongphong"))
    colleague = user_create(
        actor=None,
        username="chuyenvien2",
        password="x" * 12,
        full_name="Trịnh Văn Hai",
        agency=desk.department,
    )
    unit = desk.department.units.get(code="BCXB")
    role_assign(actor=None, user=colleague, role=Role.SPECIALIST, agency=desk.department, unit=unit)
    before = snapshot()
    response = _client(colleague).post(
        f"/api/v1/dossiers/{dossier.code}/actions/complete_step/",
        {"version": dossier.version},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Hồ sơ đang được giao cho Hoàng Văn Chuyên."
    assert snapshot() == before
    # The unit's head may not do his specialist's step either; the step says whose unit it is.
    act(
        at(3, 9, 10, 30),
        services.dossier_step_assign,
        dossier,
        desk.user("truongphong"),
        assignee="chuyenvien",
        step_id=dossier.steps.get(order=7).pk,
    )
    other = dossier.steps.get(order=7)
    assert other.assignee == desk.user("chuyenvien")
    # Another agency's officer does not even see the dossier: 404, not 403.
    response = _client(desk.user("tuphap")).post(
        f"/api/v1/dossiers/{dossier.code}/actions/complete_step/",
        {"version": dossier.version},
        format="json",
    )
    assert response.status_code == 404


def test_an_opinion_due_beyond_the_calendar_is_a_400_naming_the_allowance(desk: Any) -> None:
    dossier = _in_process(desk)
    before = snapshot()
    # Asked on 31/12 of the calendar's last year, a day's answer would fall outside it.
    from isogov.workcal.selectors import calendar_for

    last_year = calendar_for(agency=desk.department).spec.last_year
    with time_machine.travel(dt.datetime(last_year, 12, 31, 16, tzinfo=NOW.tzinfo), tick=False):
        response = _client(desk.user("truongphong")).post(
            f"/api/v1/dossiers/{dossier.code}/actions/request_opinion/",
            {"version": dossier.version, "unit": "VP", "question": "?", "allowance_value": "5"},
            format="json",
        )
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["details"]) == ["allowance_value"]
    assert snapshot() == before


@pytest.mark.parametrize("amount", [str(2**63), str(10**30), "-5", "nhiều"])
def test_a_payment_amount_out_of_range_on_the_web_form_names_the_field(
    client: Any, desk: Any, amount: str
) -> None:
    dossier = _received(desk)
    client.force_login(desk.user("motcua"))
    before = snapshot()
    response = client.post(
        f"/dossiers/{dossier.code}/actions/record_payment/",
        {"version": dossier.version, "amount_vnd": amount, "method": "cash", "receipt_number": "1"},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("Số tiền (đồng):"), messages
    assert snapshot() == before

"""The dossier API through DRF's client with token auth: permissions, shapes, every action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.dossiers import services
from isogov.dossiers.api import ACTION_APIS
from isogov.dossiers.inputs import UNKNOWN_OFFICER, UNKNOWN_UNIT
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.dossiers.transitions import BY_NAME, Status
from isogov.dossiers.transitions import DOSSIER_ACTIONS as ACTIONS

from .conftest import CFS, VN, intake, officer_for, snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def client_for(desk: Any, username: str) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=desk.user(username))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure_code": CFS,
        "channel": "in_person",
        "applicant": {
            "name": "Nguyễn Thị Hồng Nhung",
            "phone": "0912345678",
            "email": "nhung@example.vn",
            "id_number": "031190001234",
            "address": "Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        },
        "papers": [{"name": "Đơn đề nghị (theo mẫu)", "originals": 1}],
        "request_summary": "Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    }
    return data | overrides


def post_intake(client: APIClient, when: dt.datetime, **overrides: Any) -> Any:
    with time_machine.travel(when, tick=False):
        return client.post(URL, body(**overrides), format="json")


MONDAY_8 = dt.datetime(2026, 3, 9, 8, tzinfo=VN)


def receive(desk: Any, when: dt.datetime = MONDAY_8, **overrides: Any) -> str:
    response = post_intake(client_for(desk, "motcua"), when, **overrides)
    assert response.status_code == 201, response.json()
    return str(response.json()["code"])


def version(code: str) -> int:
    return Dossier.objects.get(code=code).version


def token_client(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# The fields the lean answer to a write shares with the detail.
LEAN = ("code", "status", "national_status", "version", "due_at", "promised_due_at", "actions")


def act(
    client: APIClient | None,
    when: dt.datetime,
    code: str,
    action: str,
    *,
    expect: int = 200,
    **fields: Any,
) -> dict[str, Any]:
    """Post an action (``client`` None: as the officer the action table names for it).

    On success, check the lean answer against the detail and return the detail.
    """
    if client is None:
        client = token_client(officer_for(Dossier.objects.get(code=code), action, **fields))
    payload = {"version": version(code), **fields}
    with time_machine.travel(when, tick=False):
        response = client.post(f"{URL}{code}/actions/{action}/", payload, format="json")
    assert response.status_code == expect, response.json()
    written = dict(response.json())
    if expect != 200:
        return written
    with time_machine.travel(when, tick=False):
        detail = dict(client.get(written["url"]).json())
    assert {key: written[key] for key in LEAN} == {key: detail[key] for key in LEAN}
    return detail


def handling(actions: list[str]) -> list[str]:
    """The actions on the dossier itself (those on a paper in custody left out)."""
    return [name for name in actions if not BY_NAME[name].on_paper]


def when_of(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


# --- intake -------------------------------------------------------------------------------------
def test_intake_with_a_token_returns_201_with_code_and_legal_appointment(desk: Any) -> None:
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": "motcua", "password": DEMO_PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = post_intake(client, at(3, 9, 8))  # Monday 08:00
    assert response.status_code == 201
    data = response.json()
    assert data["code"] == "000.00.15.H26-260309-0001"
    assert (data["status"], data["national_status"], data["version"]) == ("received", 2, 1)
    # CFS: 3 working days → Thursday 12/3/2026 08:00, shown in Vietnam time.
    assert data["due_at"] == "2026-03-12T08:00:00+07:00"
    # The answer is lean: the dossier's state and what to do next; the detail is one link away.
    assert data["step"] == "Tiếp nhận, kiểm tra hồ sơ, chuyển phòng chuyên môn"
    assert "complete_step" in data["actions"] and "steps" not in data
    detail = client.get(data["url"]).json()
    assert detail["agency"]["code"] == "000.00.15.H26"
    assert detail["papers"][0]["name"] == "Đơn đề nghị (theo mẫu)"


def test_intake_needs_authentication(desk: Any) -> None:
    response = APIClient().post(URL, body(), format="json")
    assert response.status_code in (401, 403)
    assert not Dossier.objects.exists()


def test_backdated_intake_needs_the_permission_and_is_no_administrators_work(
    desk: Any,
) -> None:
    from django.contrib.auth.models import Permission

    earlier = at(3, 2, 9).isoformat()
    refused = post_intake(client_for(desk, "motcua"), at(3, 9, 8), received_at=earlier)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    administrator = post_intake(client_for(desk, "quantri"), at(3, 9, 8), received_at=earlier)
    assert administrator.status_code == 403
    assert not Dossier.objects.exists()
    desk.user("motcua").user_permissions.add(Permission.objects.get(codename="register_backdated"))
    allowed = post_intake(client_for(desk, "motcua"), at(3, 9, 8), received_at=earlier)
    assert allowed.status_code == 201
    data = client_for(desk, "motcua").get(allowed.json()["url"]).json()
    assert data["is_backdated"] is True
    assert when_of(data["received_at"]) == at(3, 2, 9)
    assert when_of(data["due_at"]) == at(3, 5, 9)


def test_intake_incomplete_and_refused_decisions(desk: Any) -> None:
    client = client_for(desk, "motcua")
    incomplete = post_intake(
        client,
        at(3, 9, 8),
        decision="incomplete",
        reason="Thiếu bản sao giấy phép",
        items=["Bản sao giấy phép xuất bản"],
    )
    assert incomplete.status_code == 201
    assert (incomplete.json()["status"], incomplete.json()["national_status"]) == (
        "incomplete_at_intake",
        5,
    )
    assert incomplete.json()["due_at"] is None
    refused = post_intake(client, at(3, 9, 9), decision="refuse", reason="Không thuộc thẩm quyền")
    assert refused.status_code == 201
    assert refused.json()["national_status"] == 3
    assert "accept" not in refused.json()["actions"]


def test_intake_refusal_without_a_reason_names_the_field(desk: Any) -> None:
    response = post_intake(client_for(desk, "motcua"), at(3, 9, 8), decision="refuse")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["details"]
    assert not Dossier.objects.exists()


def test_receipt_time_only_with_a_receipt(desk: Any) -> None:
    response = post_intake(
        client_for(desk, "quantri"),
        at(3, 9, 8),
        decision="refuse",
        reason="Không thuộc thẩm quyền",
        received_at=at(3, 2, 9).isoformat(),
    )
    assert response.status_code == 400
    assert "received_at" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"procedure_code": ""}, "procedure_code"),
        ({"applicant": {"phone": "0912345678"}}, "applicant"),
        ({"papers": [{"name": "Đơn", "originals": -1}]}, "papers"),
        ({"received_at": "hôm qua"}, "received_at"),
        ({"papers": []}, "papers"),  # the service: a required paper is missing
        ({"procedure_code": "9.999999"}, "procedure_code"),  # not carried out by this agency
    ],
)
def test_bad_intake_input_is_400_naming_the_field(
    desk: Any, overrides: dict[str, Any], field: str
) -> None:
    response = post_intake(client_for(desk, "motcua"), at(3, 9, 8), **overrides)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["details"]
    assert not Dossier.objects.exists()


def test_intake_for_an_agency_the_user_cannot_see_is_404(desk: Any) -> None:
    response = post_intake(client_for(desk, "motcua"), at(3, 9, 8), agency="000.00.19.H26")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not Dossier.objects.exists()


def test_specialist_may_not_receive_at_the_desk(desk: Any) -> None:
    response = post_intake(client_for(desk, "chuyenvien"), at(3, 9, 8))
    assert response.status_code == 403
    assert not Dossier.objects.exists()


# --- detail -------------------------------------------------------------------------------------
def test_detail_shows_status_deadlines_steps_timeline_and_the_users_actions(desk: Any) -> None:
    code = receive(desk)
    with time_machine.travel(at(3, 9, 8, 5), tick=False):
        response = client_for(desk, "motcua").get(f"{URL}{code}/")
    assert response.status_code == 200
    data = response.json()
    assert data["procedure"] == {"code": CFS, "name": data["procedure"]["name"]}
    assert data["channel"] == "in_person"
    assert data["legal_time"] == {"value": "3.00", "unit": "working_days"}
    assert (data["status"], data["national_status"]) == ("received", 2)
    assert data["applicant"]["name"] == "Nguyễn Thị Hồng Nhung"
    assert when_of(data["received_at"]) == at(3, 9, 8)
    assert when_of(data["due_at"]) == at(3, 12, 8)
    assert len(data["steps"]) == 8
    first = data["steps"][0]
    assert first["order"] == 1 and first["unit_label"] and first["kind"] == "process"
    assert when_of(first["received_at"]) == at(3, 9, 8) and first["due_at"] is not None
    assert first["finished_at"] is None and first["outcome"] == ""
    assert [event["action"] for event in data["timeline"]] == ["receive"]
    assert data["timeline"][0]["actor"] == "motcua"
    assert data["timeline"][0]["to_status"] == "received"
    assert "complete_step" in data["actions"] and "request_withdrawal" in data["actions"]
    assert "approve_result" not in data["actions"]


def test_detail_of_another_agencys_dossier_is_404(desk: Any) -> None:
    code = receive(desk)
    response = client_for(desk, "tuphap").get(f"{URL}{code}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client_for(desk, "motcua").get(f"{URL}no-such-code/").status_code == 404


def _detail_queries(desk: Any, code: str) -> int:
    client = client_for(desk, "motcua")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}{code}/")
    assert response.status_code == 200
    return len(queries)


def test_detail_query_count_does_not_grow_with_steps_and_events(desk: Any) -> None:
    few, many = receive(desk, at(3, 9, 8)), receive(desk, at(3, 9, 8, 1))
    for hour in (9, 10, 11):
        act(None, at(3, 9, hour), few, "complete_step")
    for hour in (9, 10, 11, 13, 14, 15, 16):
        act(None, at(3, 9, hour, 1), many, "complete_step")
    assert Dossier.objects.get(code=many).status == Status.FINISHED
    assert DossierEvent.objects.filter(dossier__code=many).count() > (
        DossierEvent.objects.filter(dossier__code=few).count()
    )
    assert _detail_queries(desk, few) == _detail_queries(desk, many) <= 12


def _queries_after_the_service(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, call: Any
) -> tuple[Any, int]:
    """Run ``call``; return its response and the queries it ran after the service returned."""
    marks: list[int] = []
    with CaptureQueriesContext(connection) as queries:
        original = owner[name] if isinstance(owner, dict) else getattr(owner, name)

        def service(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            marks.append(len(queries))
            return result

        if isinstance(owner, dict):
            monkeypatch.setitem(owner, name, service)
        else:
            monkeypatch.setattr(owner, name, service)
        response = call()
    assert marks, "the service was not called"
    return response, len(queries) - marks[0]


def test_intake_answer_reads_nothing_after_the_write(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(desk, "motcua")
    response, after = _queries_after_the_service(
        monkeypatch, services, "dossier_receive", lambda: client.post(URL, body(), format="json")
    )
    assert response.status_code == 201, response.json()
    # The desk officer's roles are those the service checked; no action offered needs the steps.
    assert after == 0
    assert "complete_step" in response.json()["actions"]


def test_action_answer_reads_the_steps_once_after_the_write(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isogov.dossiers import actions

    code = receive(desk)
    client = client_for(desk, "motcua")
    payload = {"version": version(code)}
    response, after = _queries_after_the_service(
        monkeypatch,
        actions.SERVICES,
        "complete_step",
        lambda: client.post(f"{URL}{code}/actions/complete_step/", payload, format="json"),
    )
    assert response.status_code == 200, response.json()
    assert after == 1  # the steps, for the signer and the opinions; the roles are kept
    assert response.json()["actions"] == client.get(f"{URL}{code}/").json()["actions"]


def test_only_unit_heads_and_leaders_may_hold_the_assignment(desk: Any) -> None:
    from isogov.accounts.models import User
    from isogov.dossiers.permissions import action_refusal, held_roles, may_hold

    code = receive(desk)
    act(None, at(3, 9, 9), code, "complete_step")
    dossier = Dossier.objects.get(code=code)
    assign = BY_NAME["assign"]
    for user in User.objects.filter(agency=desk.department):
        held = held_roles(user=user, agency=dossier.agency)
        allowed = [
            step
            for step in dossier.steps.all()
            if action_refusal(assign, dossier=dossier, held=held, actor=user, step=step) is None
        ]
        # The shortcut never hides a step the user may assign.
        assert may_hold(assign, held) or not allowed, user.username
    head = held_roles(user=desk.user("truongphong"), agency=dossier.agency)
    desk_officer = held_roles(user=desk.user("motcua"), agency=dossier.agency)
    assert may_hold(assign, head) and not may_hold(assign, desk_officer)


# --- every action -------------------------------------------------------------------------------
def test_every_action_of_the_table_has_an_api() -> None:
    assert {action.name for action in ACTIONS} <= {api.action.name for api in ACTION_APIS}


def test_steps_to_finished_then_result_recorded_approved_and_returned(desk: Any) -> None:
    code = receive(desk)
    data = act(None, at(3, 9, 9), code, "complete_step", note="Đã chuyển phòng chuyên môn")
    assert (data["status"], data["national_status"]) == ("in_process", 4)
    # The desk's 0.25-day step (due 10:00) finished at 09:00: a step shorter than a day is early.
    assert data["steps"][0]["outcome"] == "early"
    assert data["steps"][0]["finished_at"] is not None
    for hour in (10, 11, 13, 14, 15, 16):
        data = act(None, at(3, 9, hour), code, "complete_step")
    assert (data["status"], data["national_status"]) == ("finished", 9)
    assert [e["action"] for e in data["timeline"]].count("handover") == 6
    data = act(
        None,
        at(3, 9, 16, 10),
        code,
        "record_result",
        number="15/GCN-STTTT",
        summary="Cấp giấy chứng nhận CFS",
        signer="Trần Thị Lãnh",
    )
    assert data["result"]["number"] == "15/GCN-STTTT" and data["result"]["approved_at"] is None
    refused = act(None, at(3, 9, 16, 15), code, "return_result", expect=400, method="at_desk")
    assert "chưa được phê duyệt" in refused["error"]["message"]
    data = act(None, at(3, 9, 16, 20), code, "approve_result")
    assert data["result"]["approved_by"] == "lanhdao"
    data = act(None, at(3, 10, 9), code, "return_result", method="at_desk")
    assert (data["status"], data["national_status"], data["outcome"]) == (
        "returned",
        10,
        "early",
    )
    assert when_of(data["returned_at"]) == at(3, 10, 9)
    assert handling(data["actions"]) == []


def test_supplement_stops_the_clock_and_a_second_one_is_refused(desk: Any) -> None:
    code = receive(desk)
    act(None, at(3, 9, 9), code, "complete_step")
    data = act(
        None,
        at(3, 10, 10),
        code,
        "request_supplement",
        reason="Thiếu bản sao giấy phép xuất bản",
        items=["Bản sao giấy phép xuất bản"],
    )
    assert (data["national_status"], data["due_at"], data["supplement_count"]) == (5, None, 1)
    # The step's holder may take the supplement in; a withdrawal is the desk's work.
    assert handling(data["actions"]) == ["supplement_received"]
    data = act(None, at(3, 12, 14), code, "supplement_received")
    assert data["national_status"] == 4
    assert when_of(data["due_at"]) == at(3, 17, 14)
    assert data["waiting_seconds"] == int(18.5 * 3600)
    stored = version(code)
    error = act(None, at(3, 12, 15), code, "request_supplement", expect=400, reason="Lần hai")[
        "error"
    ]
    assert error["code"] == "supplement_limit" and "một lần" in error["message"]
    assert version(code) == stored


def test_withdrawal_then_stop(desk: Any) -> None:
    code = receive(desk)
    data = act(None, at(3, 9, 9), code, "request_withdrawal", reason="Công dân xin rút")
    assert data["national_status"] == 7
    assert set(handling(data["actions"])) == {"stop", "cancel_withdrawal"}
    data = act(None, at(3, 9, 10), code, "stop", reason="Dừng theo đề nghị")
    assert (data["status"], data["national_status"]) == ("stopped", 8)
    assert [e["action"] for e in data["timeline"]] == ["receive", "request_withdrawal", "stop"]


def test_withdrawal_taken_back(desk: Any) -> None:
    code = receive(desk)
    act(None, at(3, 9, 9), code, "request_withdrawal", reason="Công dân xin rút")
    data = act(None, at(3, 9, 10), code, "cancel_withdrawal")
    # Back to where it was when the request came: received, not yet handed over.
    assert (data["status"], data["national_status"]) == ("received", 2)


def _submitted_online(desk: Any) -> str:
    with time_machine.travel(at(3, 6, 16), tick=False):
        return services.dossier_submit_online(data=intake(desk, channel="online_partial")).code


def test_online_submission_returned_then_accepted(desk: Any) -> None:
    code = _submitted_online(desk)
    data = client_for(desk, "motcua").get(f"{URL}{code}/").json()
    assert data["national_status"] == 1
    assert set(handling(data["actions"])) == {"accept", "return_incomplete", "refuse_intake"}
    data = act(
        None,
        at(3, 9, 8),
        code,
        "return_incomplete",
        reason="Thiếu đơn có chữ ký",
        items=["Đơn đề nghị"],
    )
    assert (data["status"], data["national_status"]) == ("incomplete_at_intake", 5)
    data = act(None, at(3, 10, 8), code, "accept")
    assert (data["status"], data["national_status"]) == ("received", 2)
    assert when_of(data["due_at"]) == at(3, 13, 8)


def test_online_submission_refused(desk: Any) -> None:
    code = _submitted_online(desk)
    data = act(
        None,
        at(3, 9, 8),
        code,
        "refuse_intake",
        reason="Không thuộc thẩm quyền",
    )
    assert (data["status"], data["national_status"]) == ("not_received", 3)


def test_assign_send_back_and_opinion_with_its_answer(desk: Any) -> None:
    code = receive(desk)
    officer, specialist = client_for(desk, "motcua"), client_for(desk, "chuyenvien")
    head, clerk = client_for(desk, "truongphong"), client_for(desk, "vanthu")
    steps = act(officer, at(3, 9, 9), code, "complete_step")["steps"]
    appraisal = steps[2]["id"]
    error = act(
        head, at(3, 9, 9, 30), code, "assign", expect=400, assignee="tuphap", step_id=appraisal
    )["error"]
    assert error["details"] == {"assignee": [str(UNKNOWN_OFFICER)]}
    # The unit head names the specialist on the appraisal step; that is what is recorded.
    data = act(head, at(3, 9, 9, 30), code, "assign", assignee="chuyenvien", step_id=appraisal)
    assert [step["assignee"] for step in data["steps"][1:3]] == [None, "chuyenvien"]
    act(head, at(3, 9, 10), code, "complete_step")
    data = act(specialist, at(3, 9, 11), code, "send_back", reason="Phân công lại")
    rework = [step for step in data["steps"] if step["kind"] == "rework"]
    assert len(rework) == 1 and when_of(rework[0]["due_at"]) == at(3, 9, 14, 30)
    # The rework is the unit head's step again: the specialist has no action on it now.
    assert "request_opinion" not in specialist.get(f"{URL}{code}/").json()["actions"]
    error = act(
        head,
        at(3, 9, 11, 15),
        code,
        "request_opinion",
        expect=400,
        unit="KHONGCO",
        question="?",
        allowance_value="1",
    )["error"]
    assert error["details"] == {"unit": [str(UNKNOWN_UNIT)]}
    data = act(
        head,
        at(3, 9, 11, 15),
        code,
        "request_opinion",
        unit="VP",
        question="Ý kiến về định dạng tệp?",
        allowance_value="1",
    )
    opinion = next(step for step in data["steps"] if step["kind"] == "opinion")
    assert opinion["unit"] == "VP" and opinion["due_at"] is not None
    # Only the consulted unit answers.
    refused = act(
        specialist,
        at(3, 9, 13),
        code,
        "answer_opinion",
        expect=403,
        step_id=opinion["id"],
        answer="Đồng ý",
    )["error"]
    assert refused["code"] == "permission_denied" and "Văn phòng" in refused["message"]
    data = act(clerk, at(3, 9, 14), code, "answer_opinion", step_id=opinion["id"], answer="Đồng ý")
    answered = next(step for step in data["steps"] if step["id"] == opinion["id"])
    assert answered["finished_at"] is not None and answered["outcome"] == "early"


def test_payment_requested_then_recorded(desk: Any) -> None:
    code = receive(desk)
    act(None, at(3, 9, 9), code, "complete_step")
    data = act(None, at(3, 9, 10), code, "request_payment")
    assert data["national_status"] == 6
    error = act(
        None,
        at(3, 9, 11),
        code,
        "record_payment",
        expect=400,
        amount_vnd=0,
        method="cash",
        receipt_number="BL-1",
    )["error"]
    assert "amount_vnd" in error["details"]
    data = act(
        None,
        at(3, 9, 11),
        code,
        "record_payment",
        amount_vnd=50_000,
        method="cash",
        receipt_number="BL-0001",
    )
    assert data["national_status"] == 4
    assert data["payments"][0]["receipt_number"] == "BL-0001"
    assert data["payments"][0]["recorded_by"] == "motcua"


def test_apology_moves_the_appointment_then_refusal_after_appraisal(desk: Any) -> None:
    code = receive(desk)
    act(client_for(desk, "motcua"), at(3, 9, 9), code, "complete_step")
    new_due = at(3, 16, 17).isoformat()
    act(
        client_for(desk, "chuyenvien"),
        at(3, 10, 9),
        code,
        "apologise",
        expect=403,
        new_due_at=new_due,
        reason="Chờ phối hợp",
    )
    data = act(
        client_for(desk, "lanhdao"),
        at(3, 10, 9),
        code,
        "apologise",
        new_due_at=new_due,
        reason="Chờ ý kiến phối hợp của Sở Công Thương",
    )
    assert when_of(data["promised_due_at"]) == at(3, 16, 17)
    assert when_of(data["due_at"]) == at(3, 12, 8)
    data = act(
        client_for(desk, "lanhdao"),
        at(3, 11, 9),
        code,
        "refuse",
        reason="Sách thuộc danh mục cấm xuất khẩu",
    )
    assert (data["status"], data["national_status"]) == ("refused", 9)
    assert handling(data["actions"]) == []  # returning the refusal is the desk's work


def test_original_papers_returned_and_an_incident_recorded(desk: Any) -> None:
    code = receive(desk)
    officer = client_for(desk, "motcua")
    paper = officer.get(f"{URL}{code}/").json()["papers"][0]
    data = act(officer, at(3, 9, 9), code, "return_originals", paper_id=paper["id"])
    assert when_of(data["papers"][0]["originals_returned_at"]) == at(3, 9, 9)
    again = act(officer, at(3, 9, 10), code, "return_originals", expect=409, paper_id=paper["id"])
    assert again["error"]["code"] == "originals_returned"
    missing = act(officer, at(3, 9, 10), code, "return_originals", expect=400, paper_id=10**12)
    assert "paper_id" in missing["error"]["details"]
    data = act(
        officer,
        at(3, 9, 11),
        code,
        "record_incident",
        kind="damage",
        description="Bản gốc bị ướt",
        paper_id=paper["id"],
    )
    assert data["incidents"] == [
        {
            "kind": "damage",
            "description": "Bản gốc bị ướt",
            "paper": paper["id"],
            "occurred_at": "2026-03-09T11:00:00+07:00",
        }
    ]


# --- refusals change nothing --------------------------------------------------------------------
def test_stale_version_is_409_with_the_current_version_and_changes_nothing(desk: Any) -> None:
    code = receive(desk)
    stale = version(code)
    act(None, at(3, 9, 9), code, "complete_step")
    current, events = version(code), DossierEvent.objects.count()
    with time_machine.travel(at(3, 9, 10), tick=False):
        response = client_for(desk, "chuyenvien").post(
            f"{URL}{code}/actions/complete_step/", {"version": stale}, format="json"
        )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["details"] == {"version": current}
    assert version(code) == current and DossierEvent.objects.count() == events
    assert Dossier.objects.get(code=code).current_step.order == 2  # type: ignore[union-attr]


def test_wrong_role_is_403_and_changes_nothing(desk: Any) -> None:
    code = receive(desk)
    stored, events = version(code), DossierEvent.objects.count()
    error = act(
        client_for(desk, "chuyenvien"),
        at(3, 9, 9),
        code,
        "request_withdrawal",
        expect=403,
        reason="Công dân xin rút",
    )["error"]
    assert error["code"] == "permission_denied"
    dossier = Dossier.objects.get(code=code)
    assert (dossier.status, dossier.version) == (Status.RECEIVED, stored)
    assert DossierEvent.objects.count() == events


def test_wrong_state_is_409_with_the_vietnamese_message(desk: Any) -> None:
    code = receive(desk)
    error = act(
        client_for(desk, "motcua"), at(3, 9, 9), code, "return_result", expect=409, method="at_desk"
    )["error"]
    assert error["code"] == "invalid_transition" and "Đã tiếp nhận" in error["message"]
    assert version(code) == 1


def test_other_agencys_officer_gets_404_on_an_action(desk: Any) -> None:
    code = receive(desk)
    act(client_for(desk, "tuphap"), at(3, 9, 9), code, "complete_step", expect=404)
    assert version(code) == 1


def test_missing_version_is_400_naming_version(desk: Any) -> None:
    code = receive(desk)
    response = client_for(desk, "motcua").post(
        f"{URL}{code}/actions/complete_step/", {}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["version"]
    assert version(code) == 1


PAYMENT = {"amount_vnd": 50_000, "method": "cash", "receipt_number": "BL-1"}


@pytest.mark.parametrize(
    ("action", "fields", "field"),
    [
        ("record_payment", PAYMENT | {"method": "bitcoin"}, "method"),
        ("record_payment", PAYMENT | {"amount_vnd": "nhiều"}, "amount_vnd"),
        ("record_payment", PAYMENT | {"amount_vnd": 2**63}, "amount_vnd"),
        ("record_payment", PAYMENT | {"amount_vnd": 10**30}, "amount_vnd"),
        ("record_payment", PAYMENT | {"amount_vnd": 0}, "amount_vnd"),
        ("record_payment", {"amount_vnd": 50_000, "method": "cash"}, "receipt_number"),
        ("apologise", {"new_due_at": "sắp tới", "reason": "x"}, "new_due_at"),
        ("apologise", {"new_due_at": "9999-12-31T23:00:00Z", "reason": "x"}, "new_due_at"),
        ("request_withdrawal", {"reason": ""}, "reason"),
        ("request_withdrawal", {}, "reason"),
        ("complete_step", {"note": "x" * 2001}, "note"),
    ],
)
def test_bad_action_input_is_400_naming_the_field(
    desk: Any, action: str, fields: dict[str, Any], field: str
) -> None:
    code = receive(desk)
    before = snapshot()
    error = act(None, at(3, 9, 9), code, action, expect=400, **fields)
    assert field in error["error"]["details"]
    assert error["error"]["code"] == "validation_failed"
    assert snapshot() == before


def test_unknown_action_is_404_in_the_error_shape(desk: Any) -> None:
    code = receive(desk)
    response = client_for(desk, "motcua").post(
        f"{URL}{code}/actions/teleport/", {"version": 1}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- list, search and queue ---------------------------------------------------------------------
def test_search_ignores_diacritics_and_filters_by_status(desk: Any) -> None:
    first = receive(desk, at(3, 9, 8))
    second = receive(desk, at(3, 9, 9), applicant={"name": "Trần Văn Bình", "phone": "0987654321"})
    client = client_for(desk, "motcua")
    data = client.get(URL, {"q": "nguyen thi hong"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["code"] == first and row["applicant_name"] == "Nguyễn Thị Hồng Nhung"
    assert (row["status"], row["national_status"]) == ("received", 2)
    assert when_of(row["due_at"]) == at(3, 12, 8)
    assert set(row) == {
        "code",
        "status",
        "national_status",
        "applicant_name",
        "procedure_name",
        "received_at",
        "due_at",
        "promised_due_at",
    }
    assert [r["code"] for r in client.get(URL, {"status": "open"}).json()["results"]] == [
        second,
        first,
    ]
    assert client.get(URL, {"status": "returned"}).json()["count"] == 0
    bad = client.get(URL, {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["details"]
    assert client_for(desk, "tuphap").get(URL).json()["count"] == 0


def test_queue_lists_the_users_work_with_urgency(desk: Any) -> None:
    code = receive(desk)
    with time_machine.travel(at(3, 9, 8, 10), tick=False):
        rows = client_for(desk, "lanhdao").get(f"{URL}queue/").json()
    assert [row["code"] for row in rows] == [code]
    assert rows[0]["step"] == "Tiếp nhận, kiểm tra hồ sơ, chuyển phòng chuyên môn"
    assert rows[0]["urgency"] == "today" and rows[0]["national_status"] == 2
    assert rows[0]["version"] == 1
    with time_machine.travel(at(3, 9, 8, 10), tick=False):
        assert client_for(desk, "tuphap").get(f"{URL}queue/").json() == []


def test_schema_documents_the_dossier_endpoints(client: Any) -> None:
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert paths["/api/v1/dossiers/"]["post"]["operationId"] == "dossier_intake"
    assert paths["/api/v1/dossiers/{code}/"]["get"]["operationId"] == "dossier_detail"
    for api in ACTION_APIS:
        operation = paths[f"/api/v1/dossiers/{{code}}/actions/{api.action.name}/"]["post"]
        assert operation["operationId"] == f"dossier_{api.action.name}"
        assert set(operation["responses"]) >= {"200", "400", "403", "404", "409"}

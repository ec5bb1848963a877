"""The dossier API's actions: every path, and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from isogov.dossiers import services
from isogov.dossiers.api import ACTION_APIS
from isogov.dossiers.inputs import UNKNOWN_OFFICER, UNKNOWN_UNIT
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.dossiers.transitions import DOSSIER_ACTIONS as ACTIONS
from isogov.dossiers.transitions import Status

from .apiclient import (
    URL,
    act,
    at,
    client_for,
    handling,
    receive,
    version,
    when_of,
)
from .conftest import intake, snapshot

pytestmark = pytest.mark.django_db


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
    refused = act(None, at(3, 9, 16, 15), code, "return_result", expect=409, method="at_desk")
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

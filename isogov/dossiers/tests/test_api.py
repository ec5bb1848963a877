"""The dossier API: intake, detail, search, the queue and the schema, with token auth."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.dossiers import services
from isogov.dossiers.api import ACTION_APIS
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.dossiers.transitions import BY_NAME, Status

from .apiclient import (
    URL,
    act,
    at,
    body,
    client_for,
    post_intake,
    receive,
    version,
    when_of,
)
from .conftest import CFS

pytestmark = pytest.mark.django_db


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
        data = client_for(desk, "motcua").get(f"{URL}queue/").json()
        leader = client_for(desk, "lanhdao").get(f"{URL}queue/", {"tab": "unit"}).json()
        bad = client_for(desk, "motcua").get(f"{URL}queue/", {"tab": "later"})
        other = client_for(desk, "tuphap").get(f"{URL}queue/").json()
    assert data["tab"] == "all"
    counts = {tab["key"]: tab["count"] for tab in data["tabs"]}
    assert counts == {"all": 1, "overdue": 0, "today": 1, "soon": 0, "supplement": 0, "payment": 0}
    (row,) = data["results"]
    assert row["code"] == code and row["version"] == 1 and row["national_status"] == 2
    assert row["step"] == "Tiếp nhận, kiểm tra hồ sơ, chuyển phòng chuyên môn"
    assert (row["urgency"], row["step_state"], row["appointment_state"]) == (
        "today",
        "on_time",
        "early",
    )
    assert when_of(row["appointment"]) == at(3, 12, 8)
    # The leader's own queue holds nothing here; the agency's tab shows who holds it.
    assert [tab["key"] for tab in leader["tabs"]][-1] == "unit"
    assert [(r["code"], r["holder"]) for r in leader["results"]] == [
        (code, "Bộ phận Một cửa · Cán bộ một cửa")
    ]
    assert bad.status_code == 400 and "tab" in bad.json()["error"]["details"]
    assert other["results"] == [] and "unit" not in [tab["key"] for tab in other["tabs"]]


def test_schema_documents_the_dossier_endpoints(client: Any) -> None:
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert paths["/api/v1/dossiers/"]["post"]["operationId"] == "dossier_intake"
    assert paths["/api/v1/dossiers/{code}/"]["get"]["operationId"] == "dossier_detail"
    for api in ACTION_APIS:
        operation = paths[f"/api/v1/dossiers/{{code}}/actions/{api.action.name}/"]["post"]
        assert operation["operationId"] == f"dossier_{api.action.name}"
        assert set(operation["responses"]) >= {"200", "400", "403", "404", "409"}


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
    # The desk officer's roles are those the service checked, and the steps those it inserted
    # (left on the dossier as if prefetched): issue 15's "one query at most after the write".
    assert after == 0
    data = response.json()
    assert "complete_step" in data["actions"]
    assert data["actions"] == client.get(data["url"]).json()["actions"]


def test_lean_answer_is_the_write_serializer_s_representation(desk: Any) -> None:
    from isogov.accounts.models import User
    from isogov.dossiers.api_serializers import WriteOutputSerializer, write_representation

    code = receive(desk)
    user = User.objects.get(username="motcua")
    dossier = Dossier.objects.select_related("current_step").get(code=code)
    assert write_representation(dossier, user=user) == dict(
        WriteOutputSerializer(dossier, context={"user": user}).data
    )
    dossier.current_step = None  # a dossier between steps: no step, no step due time
    lean = write_representation(dossier, user=user)
    assert lean == dict(WriteOutputSerializer(dossier, context={"user": user}).data)
    assert (lean["step"], lean["step_due_at"]) == (None, None)


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


def test_a_day_without_codes_left_is_a_409_that_stores_nothing(desk: Any) -> None:
    from isogov.dossiers.models import DossierCounter

    DossierCounter.objects.create(agency=desk.department, scope="day:2026-03-09", last=9999)
    response = post_intake(client_for(desk, "motcua"), at(3, 9, 8))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "sequence_exhausted"
    assert "9.999 hồ sơ" in error["message"] and "04/2025" in error["message"]
    assert not Dossier.objects.exists()
    assert DossierCounter.objects.get(scope="day:2026-03-09").last == 9999

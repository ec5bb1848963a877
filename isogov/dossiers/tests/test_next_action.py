"""The next action first, assignment from the step's eligible officers, the supplement's new
receipt, and the result: approved on the signing step, then locked, then collected."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.dossiers import selectors, services
from isogov.dossiers.actions import available_actions, next_action
from isogov.dossiers.models import Dossier
from isogov.dossiers.permissions import RESULT_NOT_RECORDED
from isogov.dossiers.services.results import COLLECTOR_ID_REQUIRED, TRACKING_REQUIRED
from isogov.dossiers.services.steps import NOT_IN_UNIT
from isogov.dossiers.transitions import BY_NAME, Status, primary_action, primary_label

from .apiclient import act as api_act
from .apiclient import client_for
from .apiclient import receive as api_receive
from .conftest import act, at, intake

pytestmark = pytest.mark.django_db


def _received(desk: Any) -> Dossier:
    with time_machine.travel(at(3, 9, 8), tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))


def _at_step(desk: Any, order: int) -> Dossier:
    """The CFS dossier with step ``order`` current (each earlier step done on Mon 9/3)."""
    dossier = _received(desk)
    for minute in range(order - 1):
        act(at(3, 9, 9, minute), services.dossier_step_complete, dossier, None)
    assert dossier.current_step is not None and dossier.current_step.order == order
    return dossier


def _next(dossier: Dossier, user: Any) -> tuple[str, str] | None:
    dossier = selectors.dossier_get_detail(user=user, code=dossier.code)
    chosen = next_action(
        dossier=dossier, offered=available_actions(dossier=dossier, user=user), user=user
    )
    return (chosen[0].name, chosen[1]) if chosen else None


# --- the next action first (pure) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        pytest.param(["send_back", "complete_step", "assign"], "complete_step", id="handover"),
        pytest.param(["complete_step", "assign_handover"], "assign_handover", id="head_assigns"),
        pytest.param(["assign", "request_opinion"], "assign", id="only_assigning"),
        pytest.param(["approve_result", "complete_step", "refuse"], "approve_result", id="sign"),
        pytest.param(["request_payment", "record_result", "send_back"], None, id="none_forward"),
    ],
)
def test_the_primary_action_is_the_lowest_rank_of_those_offered(
    offered: list[str], expected: str | None
) -> None:
    chosen = primary_action([BY_NAME[name] for name in offered], Status.IN_PROCESS)
    assert (chosen.name if chosen else None) == expected


def test_recording_a_payment_is_primary_only_while_the_payment_is_requested() -> None:
    offered = [BY_NAME["record_payment"], BY_NAME["request_withdrawal"]]
    assert primary_action(offered, Status.IN_PROCESS) is None
    assert primary_action(offered, Status.PAYMENT_REQUESTED) is BY_NAME["record_payment"]


def test_the_primary_label_names_the_step_and_the_next_one() -> None:
    label = primary_label(BY_NAME["complete_step"], step="Thẩm định", next_step="Xem xét")
    assert label == "Hoàn thành “Thẩm định”, chuyển “Xem xét”"
    # The last step has no next one: the plain label.
    assert primary_label(BY_NAME["complete_step"], step="Trả kết quả") == str(
        BY_NAME["complete_step"].label
    )


def test_each_person_sees_the_one_action_expected_of_them_at_each_step(desk: Any) -> None:
    dossier = _at_step(desk, 2)
    assert _next(dossier, desk.user("truongphong"))[0] == "assign_handover"  # type: ignore[index]
    assert _next(dossier, desk.user("chuyenvien")) is None  # not his step yet
    assert _next(dossier, desk.user("motcua")) is None
    act(
        at(3, 9, 10),
        services.dossier_step_assign_handover,
        dossier,
        desk.user("truongphong"),
        assignee="chuyenvien",
    )
    name, label = _next(dossier, desk.user("chuyenvien"))  # type: ignore[misc]
    step3, step4 = dossier.steps.get(order=3), dossier.steps.get(order=4)
    assert name == "complete_step"
    assert label == f"Hoàn thành “{step3.name}”, chuyển “{step4.name}”"


def test_assigning_is_the_heads_primary_action_only_while_the_current_step_is_unheld(
    desk: Any,
) -> None:
    dossier = _at_step(desk, 3)  # the head finished step 2 without naming the specialist
    head, specialist = desk.user("truongphong"), desk.user("chuyenvien")
    assert dossier.current_step is not None and dossier.current_step.assignee_id is None
    assert _next(dossier, head) == ("assign", str(BY_NAME["assign"].label))
    assert _next(dossier, specialist)[0] == "complete_step"  # type: ignore[index]
    act(
        at(3, 9, 10),
        services.dossier_step_assign,
        dossier,
        head,
        step_id=dossier.current_step_id,
        assignee="chuyenvien",
    )
    # Assigned: reassigning stays allowed, under "Other actions", and is no longer expected.
    assert "assign" in {a.name for a in available_actions(dossier=dossier, user=head)}
    assert _next(dossier, head) is None
    assert _next(dossier, specialist)[0] == "complete_step"  # type: ignore[index]


def test_a_later_step_to_assign_is_not_the_heads_primary_action(client: Client, desk: Any) -> None:
    dossier = _at_step(desk, 5)  # the leader signs; step 7 is the head's unit's, unassigned
    head = desk.user("truongphong")
    assert "assign" in {a.name for a in available_actions(dossier=dossier, user=head)}
    assert _next(dossier, head) is None
    client.force_login(head)
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert 'id="primary-action"' not in page
    assert "Phân công cán bộ thụ lý bước 7" in page  # under "Other actions"


# --- assignment ---------------------------------------------------------------------------------
def test_the_officer_list_holds_only_the_officers_eligible_for_the_step(desk: Any) -> None:
    dossier = _at_step(desk, 2)
    appraisal = dossier.steps.get(order=3)
    usernames = [
        username
        for username, _name in selectors.dossier_step_officer_choices(
            dossier=dossier, step=appraisal
        )
    ]
    assert usernames == ["chuyenvien"]  # the specialist of BCXB; not the desk, the leader


def test_the_unit_head_assigns_the_next_step_and_hands_over_in_one_go(desk: Any) -> None:
    dossier = _at_step(desk, 2)
    act(
        at(3, 9, 10),
        services.dossier_step_assign_handover,
        dossier,
        desk.user("truongphong"),
        assignee="chuyenvien",
        note="Anh Chuyên thẩm định, chú ý bản sao giấy phép",
    )
    assign_step, appraisal = dossier.steps.get(order=2), dossier.steps.get(order=3)
    assert appraisal.assignee == desk.user("chuyenvien")
    assert assign_step.finished_by == desk.user("truongphong")
    assert assign_step.note == "Anh Chuyên thẩm định, chú ý bản sao giấy phép"
    assert dossier.current_step_id == appraisal.pk
    actions = list(dossier.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-2:] == ["assign", "handover"]


def test_assign_and_hand_over_refuses_an_officer_without_the_step_role(desk: Any) -> None:
    dossier = _at_step(desk, 2)
    before = dossier.version
    with pytest.raises(ValidationFailed) as error, time_machine.travel(at(3, 9, 10)):
        services.dossier_step_assign_handover(
            actor=desk.user("truongphong"),
            code=dossier.code,
            version=dossier.version,
            assignee="vanthu",
        )
    assert error.value.details == {"assignee": [str(NOT_IN_UNIT)]}
    dossier.refresh_from_db()
    assert dossier.version == before and dossier.current_step.order == 2  # type: ignore[union-attr]


def test_only_the_head_of_the_next_steps_unit_assigns_and_hands_over(desk: Any) -> None:
    dossier = _at_step(desk, 3)  # the specialist's step: the next one is the head's review
    with pytest.raises(PermissionDenied):
        services.dossier_step_assign_handover(
            actor=desk.user("chuyenvien"),
            code=dossier.code,
            version=dossier.version,
            assignee="truongphong",
        )


def test_the_handover_note_shows_on_the_next_steps_row(client: Client, desk: Any) -> None:
    dossier = _at_step(desk, 2)
    act(
        at(3, 9, 10),
        services.dossier_step_complete,
        dossier,
        desk.user("truongphong"),
        note="Ưu tiên xử lý trong ngày",
    )
    client.force_login(desk.user("chuyenvien"))
    with time_machine.travel(at(3, 9, 11)):
        page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)
    appraisal_row = next(row for row in rows if "<td>3</td>" in row)
    assert "Ưu tiên xử lý trong ngày" in appraisal_row


def test_the_control_sheet_names_who_really_took_each_step_over(client: Client, desk: Any) -> None:
    dossier = _at_step(desk, 2)
    act(
        at(3, 9, 10),
        services.dossier_step_assign_handover,
        dossier,
        desk.user("truongphong"),
        assignee="chuyenvien",
    )
    act(at(3, 9, 11), services.dossier_step_complete, dossier, desk.user("chuyenvien"))
    client.force_login(desk.user("motcua"))
    text = _text(client.get(f"/dossiers/{dossier.code}/forms/control-sheet.pdf").content)
    head = desk.user("truongphong").display_name
    specialist = desk.user("chuyenvien").display_name
    # Row 2 → 3: given by the head, received by the specialist who did the appraisal.
    assert f"Người giao: {head} Người nhận: {specialist}" in text


# --- supplement ---------------------------------------------------------------------------------
def _supplemented(desk: Any) -> Dossier:
    dossier = _at_step(desk, 3)
    act(
        at(3, 9, 14),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu bản sao giấy phép",
        items=["Bản sao giấy phép xuất bản", "Danh mục sách"],
    )
    return dossier


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_supplement_received_records_the_papers_and_reissues_the_receipt(
    client: Client, desk: Any
) -> None:
    dossier = _supplemented(desk)
    assert _next(dossier, desk.user("motcua"))[0] == "supplement_received"  # type: ignore[index]
    act(
        at(3, 11, 9),
        services.dossier_supplement_received,
        dossier,
        desk.user("motcua"),
        received_items=["Bản sao giấy phép xuất bản"],
    )
    stop = dossier.clock_stops.get()
    assert stop.received_items == ["Bản sao giấy phép xuất bản"]
    assert dossier.status == Status.IN_PROCESS
    client.force_login(desk.user("motcua"))
    text = _text(client.get(f"/dossiers/{dossier.code}/forms/receipt.pdf").content)
    assert "Cấp lại" in text and "hồ sơ bổ sung" in text
    # The rule set restarts the 3 working days on Wed 11/3 09:00: Mon 16/3 09:00.
    assert dossier.promised_due_at is not None
    assert "16/3/2026" in text.replace("/03/", "/3/") or "ngày 16 tháng 3 năm 2026" in text


def test_the_receipt_before_any_supplement_is_not_marked_reissued(
    client: Client, desk: Any
) -> None:
    dossier = _received(desk)
    client.force_login(desk.user("motcua"))
    assert "Cấp lại" not in _text(client.get(f"/dossiers/{dossier.code}/forms/receipt.pdf").content)


def test_the_supplement_checklist_lists_the_requested_papers(client: Client, desk: Any) -> None:
    dossier = _supplemented(desk)
    client.force_login(desk.user("motcua"))
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert page.count('type="checkbox" name="received_items"') == 2
    response = client.post(
        f"/dossiers/{dossier.code}/actions/supplement_received/",
        {
            "version": Dossier.objects.get(pk=dossier.pk).version,
            "received_items": ["Bản sao giấy phép xuất bản", "Danh mục sách"],
        },
    )
    assert response.status_code == 302
    assert dossier.clock_stops.get().received_items == [
        "Bản sao giấy phép xuất bản",
        "Danh mục sách",
    ]


# --- the result ---------------------------------------------------------------------------------
def _signing(desk: Any) -> Dossier:
    """At the leader's signing step (5), with the result recorded."""
    dossier = _at_step(desk, 5)
    act(
        at(3, 9, 15),
        services.dossier_record_result,
        dossier,
        desk.user("lanhdao"),
        number="15/GCN-STTTT",
        signer="Trần Thị Lãnh",
    )
    return dossier


def test_approving_on_the_signing_step_completes_it(desk: Any) -> None:
    dossier = _signing(desk)
    assert _next(dossier, desk.user("lanhdao"))[0] == "approve_result"  # type: ignore[index]
    act(at(3, 9, 16), services.dossier_approve_result, dossier, desk.user("lanhdao"))
    signing = dossier.steps.get(order=5)
    assert signing.finished_by == desk.user("lanhdao") and signing.finished_at is not None
    assert dossier.current_step.order == 6  # type: ignore[union-attr]
    assert dossier.result_approved_by == desk.user("lanhdao")


def test_approval_needs_a_recorded_result(desk: Any) -> None:
    dossier = _at_step(desk, 5)
    assert "approve_result" not in {
        a.name for a in available_actions(dossier=dossier, user=desk.user("lanhdao"))
    }
    with pytest.raises(ConflictError) as error:
        services.dossier_approve_result(
            actor=desk.user("lanhdao"), code=dossier.code, version=dossier.version
        )
    assert error.value.message == str(RESULT_NOT_RECORDED)


def test_the_result_is_locked_once_approved(desk: Any) -> None:
    dossier = _signing(desk)
    act(at(3, 9, 16), services.dossier_approve_result, dossier, desk.user("lanhdao"))
    before = (dossier.version, dossier.result_number)
    # Văn phòng holds step 6 and could record a result; not once it is approved.
    with pytest.raises(ConflictError) as error, time_machine.travel(at(3, 9, 17)):
        services.dossier_record_result(
            actor=desk.user("vanthu"),
            code=dossier.code,
            version=dossier.version,
            number="16/GCN-STTTT",
            signer="Người khác",
        )
    assert "đã được phê duyệt" in str(error.value.message) or "locked" in str(error.value.message)
    dossier.refresh_from_db()
    assert (dossier.version, dossier.result_number) == before
    assert "record_result" not in {
        a.name for a in available_actions(dossier=dossier, user=desk.user("vanthu"))
    }


def _ready(desk: Any) -> Dossier:
    dossier = _signing(desk)
    act(at(3, 9, 16), services.dossier_approve_result, dossier, desk.user("lanhdao"))
    for minute in range(2):  # Văn phòng registers, the specialist sends it back
        act(at(3, 10, 9, minute), services.dossier_step_complete, dossier, None)
    assert dossier.status == Status.FINISHED
    return dossier


def test_returned_in_person_records_the_collector_and_their_id(desk: Any) -> None:
    dossier = _ready(desk)
    act(
        at(3, 10, 10),
        services.dossier_return_result,
        dossier,
        desk.user("motcua"),
        method="at_desk",
        collector_name="Trần Văn Nhận",
        collector_id_number="031090009999",
    )
    assert dossier.status == Status.RETURNED
    assert (dossier.result_collector_name, dossier.result_collector_id_number) == (
        "Trần Văn Nhận",
        "031090009999",
    )


def test_the_applicant_collecting_in_person_is_recorded_with_the_id_on_file(desk: Any) -> None:
    dossier = _ready(desk)
    act(at(3, 10, 10), services.dossier_return_result, dossier, None, method="at_desk")
    assert (dossier.result_collector_name, dossier.result_collector_id_number) == (
        "Nguyễn Thị Hồng Nhung",
        "031190001234",
    )


def test_someone_else_collecting_in_person_must_show_an_id(desk: Any) -> None:
    dossier = _ready(desk)
    with pytest.raises(ValidationFailed) as error:
        services.dossier_return_result(
            actor=desk.user("motcua"),
            code=dossier.code,
            version=dossier.version,
            method="at_desk",
            collector_name="Trần Văn Nhận",
        )
    assert error.value.details == {"collector_id_number": [str(COLLECTOR_ID_REQUIRED)]}
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED


def test_returned_by_post_needs_the_tracking_number(desk: Any) -> None:
    dossier = _ready(desk)
    with pytest.raises(ValidationFailed) as error:
        services.dossier_return_result(
            actor=desk.user("motcua"), code=dossier.code, version=dossier.version, method="postal"
        )
    assert error.value.details == {"tracking_number": [str(TRACKING_REQUIRED)]}
    act(
        at(3, 10, 10),
        services.dossier_return_result,
        dossier,
        desk.user("motcua"),
        method="postal",
        tracking_number="EV123456789VN",
    )
    assert (dossier.return_method, dossier.result_tracking_number) == ("postal", "EV123456789VN")


def test_the_collection_shows_on_the_dossier_page(client: Client, desk: Any) -> None:
    dossier = _ready(desk)
    act(
        at(3, 10, 10),
        services.dossier_return_result,
        dossier,
        desk.user("motcua"),
        method="postal",
        tracking_number="EV123456789VN",
    )
    client.force_login(desk.user("motcua"))
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert "EV123456789VN" in page
    # The register's "how collected" names the tracking number too.
    register = client.get("/dossiers/register/?year=2026").content.decode()
    assert "Qua dịch vụ bưu chính: EV123456789VN" in register


# --- the API ------------------------------------------------------------------------------------
def test_the_api_assigns_and_hands_over_and_refuses_the_wrong_person(desk: Any) -> None:
    code = api_receive(desk)
    api_act(None, at(3, 9, 9), code, "complete_step")
    data = api_act(
        None, at(3, 9, 10), code, "assign_handover", assignee="chuyenvien", note="Giao anh Chuyên"
    )
    assert data["steps"][1]["finished_at"] is not None
    # The head may still reassign the appraisal, but nothing is expected of him now.
    assert "assign" in data["actions"] and data["next_action"] is None
    with time_machine.travel(at(3, 9, 10, 30)):
        specialist = client_for(desk, "chuyenvien").get(f"/api/v1/dossiers/{code}/").json()
    assert specialist["next_action"]["name"] == "complete_step"
    assert specialist["next_action"]["words"].startswith("Hoàn thành “")
    assert data["steps"][2]["assignee"] == "chuyenvien"
    # The specialist's step now: its next step is the head's, not his to assign.
    wrong = api_act(
        client_for(desk, "chuyenvien"),
        at(3, 9, 11),
        code,
        "assign_handover",
        expect=403,
        assignee="truongphong",
    )
    assert wrong["error"]["message"]


# --- the page: one primary button ---------------------------------------------------------------
def test_the_page_shows_exactly_one_primary_button_and_the_rest_under_other_actions(
    client: Client, desk: Any
) -> None:
    dossier = _at_step(desk, 2)
    client.force_login(desk.user("truongphong"))
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert page.count('id="primary-action"') == 1
    assert "Phân công và chuyển" in page and "Thao tác khác" in page
    assert "Phân công cán bộ thụ lý bước 3" in page
    client.force_login(desk.user("chuyenvien"))
    assert 'id="primary-action"' not in client.get(f"/dossiers/{dossier.code}/").content.decode()


def test_the_api_refuses_a_postal_return_without_tracking_naming_the_field(desk: Any) -> None:
    dossier = _ready(desk)
    refused = api_act(
        client_for(desk, "motcua"),
        at(3, 10, 10),
        dossier.code,
        "return_result",
        expect=400,
        method="postal",
    )
    assert "tracking_number" in refused["error"]["details"]
    data = api_act(
        client_for(desk, "motcua"),
        at(3, 10, 10),
        dossier.code,
        "return_result",
        method="postal",
        tracking_number="EV123456789VN",
    )
    assert data["status"] == "returned"


def test_an_unapproved_result_is_not_offered_for_return(desk: Any) -> None:
    dossier = _at_step(desk, 5)
    for minute in range(3):  # steps 5–7 done, no result approved
        act(at(3, 9, 15, minute), services.dossier_step_complete, dossier, None)
    assert dossier.status == Status.FINISHED
    offered = {a.name for a in available_actions(dossier=dossier, user=desk.user("motcua"))}
    assert "return_result" not in offered
    with pytest.raises(ConflictError):
        services.dossier_return_result(
            actor=desk.user("motcua"), code=dossier.code, version=dossier.version, method="online"
        )

"""Dossiers driven through every path by the services, on the real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.audit.models import AuditEvent
from isogov.audit.services import audit_verify_chain
from isogov.core.errors import ApplicationError, ConflictError, PermissionDenied, ValidationFailed
from isogov.dossiers import services
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.dossiers.transitions import Status
from isogov.notifications.models import OutboxMessage

from .conftest import VN, action_of, intake, officer_for

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def receive(desk: Any, when: dt.datetime, **kwargs: Any) -> Dossier:
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, **kwargs))


def act(when: dt.datetime, service: Any, dossier: Dossier, user: Any, **kwargs: Any) -> Any:
    """Run ``service``; ``user`` None: the officer the action table names for it now."""
    dossier.refresh_from_db()
    if user is None:
        user = officer_for(dossier, action_of(service), **kwargs)
    with time_machine.travel(when, tick=False):
        return service(actor=user, code=dossier.code, version=dossier.version, **kwargs)


def test_cfs_received_before_tet_gets_appointment_and_step_due_times_across_tet(desk: Any) -> None:
    dossier = receive(desk, at(2, 13, 16))
    assert dossier.code == "000.00.15.H26-260213-0001"
    assert dossier.status == Status.RECEIVED
    assert dossier.due_at == at(2, 25, 16)  # 3 working days: 1 h Fri, Tết, Mon, Tue, 7 h Wed
    assert dossier.promised_due_at == dossier.due_at
    first = dossier.steps.order_by("order").first()
    assert first is not None and first.due_at == at(2, 23, 8, 30)
    expected = [
        at(2, 23, 8, 30),
        at(2, 23, 10, 30),
        at(2, 23, 16),
        at(2, 24, 8, 30),
        at(2, 24, 10, 30),
        at(2, 24, 14),
        at(2, 25, 16),
    ]
    # Each step finishes exactly at its due time: every handover is on time.
    for due in expected:
        dossier.refresh_from_db()
        assert dossier.current_step.due_at == due
        act(due, services.dossier_step_complete, dossier, None)
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED
    assert dossier.finished_at == at(2, 25, 16)
    assert set(dossier.steps.exclude(finished_at=None).values_list("outcome", flat=True)) == {
        "on_time"
    }
    assert dossier.current_step.name == "Trả kết quả"
    act(
        at(2, 25, 16, 10),
        services.dossier_record_result,
        dossier,
        None,
        number="15/GCN-STTTT",
        summary="Cấp giấy chứng nhận CFS",
        signer="Trần Thị Lãnh",
    )
    with pytest.raises(ApplicationError, match="chưa được phê duyệt"):
        act(at(2, 25, 16, 20), services.dossier_return_result, dossier, None, method="at_desk")
    act(at(2, 25, 16, 20), services.dossier_approve_result, dossier, None)
    act(at(2, 26, 9), services.dossier_return_result, dossier, None, method="at_desk")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.outcome, dossier.national_status) == (
        Status.RETURNED,
        "on_time",
        10,
    )
    assert audit_verify_chain().ok


def test_codes_number_the_day_and_restart_the_next_day(desk: Any) -> None:
    first = receive(desk, at(3, 9, 8))
    second = receive(desk, at(3, 9, 9))
    third = receive(desk, at(3, 10, 8))
    assert [d.code[-4:] for d in (first, second, third)] == ["0001", "0002", "0001"]
    assert third.code.split("-")[1] == "260310"
    assert [first.register_line, second.register_line, third.register_line] == [1, 2, 3]


def test_missing_required_paper_is_refused_and_nothing_stored(desk: Any) -> None:
    data = intake(desk)
    data = type(data)(**{**data.__dict__, "papers": []})
    with (
        time_machine.travel(at(3, 9, 8), tick=False),
        pytest.raises(ValidationFailed, match="Đơn đề nghị"),
    ):
        services.dossier_receive(actor=desk.user("motcua"), data=data)
    assert not Dossier.objects.exists()


def test_specialist_may_not_receive_at_the_desk(desk: Any) -> None:
    with time_machine.travel(at(3, 9, 8), tick=False), pytest.raises(PermissionDenied):
        services.dossier_receive(actor=desk.user("chuyenvien"), data=intake(desk))
    with time_machine.travel(at(3, 9, 8), tick=False), pytest.raises(PermissionDenied):
        services.dossier_receive(actor=desk.user("tuphap"), data=intake(desk))  # other agency
    assert not Dossier.objects.exists()


def test_backdated_receipt_needs_the_permission(desk: Any) -> None:
    from django.contrib.auth.models import Permission

    officer = desk.user("motcua")
    with time_machine.travel(at(3, 9, 8), tick=False):
        with pytest.raises(PermissionDenied):
            services.dossier_receive(actor=officer, data=intake(desk), received_at=at(3, 2, 9))
        # A system administrator administers: no dossier work, back-dated or not.
        with pytest.raises(PermissionDenied):
            services.dossier_receive(
                actor=desk.user("quantri"), data=intake(desk), received_at=at(3, 2, 9)
            )
        officer.user_permissions.add(Permission.objects.get(codename="register_backdated"))
        officer = desk.user("motcua")  # a fresh object: permissions are cached per instance
        dossier = services.dossier_receive(
            actor=officer, data=intake(desk), received_at=at(3, 2, 9)
        )
    assert dossier.is_backdated and dossier.received_at == at(3, 2, 9)
    assert dossier.due_at == at(3, 5, 9)


def test_stale_version_is_refused_and_changes_nothing(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    stale = dossier.version
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    events = DossierEvent.objects.count()
    with time_machine.travel(at(3, 9, 10), tick=False), pytest.raises(ConflictError):
        services.dossier_step_complete(
            actor=desk.user("chuyenvien"), code=dossier.code, version=stale
        )
    dossier.refresh_from_db()
    assert dossier.current_step.order == 2 and DossierEvent.objects.count() == events


def test_wrong_state_action_is_refused_and_changes_nothing(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    before = (dossier.status, dossier.version)
    with pytest.raises(ApplicationError, match="Đã tiếp nhận"):
        act(
            at(3, 9, 9),
            services.dossier_return_result,
            dossier,
            None,
            method="at_desk",
        )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == before


def test_supplement_stops_the_clock_and_restarts_it_from_zero(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu bản sao giấy phép xuất bản",
        items=["Bản sao giấy phép xuất bản"],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.due_at is None
    assert dossier.national_status == 5
    assert OutboxMessage.objects.filter(subject__contains="bổ sung").exists()
    act(at(3, 12, 14), services.dossier_supplement_received, dossier, None)
    dossier.refresh_from_db()
    # Thu 12/3 14:00 + 3 working days → Tue 17/3 14:00; 18.5 working hours were spent waiting.
    assert dossier.due_at == at(3, 17, 14)
    assert dossier.waiting_seconds == int(18.5 * 3600)
    # The timeline explains the clock: restarted from zero, the new appointment, the wait.
    explained = dossier.events.get(action="supplement_received").message
    assert "tính lại từ đầu" in explained and "14:00 17/03/2026" in explained
    assert "18,5" in explained or "18.5" in explained
    with pytest.raises(ApplicationError, match="một lần"):
        act(
            at(3, 12, 15),
            services.dossier_request_supplement,
            dossier,
            None,
            reason="Lần hai",
            items=[],
        )


def test_supplement_after_three_working_days_is_refused(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    with pytest.raises(ApplicationError, match="3 ngày làm việc"):
        act(
            at(3, 13, 9),
            services.dossier_request_supplement,
            dossier,
            None,
            reason="Muộn",
            items=[],
        )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS and dossier.supplement_count == 0


def test_unanswered_supplement_is_closed_after_15_days(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(
        at(3, 9, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu giấy tờ",
        items=["Giấy phép"],
    )
    # Civil Code arts. 147–148: 15 days from Tue 10/3 end on Tue 24/3 at the close (17:00);
    # the desk closes it from the next opening, Wed 25/3 07:30.
    with time_machine.travel(at(3, 24, 16, 59), tick=False), pytest.raises(ApplicationError):
        services.dossier_close_unanswered(code=dossier.code)
    with time_machine.travel(at(3, 25, 7, 31), tick=False):
        services.dossier_close_unanswered(code=dossier.code)
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED and dossier.national_status == 8
    # The end of its handling for the indicators: the time of its event into "stopped".
    assert dossier.stopped_at == dossier.events.get(to_status=Status.STOPPED).at


def test_apology_moves_the_appointment_once_and_the_dossier_still_counts_late(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))  # due Thu 12/3 08:00
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    with pytest.raises(PermissionDenied):
        act(
            at(3, 10, 9),
            services.dossier_apologise,
            dossier,
            desk.user("chuyenvien"),
            new_due_at=at(3, 16, 17),
            reason="Chờ phối hợp",
        )
    act(
        at(3, 10, 9),
        services.dossier_apologise,
        dossier,
        None,
        new_due_at=at(3, 16, 17),
        reason="Chờ ý kiến phối hợp của Sở Công Thương",
    )
    dossier.refresh_from_db()
    assert dossier.promised_due_at == at(3, 16, 17) and dossier.due_at == at(3, 12, 8)
    with pytest.raises(ApplicationError, match="một lần"):
        act(
            at(3, 10, 10),
            services.dossier_apologise,
            dossier,
            None,
            new_due_at=at(3, 17, 17),
            reason="Lần hai",
        )
    for hour in (10, 11, 13, 14, 15, 16):
        act(at(3, 13, hour), services.dossier_step_complete, dossier, None)
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED
    act(
        at(3, 13, 16, 30),
        services.dossier_record_result,
        dossier,
        None,
        number="1/GCN",
        summary="CFS",
        signer="Trần Thị Lãnh",
    )
    act(at(3, 13, 16, 40), services.dossier_approve_result, dossier, None)
    act(at(3, 16, 9), services.dossier_return_result, dossier, None, method="at_desk")
    dossier.refresh_from_db()
    assert dossier.outcome == "late" and dossier.late_by_seconds > 0


def test_apology_less_than_a_working_day_before_the_due_time_is_refused(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))  # due Thu 12/3 08:00: the apology by Wed 11/3
    with pytest.raises(ApplicationError):
        act(
            at(3, 12, 7, 45),
            services.dossier_apologise,
            dossier,
            None,
            new_due_at=at(3, 16, 17),
            reason="Muộn",
        )
    dossier.refresh_from_db()
    assert dossier.appointment_moves == 0


def test_withdrawal_then_stop(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(
        at(3, 9, 9),
        services.dossier_request_withdrawal,
        dossier,
        None,
        reason="Công dân xin rút",
    )
    act(at(3, 9, 10), services.dossier_stop, dossier, None, reason="Dừng theo đề nghị")
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
    assert [e.action for e in dossier.events.order_by("id")] == [
        "receive",
        "request_withdrawal",
        "stop",
    ]
    assert dossier.stopped_at == dossier.events.get(to_status=Status.STOPPED).at == at(3, 9, 10)


def test_a_withdrawal_taken_back_during_a_supplement_keeps_the_clock_stopped(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(
        at(3, 10, 10),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu bản sao giấy phép xuất bản",
        items=["Bản sao giấy phép xuất bản"],
    )
    act(at(3, 10, 11), services.dossier_request_withdrawal, dossier, None, reason="Xin rút")
    act(at(3, 11, 9), services.dossier_cancel_withdrawal, dossier, None)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.due_at is None
    assert dossier.clock_stops.filter(ended_at=None).count() == 1
    act(at(3, 12, 14), services.dossier_supplement_received, dossier, None)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS and dossier.due_at == at(3, 17, 14)


def test_no_withdrawal_or_stop_once_the_decision_is_issued(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(
        at(3, 9, 10),
        services.dossier_request_withdrawal,
        dossier,
        None,
        reason="Xin rút",
    )
    act(at(3, 9, 11), services.dossier_cancel_withdrawal, dossier, None)
    act(
        at(3, 9, 14),
        services.dossier_record_result,
        dossier,
        None,
        number="15/GCN-STTTT",
        summary="Cấp giấy chứng nhận CFS",
        signer="Trần Thị Lãnh",
    )
    dossier.refresh_from_db()
    version = dossier.version
    with pytest.raises(ApplicationError, match="15/GCN-STTTT") as error:
        act(at(3, 9, 15), services.dossier_request_withdrawal, dossier, None, reason="Xin rút")
    assert error.value.code == "decision_issued"
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (Status.IN_PROCESS, version)


def test_online_submission_is_accepted_within_8_working_hours(desk: Any) -> None:
    with time_machine.travel(at(3, 6, 16), tick=False):
        dossier = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    assert dossier.status == Status.SUBMITTED_ONLINE and dossier.national_status == 1
    assert dossier.intake_due_at == at(3, 9, 16)  # 1 h Friday, 4 h Monday morning, 3 h after
    assert dossier.received_at is None and dossier.due_at is None
    act(at(3, 9, 8), services.dossier_accept, dossier, None)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.received_at == at(3, 9, 8)
    assert dossier.due_at == at(3, 12, 8)


def test_online_submission_returned_then_completed(desk: Any) -> None:
    with time_machine.travel(at(3, 6, 16), tick=False):
        dossier = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    act(
        at(3, 9, 8),
        services.dossier_return_incomplete,
        dossier,
        None,
        reason="Thiếu đơn có chữ ký",
        items=["Đơn đề nghị"],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.INCOMPLETE_AT_INTAKE and dossier.due_at is None
    act(at(3, 10, 8), services.dossier_accept, dossier, None)
    dossier.refresh_from_db()
    assert dossier.due_at == at(3, 13, 8)


def test_refused_at_intake(desk: Any) -> None:
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_intake_refuse(
            actor=desk.user("motcua"), data=intake(desk), reason="Không thuộc thẩm quyền của Sở"
        )
    assert dossier.status == Status.NOT_RECEIVED and dossier.national_status == 3
    with pytest.raises(ApplicationError):
        act(at(3, 9, 9), services.dossier_accept, dossier, None)


def test_payment_requested_then_recorded(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(at(3, 9, 10), services.dossier_request_payment, dossier, None)
    dossier.refresh_from_db()
    assert dossier.national_status == 6
    with pytest.raises(ValidationFailed):
        act(
            at(3, 9, 11),
            services.dossier_record_payment,
            dossier,
            None,
            amount_vnd=0,
            method="cash",
            receipt_number="BL-1",
        )
    act(
        at(3, 9, 11),
        services.dossier_record_payment,
        dossier,
        None,
        amount_vnd=50_000,
        method="cash",
        receipt_number="BL-0001",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS  # the CFS has no fee: nothing outstanding
    assert dossier.payments.get().receipt_number == "BL-0001"


def test_send_back_for_rework_and_opinion_with_its_own_deadline(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(at(3, 9, 10), services.dossier_step_complete, dossier, None)
    act(at(3, 9, 11), services.dossier_step_send_back, dossier, None, reason="Phân công lại")
    dossier.refresh_from_db()
    assert dossier.current_step.kind == "rework"
    assert dossier.current_step.due_at == at(3, 9, 14, 30)  # 2 h from 11:00: 0.5 h + 1.5 h
    opinion = act(
        at(3, 9, 11, 15),
        services.dossier_request_opinion,
        dossier,
        None,
        unit=desk.department.units.get(code="VP"),
        question="Kiểm tra thông tin",
        allowance_value=1,
    )
    assert opinion.due_at == at(3, 10, 11, 15)
    act(
        at(3, 10, 14),
        services.dossier_answer_opinion,
        dossier,
        None,
        step_id=opinion.pk,
        answer="Đồng ý",
    )
    opinion.refresh_from_db()
    assert opinion.outcome == "late"


def test_unit_head_assigns_the_named_officer_on_the_named_step(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    dossier.refresh_from_db()
    own, appraisal = dossier.steps.order_by("order")[1:3]
    assert dossier.current_step == own and own.role == "unit_head"
    specialist, head = desk.user("chuyenvien"), desk.user("truongphong")
    # A specialist does not assign, and the specialist cannot hold the head's own step.
    with pytest.raises(PermissionDenied, match="Phòng chuyên môn"):
        act(
            at(3, 9, 9, 20),
            services.dossier_step_assign,
            dossier,
            specialist,
            assignee=specialist,
            step_id=appraisal.pk,
        )
    with pytest.raises(ValidationFailed) as refused:
        act(at(3, 9, 9, 25), services.dossier_step_assign, dossier, head, assignee=specialist)
    assert "assignee" in refused.value.details
    act(
        at(3, 9, 9, 30),
        services.dossier_step_assign,
        dossier,
        head,
        assignee=specialist,
        step_id=appraisal.pk,
    )
    own.refresh_from_db()
    appraisal.refresh_from_db()
    assert (own.assignee, appraisal.assignee) == (None, specialist)
    event = dossier.events.get(action="assign")
    assert event.data == {"assignee": "chuyenvien", "step": appraisal.pk}


def test_every_action_writes_its_audit_event(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    actions = set(
        AuditEvent.objects.filter(object_id=str(dossier.pk)).values_list("action", flat=True)
    )
    assert {"dossier.receive", "dossier.transfer", "dossier.handover"} <= actions


def test_circular_04_2025_code_format_is_selectable(desk: Any, settings: Any) -> None:
    settings.ISOGOV_DOSSIER_CODE_FORMAT = "tt04-2025"
    settings.ISOGOV_DOSSIER_SYSTEM_ID = "07"
    dossier = receive(desk, at(3, 9, 8))
    assert dossier.code == "000.00.15.H26-260309-070001"


def test_periodic_job_closes_only_overdue_unanswered_supplements(desk: Any) -> None:
    from isogov.dossiers.tasks import dossiers_close_unanswered

    waiting = receive(desk, at(3, 9, 8))
    fresh = receive(desk, at(3, 9, 8, 30))
    for dossier, when in ((waiting, at(3, 9, 10)), (fresh, at(3, 11, 10))):
        act(when, services.dossier_step_complete, dossier, None)
        act(
            when,
            services.dossier_request_supplement,
            dossier,
            None,
            reason="Thiếu giấy tờ",
            items=["Giấy phép"],
        )
    with time_machine.travel(at(3, 25, 9), tick=False):
        assert dossiers_close_unanswered.call_local() == 1
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert (waiting.status, fresh.status) == (Status.STOPPED, Status.SUPPLEMENT_REQUESTED)

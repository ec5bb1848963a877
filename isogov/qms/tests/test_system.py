"""Scope, policy, objectives, management review, conformity announcement, inspections,
reminders and the clause coverage matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from isogov.catalog.models import Procedure
from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.qms import rules
from isogov.qms.models import Reminder
from isogov.qms.services import nonconformities as nc_svc
from isogov.qms.services import review as review_svc
from isogov.qms.services import system
from isogov.qms.services.reminders import reminders_send

from .conftest import act, draft, new_document, unit

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "higher", "status"),
    [
        pytest.param("98.5", True, "met", id="above_target_met"),
        pytest.param("97", True, "at_risk", id="just_below_at_risk"),
        pytest.param("90", True, "missed", id="far_below_missed"),
        pytest.param("0", False, "met", id="zero_lost_papers_met"),
        pytest.param(None, True, "no_data", id="no_value_no_data"),
    ],
)
def test_measurement_status(value: str | None, higher: bool, status: str) -> None:
    target = Decimal("98") if higher else Decimal("0")
    assert (
        rules.measurement_status(
            value=None if value is None else Decimal(value),
            target=target,
            higher_is_better=higher,
            margin=Decimal(2),
        )
        == status
    )


@pytest.mark.parametrize(
    ("frequency", "day", "bounds"),
    [
        pytest.param(
            "monthly",
            dt.date(2026, 2, 10),
            (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
            id="february",
        ),
        pytest.param(
            "quarterly",
            dt.date(2026, 11, 3),
            (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
            id="q4",
        ),
        pytest.param(
            "yearly", dt.date(2026, 6, 1), (dt.date(2026, 1, 1), dt.date(2026, 12, 31)), id="year"
        ),
    ],
)
def test_period_bounds(frequency: str, day: dt.date, bounds: tuple[dt.date, dt.date]) -> None:
    assert rules.period_bounds(frequency, day) == bounds


def test_add_months_clamps_to_the_month_end() -> None:
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 11, 15), 2) == dt.date(2027, 1, 15)


@time_machine.travel(NOW, tick=False)
def test_scope_change_raises_the_reannouncement_flag_and_announcing_clears_it(desk: Any) -> None:
    thuky, lanhdao = desk.user("thuky"), desk.user("lanhdao")
    first, second = Procedure.objects.order_by("code")[:2]
    scope = system.scope_set(
        actor=thuky,
        agency=desk.department,
        statement="Các TTHC của Sở",
        procedures=[first],
        units=[unit(desk, "MC")],
    )
    assert not scope.needs_reannouncement
    with pytest.raises(PermissionDenied):  # the secretary does not sign the decision
        review_svc.announcement_issue(
            actor=thuky, agency=desk.department, number="1/QĐ-STTTT", signed_on=dt.date(2026, 6, 1)
        )
    announcement = review_svc.announcement_issue(
        actor=lanhdao, agency=desk.department, number="1/QĐ-STTTT", signed_on=dt.date(2026, 6, 1)
    )
    assert announcement.procedures[0].startswith(first.code)
    same = system.scope_set(
        actor=thuky,
        agency=desk.department,
        statement="Các TTHC của Sở",
        procedures=[first],
        units=[],
    )
    assert not same.needs_reannouncement
    changed = system.scope_set(
        actor=thuky,
        agency=desk.department,
        statement="Các TTHC của Sở",
        procedures=[first, second],
        units=[],
    )
    assert changed.needs_reannouncement
    review_svc.announcement_issue(
        actor=lanhdao, agency=desk.department, number="2/QĐ-STTTT", signed_on=dt.date(2026, 6, 1)
    )
    changed.refresh_from_db()
    assert not changed.needs_reannouncement


def test_announcing_without_a_scope_is_refused(demo: Any) -> None:
    with pytest.raises(ConflictError):
        review_svc.announcement_issue(
            actor=demo.user("lanhdao"),
            agency=demo.department,
            number="1",
            signed_on=dt.date(2026, 6, 1),
        )


@time_machine.travel(NOW, tick=False)
def test_policy_is_versioned_and_signed_by_the_leader(demo: Any) -> None:
    with pytest.raises(PermissionDenied):
        system.policy_publish(actor=demo.user("thuky"), agency=demo.department, text="x")
    with pytest.raises(ValidationFailed):
        system.policy_publish(actor=demo.user("lanhdao"), agency=demo.department, text=" ")
    first = system.policy_publish(
        actor=demo.user("lanhdao"), agency=demo.department, text="Đúng hạn"
    )
    second = system.policy_publish(
        actor=demo.user("lanhdao"), agency=demo.department, text="Đúng hạn, minh bạch"
    )
    assert (first.number, second.number) == (1, 2)


@time_machine.travel(NOW, tick=False)
def test_inspection_corrective_actions_are_due_within_two_months(demo: Any) -> None:
    inspection = review_svc.inspection_record(
        actor=demo.user("thuky"),
        agency=demo.department,
        inspector="Sở Khoa học và Công nghệ",
        record_number="21/BB-KHCN",
        record_on=dt.date(2026, 5, 20),
        findings="Chưa cập nhật quy trình",
    )
    assert inspection.corrective_due_on == dt.date(2026, 7, 20)


def test_records_name_a_clause_of_the_standard(demo: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        system.qms_record_add(
            actor=demo.user("thuky"), agency=demo.department, clause="11.2", title="x"
        )
    assert "clause" in error.value.details
    assert system.qms_record_add(
        actor=demo.user("thuky"), agency=demo.department, clause="7.2", title="Tập huấn ISO"
    )


def test_objectives_read_the_registry_or_are_entered_by_hand(desk: Any) -> None:
    from .test_nonconformities import _late_dossier

    _late_dossier(desk, 9)
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ValidationFailed) as error:
            system.objective_create(
                actor=desk.user("thuky"),
                agency=desk.department,
                year=2026,
                title="x",
                target=Decimal(98),
                direction="higher",
                frequency="monthly",
                owner=desk.user("lanhdao"),
                measure_code="on_time_rate",
            )
        assert "measure_code" in error.value.details
        on_time = system.objective_create(
            actor=desk.user("thuky"),
            agency=desk.department,
            year=2026,
            title="Tỷ lệ đúng hạn ≥ 98%",
            target=Decimal(98),
            direction="higher",
            frequency="monthly",
            owner=desk.user("lanhdao"),
            measure_code="2.1",
        )
        lost = system.objective_create(
            actor=desk.user("thuky"),
            agency=desk.department,
            year=2026,
            title="Không để mất giấy tờ",
            target=Decimal(0),
            direction="lower",
            frequency="quarterly",
            owner=desk.user("lanhdao"),
        )
        row = system.objective_enter_value(
            actor=desk.user("thuky"), objective=lost, day=dt.date(2026, 5, 2), value=Decimal(0)
        )
        assert (row.period_start, row.status, row.is_manual) == (dt.date(2026, 4, 1), "met", True)
        with pytest.raises(ValidationFailed):  # a registry measure is never typed in
            system.objective_enter_value(
                actor=desk.user("thuky"),
                objective=on_time,
                day=dt.date(2026, 5, 2),
                value=Decimal(99),
            )
        march = system.objective_measure(objective=on_time, day=dt.date(2026, 3, 31))
        may = system.objective_measure(objective=on_time, day=dt.date(2026, 5, 31))
    assert march is not None and (march.value, march.status) == (Decimal(0), "missed")
    assert (march.numerator, march.denominator) == (Decimal(0), Decimal(1))
    assert may is not None and (may.value, may.status) == (None, "no_data")  # no dossier in May


@time_machine.travel(NOW, tick=False)
def test_management_review_pack_outputs_and_its_chair(demo: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        review_svc.management_review_record(
            actor=demo.user("thuky"),
            agency=demo.department,
            held_on=dt.date(2026, 5, 28),
            chair=demo.user("truongphong"),
            attendees="",
            conclusions="",
            system_effective=True,
        )
    assert "chair" in error.value.details
    with pytest.raises(ValidationFailed):
        review_svc.management_review_record(
            actor=demo.user("thuky"),
            agency=demo.department,
            held_on=dt.date(2026, 6, 5),
            chair=demo.user("lanhdao"),
            attendees="",
            conclusions="",
            system_effective=True,
        )
    review = review_svc.management_review_record(
        actor=demo.user("thuky"),
        agency=demo.department,
        held_on=dt.date(2026, 5, 28),
        chair=demo.user("lanhdao"),
        attendees="Ban Chỉ đạo ISO",
        conclusions="Duy trì",
        system_effective=True,
    )
    assert set(review.pack) >= {
        "a_previous_actions",
        "b_context_changes",
        "c_performance",
        "d_resources",
        "e_risks",
        "f_improvements",
    }
    output = review_svc.review_output_add(
        actor=demo.user("thuky"),
        review=review,
        description="Bổ sung máy quét",
        owner=demo.user("truongphong"),
        due_on=dt.date(2026, 6, 30),
    )
    assert output.status == "open"
    assert (
        nc_svc.action_complete(
            actor=demo.user("truongphong"), action_id=output.pk, result="Đã mua"
        ).status
        == "done"
    )


def test_reminders_are_sent_once_and_catch_up(demo: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        nc = nc_svc.nc_open(
            actor=demo.user("thuky"),
            agency=demo.department,
            source="complaint",
            title="x",
            description="y",
        )
        nc_svc.nc_action_add(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            description="Tập huấn",
            owner=demo.user("truongphong"),
            due_on=dt.date(2026, 6, 20),
        )
        revision = draft(demo, new_document(demo))
        act(demo, "thuky", revision, "submit")
        act(demo, "lanhdao", revision, "approve")
        act(demo, "thuky", revision, "publish", distribute_to=[unit(demo, "BCXB")])
        # The action is due in 19 days: beyond the 7-day lead, no reminder yet.
        assert reminders_send(today=dt.date(2026, 6, 1)) == 2  # the two readers of BCXB
    assert not Reminder.objects.filter(kind="action").exists()
    # The job did not run for two weeks: the first run after the lead date catches up, once.
    assert reminders_send(today=dt.date(2026, 6, 25)) == 1
    assert reminders_send(today=dt.date(2026, 6, 25)) == 0
    assert reminders_send(today=dt.date(2026, 6, 26)) == 0
    action_reminder = Reminder.objects.get(kind="action")
    assert action_reminder.user.username == "truongphong" and action_reminder.due_on == dt.date(
        2026, 6, 20
    )
    from isogov.notifications.models import OutboxMessage

    assert (
        OutboxMessage.objects.filter(
            object_type="qms.reminder", recipient="truongphong@demo.isogov.vn"
        ).count()
        == 2
    )


def test_review_pack_counts_every_finished_dossier(desk: Any) -> None:
    from isogov.qms.selectors import review_pack

    from .test_nonconformities import _late_dossier

    _late_dossier(desk, 9, name="Người thứ nhất")
    _late_dossier(desk, 16, name="Người thứ hai")
    with time_machine.travel(NOW, tick=False):
        pack = review_pack(agency=desk.department, until=dt.date(2026, 5, 31))
    performance = pack["c_performance"]
    assert (performance["dossiers_finished"], performance["on_time"]) == (2, 0)
    assert performance["on_time_rate"] == 0

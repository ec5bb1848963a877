"""Nonconformities (§10.2): the lifecycle guards, and proposals read from late dossiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.dossiers import services as dossiers
from isogov.dossiers.tests.conftest import act, at, intake
from isogov.qms.models import NcStatus, Nonconformity
from isogov.qms.services import nonconformities as nc_svc
from isogov.qms.services.proposals import nonconformities_propose

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC)


def _open(demo: Any) -> Any:
    return nc_svc.nc_open(
        actor=demo.user("thuky"),
        agency=demo.department,
        source="complaint",
        title="Khiếu nại về thái độ",
        description="Người dân phản ánh",
        owner=demo.user("truongphong"),
    )


def _with_action(demo: Any) -> tuple[Any, Any]:
    nc = _open(demo)
    action = nc_svc.nc_action_add(
        actor=demo.user("thuky"),
        nc_id=nc.pk,
        description="Tập huấn giao tiếp",
        owner=demo.user("truongphong"),
        due_on=dt.date(2026, 6, 10),
    )
    nc.refresh_from_db()
    return nc, action


@time_machine.travel(NOW, tick=False)
def test_no_start_without_an_action_plan(demo: Any) -> None:
    nc = _open(demo)
    with pytest.raises(ConflictError) as error:
        nc_svc.nc_start(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
    assert str(error.value.message) == str(nc_svc.NO_PLAN)
    nc, _action = _with_action(demo)
    started = nc_svc.nc_start(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
    assert started.status == NcStatus.IN_PROGRESS


@time_machine.travel(NOW, tick=False)
def test_no_closing_with_open_actions(demo: Any) -> None:
    nc, _action = _with_action(demo)
    nc = nc_svc.nc_start(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
    with pytest.raises(ConflictError) as error:
        nc_svc.nc_close(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
    assert "1" in str(error.value.message)


def test_no_closing_without_an_effectiveness_check_after_the_actions(demo: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        nc, action = _with_action(demo)
        nc = nc_svc.nc_start(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
        nc_svc.action_complete(
            actor=demo.user("truongphong"), action_id=action.pk, result="Đã tập huấn"
        )
        nc.refresh_from_db()
        assert nc.effectiveness_due_on == dt.date(2026, 7, 1)
        with pytest.raises(ConflictError):
            nc_svc.nc_close(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
        with pytest.raises(ValidationFailed) as error:  # dated on the day of the action
            nc_svc.effectiveness_check_record(
                actor=demo.user("thuky"),
                nc_id=nc.pk,
                checked_on=dt.date(2026, 6, 1),
                is_effective=True,
                note="Không còn phản ánh",
            )
        assert "checked_on" in error.value.details
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        nc_svc.effectiveness_check_record(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            checked_on=dt.date(2026, 6, 30),
            is_effective=False,
            note="Vẫn còn một phản ánh",
        )
        with pytest.raises(ConflictError):  # a check that found it ineffective does not close it
            nc_svc.nc_close(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
        nc_svc.effectiveness_check_record(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            checked_on=dt.date(2026, 7, 1),
            is_effective=True,
            note="Không còn phản ánh trong tháng 6",
        )
        closed = nc_svc.nc_close(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
    assert closed.status == NcStatus.CLOSED and closed.closed_on == dt.date(2026, 7, 1)


@time_machine.travel(NOW, tick=False)
def test_effectiveness_is_checked_only_once_every_action_is_done(demo: Any) -> None:
    nc, _action = _with_action(demo)
    nc = nc_svc.nc_start(actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version)
    with pytest.raises(ConflictError):
        nc_svc.effectiveness_check_record(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            checked_on=dt.date(2026, 6, 1),
            is_effective=True,
            note="x",
        )


@time_machine.travel(NOW, tick=False)
def test_only_the_owner_or_the_secretary_completes_an_action(demo: Any) -> None:
    _nc, action = _with_action(demo)
    with pytest.raises(PermissionDenied):
        nc_svc.action_complete(actor=demo.user("chuyenvien"), action_id=action.pk, result="x")
    assert (
        nc_svc.action_complete(actor=demo.user("thuky"), action_id=action.pk, result="Xong").status
        == "done"
    )


@time_machine.travel(NOW, tick=False)
def test_actions_due_in_the_past_and_more_than_five_whys_are_refused(demo: Any) -> None:
    nc = _open(demo)
    with pytest.raises(ValidationFailed) as error:
        nc_svc.nc_action_add(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            description="x",
            owner=demo.user("thuky"),
            due_on=dt.date(2026, 5, 1),
        )
    assert "due_on" in error.value.details
    with pytest.raises(ValidationFailed):
        nc_svc.nc_analyse(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            version=nc.version,
            correction="",
            whys=["1", "2", "3", "4", "5", "6"],
            root_cause="Thiếu hướng dẫn",
        )
    analysed = nc_svc.nc_analyse(
        actor=demo.user("thuky"),
        nc_id=nc.pk,
        version=nc.version,
        correction="Xin lỗi người dân",
        whys=["Cán bộ mới", "Chưa tập huấn"],
        root_cause="Thiếu chương trình tập huấn",
    )
    assert analysed.whys == ["Cán bộ mới", "Chưa tập huấn"]


def _late_dossier(desk: Any, day: int, month: int = 3, name: str = "Nguyễn Văn An") -> Any:
    """A CFS dossier finished after an apology: late, with one apology letter."""
    with time_machine.travel(at(month, day, 8), tick=False):
        dossier = dossiers.dossier_receive(actor=desk.user("motcua"), data=intake(desk, name=name))
    act(at(month, day, 9), dossiers.dossier_step_complete, dossier, None)
    act(
        at(month, day + 1, 9),
        dossiers.dossier_apologise,
        dossier,
        None,
        new_due_at=at(month, day + 7, 17),
        reason="Chờ ý kiến phối hợp",
    )
    for minute in range(6):
        act(at(month, day + 2, 9, minute), dossiers.dossier_step_complete, dossier, None)
    act(
        at(month, day + 2, 10),
        dossiers.dossier_record_result,
        dossier,
        None,
        number=f"{day}/GCN-STTTT",
        signer="Trần Thị Lãnh",
        summary="",
    )
    act(at(month, day + 2, 11), dossiers.dossier_approve_result, dossier, None)
    return act(
        at(month, day + 2, 14), dossiers.dossier_return_result, dossier, None, method="at_desk"
    )


def test_late_dossiers_are_proposed_grouped_per_procedure_and_month(desk: Any) -> None:
    march = [_late_dossier(desk, day, name=f"Người {day}") for day in (9, 16)]
    april = _late_dossier(desk, 6, month=4)
    assert {d.outcome for d in [*march, april]} == {"late"}
    with time_machine.travel(at(4, 20, 9), tick=False):
        run = nonconformities_propose(agency=desk.department)
    late = Nonconformity.objects.filter(source="late_dossier").order_by("period_start")
    assert [(nc.period_start, len(nc.dossier_codes)) for nc in late] == [
        (dt.date(2026, 3, 1), 2),
        (dt.date(2026, 4, 1), 1),
    ]
    assert sorted(late[0].dossier_codes) == sorted(d.code for d in march)
    assert all(nc.status == NcStatus.PROPOSED and nc.procedure.code == "1.014464" for nc in late)
    assert Nonconformity.objects.filter(source="apology").count() == 2  # the letters, too
    assert run.created == 4
    with time_machine.travel(at(4, 21, 9), tick=False):
        again = nonconformities_propose(agency=desk.department)
    assert (again.created, again.extended) == (0, 0)
    assert Nonconformity.objects.count() == 4


def test_a_late_dossier_joins_its_months_proposal_and_a_dismissed_one_stays_dismissed(
    desk: Any,
) -> None:
    _late_dossier(desk, 9)
    with time_machine.travel(at(3, 12, 9), tick=False):
        nonconformities_propose(agency=desk.department)
    late = Nonconformity.objects.get(source="late_dossier")
    _late_dossier(desk, 16)
    with time_machine.travel(at(3, 20, 9), tick=False):
        assert nonconformities_propose(agency=desk.department).extended >= 1
    late.refresh_from_db()
    assert len(late.dossier_codes) == 2 and late.title.startswith("2 ")
    with time_machine.travel(at(3, 20, 10), tick=False):
        nc_svc.nc_dismiss(
            actor=desk.user("thuky"), nc_id=late.pk, version=late.version, reason="Do lỗi hệ thống"
        )
    _late_dossier(desk, 23)
    with time_machine.travel(at(3, 30, 9), tick=False):
        nonconformities_propose(agency=desk.department)
    late.refresh_from_db()
    assert late.status == NcStatus.DISMISSED and len(late.dossier_codes) == 2
    assert Nonconformity.objects.filter(source="late_dossier").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_proposal_is_accepted_by_the_secretary_only(demo: Any) -> None:
    nc = nc_svc.nc_open(
        actor=None,
        agency=demo.department,
        source="late_dossier",
        title="x",
        description="y",
        status=NcStatus.PROPOSED,
    )
    with pytest.raises(PermissionDenied):
        nc_svc.nc_accept_proposal(
            actor=demo.user("chuyenvien"),
            nc_id=nc.pk,
            version=nc.version,
            owner=demo.user("truongphong"),
        )
    accepted = nc_svc.nc_accept_proposal(
        actor=demo.user("thuky"), nc_id=nc.pk, version=nc.version, owner=demo.user("truongphong")
    )
    assert accepted.status == NcStatus.OPEN
    with pytest.raises(ConflictError):
        nc_svc.nc_accept_proposal(
            actor=demo.user("thuky"),
            nc_id=nc.pk,
            version=accepted.version,
            owner=demo.user("truongphong"),
        )

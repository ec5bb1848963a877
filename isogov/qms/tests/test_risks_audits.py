"""Risks (§6.1) and internal audits (§9.2): every guard as a success and a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.qms import rules
from isogov.qms.models import AuditStatus, ChecklistItem, Nonconformity, RiskStatus
from isogov.qms.services import audits, risks

from .conftest import make_auditor, unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        pytest.param(1, 1, "low", id="rare_and_minor_is_low"),
        pytest.param(3, 3, "medium", id="nine_is_medium"),
        pytest.param(4, 4, "high", id="sixteen_is_high"),
        pytest.param(5, 4, "critical", id="twenty_is_critical"),
    ],
)
def test_default_matrix_lookup(likelihood: int, impact: int, level: str) -> None:
    assert rules.matrix_level(rules.default_matrix(), likelihood, impact) == level


def test_matrix_lookup_off_the_grid_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.matrix_level(rules.default_matrix(), 6, 1)


@pytest.mark.parametrize(
    ("level", "major", "minor", "count"),
    [
        pytest.param("low", 0, 0, 1, id="low_risk_clean_once"),
        pytest.param("high", 0, 0, 2, id="high_risk_twice"),
        pytest.param("low", 1, 0, 2, id="major_last_year_twice"),
        pytest.param("medium", 0, 3, 2, id="three_minors_twice"),
    ],
)
def test_audit_frequency_by_risk_and_past_results(
    level: str, major: int, minor: int, count: int
) -> None:
    assert rules.audits_per_year(risk_level=level, past_major=major, past_minor=minor)[0] == count


def _risk(demo: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("likelihood", 4)
    kwargs.setdefault("impact", 4)
    return risks.risk_create(
        actor=demo.user("thuky"),
        agency=demo.department,
        code=kwargs.pop("code", "R01"),
        kind=kwargs.pop("kind", "risk"),
        title="Trễ hạn do thiếu nhân sự",
        owner=demo.user("truongphong"),
        review_on=TODAY,
        **kwargs,
    )


def test_risk_gets_its_inherent_level_from_the_matrix(demo: Any) -> None:
    assert _risk(demo).inherent_level == "high"
    with pytest.raises(ValidationFailed) as error:
        _risk(demo, code="R02", likelihood=7)
    assert "likelihood" in error.value.details


def test_a_smaller_agency_matrix_is_used(demo: Any) -> None:
    risks.matrix_set(actor=demo.user("thuky"), agency=demo.department, size=3)
    assert _risk(demo, likelihood=3, impact=3).inherent_level == "critical"
    with pytest.raises(ValidationFailed):
        _risk(demo, code="R09", likelihood=4, impact=1)


def test_owner_approves_the_plan_with_a_snapshot(demo: Any) -> None:
    risk = _risk(demo)
    risks.risk_action_add(
        actor=demo.user("thuky"),
        risk=risk,
        description="Bố trí thêm cán bộ",
        owner=demo.user("truongphong"),
        due_on=TODAY,
    )
    risk = risks.risk_plan_treatment(
        actor=demo.user("thuky"),
        risk_id=risk.pk,
        version=risk.version,
        treatment="mitigate",
        residual_likelihood=2,
        residual_impact=2,
    )
    assert risk.residual_level == "low"
    with pytest.raises(PermissionDenied) as error:
        risks.risk_approve(actor=demo.user("lanhdao"), risk_id=risk.pk, version=risk.version)
    assert "Lê Văn Trưởng" in str(error.value.message)
    approved = risks.risk_approve(
        actor=demo.user("truongphong"), risk_id=risk.pk, version=risk.version
    )
    assert approved.status == RiskStatus.APPROVED
    assert approved.approved_snapshot["residual_level"] == "low"
    assert approved.approved_snapshot["actions"][0]["description"] == "Bố trí thêm cán bộ"


def test_mitigation_without_actions_cannot_be_approved(demo: Any) -> None:
    risk = _risk(demo)
    risk = risks.risk_plan_treatment(
        actor=demo.user("thuky"),
        risk_id=risk.pk,
        version=risk.version,
        treatment="mitigate",
        residual_likelihood=2,
        residual_impact=2,
    )
    with pytest.raises(ValidationFailed):
        risks.risk_approve(actor=demo.user("truongphong"), risk_id=risk.pk, version=risk.version)


def test_acceptance_needs_an_expiry_date(demo: Any) -> None:
    risk = _risk(demo)
    with pytest.raises(ValidationFailed) as error:
        risks.risk_plan_treatment(
            actor=demo.user("thuky"),
            risk_id=risk.pk,
            version=risk.version,
            treatment="accept",
            residual_likelihood=4,
            residual_impact=4,
        )
    assert "accepted_until" in error.value.details
    risk = risks.risk_plan_treatment(
        actor=demo.user("thuky"),
        risk_id=risk.pk,
        version=risk.version,
        treatment="accept",
        residual_likelihood=4,
        residual_impact=4,
        accepted_until=dt.date(2026, 12, 31),
    )
    approved = risks.risk_approve(
        actor=demo.user("truongphong"), risk_id=risk.pk, version=risk.version
    )
    assert approved.approved_snapshot["accepted_until"] == "2026-12-31"


def test_opportunities_are_first_class(demo: Any) -> None:
    opportunity = _risk(demo, code="O01", kind="opportunity", likelihood=3, impact=4)
    opportunity = risks.risk_plan_treatment(
        actor=demo.user("thuky"),
        risk_id=opportunity.pk,
        version=opportunity.version,
        treatment="exploit",
        residual_likelihood=4,
        residual_impact=4,
    )
    assert opportunity.treatment == "exploit"
    risk = _risk(demo, code="R05")
    with pytest.raises(ValidationFailed):
        risks.risk_plan_treatment(
            actor=demo.user("thuky"),
            risk_id=risk.pk,
            version=risk.version,
            treatment="exploit",
            residual_likelihood=1,
            residual_impact=1,
        )


def _plan(demo: Any, team: list[Any], units: list[str], **kwargs: Any) -> Any:
    return audits.audit_plan(
        actor=demo.user("thuky"),
        agency=demo.department,
        title="Đánh giá nội bộ 2026",
        scope="Các quy trình TTHC",
        units=[unit(demo, code) for code in units],
        processes=kwargs.pop("processes", []),
        clauses=kwargs.pop("clauses", ["7.5", "8.5"]),
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=2),
        lead_auditor=team[0],
        team=team,
    )


def test_an_auditor_never_audits_their_own_unit(demo: Any) -> None:
    auditor = make_auditor(demo, "kiemtoan", "BCXB")
    with pytest.raises(ValidationFailed) as error:
        _plan(demo, [auditor], ["BCXB", "MC"])
    message = str(error.value.message)
    assert "Kiểm Toán kiemtoan" in message and "Phòng Báo chí – Xuất bản" in message
    assert "team" in error.value.details
    audit = _plan(demo, [auditor], ["BCVT", "MC"])
    assert audit.status == AuditStatus.PLANNED


def test_an_auditor_never_audits_a_process_run_by_their_unit(desk: Any) -> None:
    from isogov.catalog.models import InternalProcess

    process = InternalProcess.objects.get(code="QT 01/STTTT")
    step = process.steps.order_by("order").first()
    step.unit = unit(desk, "CNTT")
    step.save()
    auditor = make_auditor(desk, "kiemtoan", "CNTT")
    with pytest.raises(ValidationFailed) as error:
        _plan(desk, [auditor], ["MC"], processes=[process])
    assert "Phòng Công nghệ thông tin" in str(error.value.message)
    assert _plan(desk, [make_auditor(desk, "kiemtoan2", "BCVT")], ["MC"], processes=[process])


def test_team_members_must_be_internal_auditors(demo: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        _plan(demo, [demo.user("chuyenvien")], ["MC"])
    assert "Hoàng Văn Chuyên" in str(error.value.message)
    assert _plan(demo, [demo.user("danhgia")], ["MC"])


def test_checklist_is_seeded_by_clause_and_unknown_clauses_refused(demo: Any) -> None:
    audit = _plan(demo, [demo.user("danhgia")], ["MC"], clauses=["9.3", "7.5"])
    assert audit.clauses == ["7.5", "9.3"]
    assert ChecklistItem.objects.filter(audit=audit, clause="7.5").count() == 2
    with pytest.raises(ValidationFailed):
        _plan(demo, [demo.user("danhgia")], ["MC"], clauses=["11.1"])


def test_findings_by_the_team_only_and_nc_grades_open_a_nonconformity(demo: Any) -> None:
    audit = _plan(demo, [demo.user("danhgia")], ["MC"])
    with pytest.raises(PermissionDenied):
        audits.finding_record(
            actor=demo.user("thuky"),
            audit_id=audit.pk,
            grade="observation",
            clause="7.5",
            description="x",
            evidence="y",
        )
    audits.finding_record(
        actor=demo.user("danhgia"),
        audit_id=audit.pk,
        grade="observation",
        clause="7.5",
        description="Sổ theo dõi ghi chưa đủ",
        evidence="Sổ tháng 5",
    )
    assert not Nonconformity.objects.exists()
    finding = audits.finding_record(
        actor=demo.user("danhgia"),
        audit_id=audit.pk,
        grade="minor_nc",
        clause="8.5",
        description="Chưa trả bản gốc",
        evidence="Hồ sơ 000.00.15.H26-260501-0001",
        unit=unit(demo, "MC"),
    )
    assert finding.nonconformity.source == "audit_finding"
    with pytest.raises(ValidationFailed):
        audits.finding_record(
            actor=demo.user("danhgia"),
            audit_id=audit.pk,
            grade="minor_nc",
            clause="8.5",
            description="x",
            evidence=" ",
        )


def test_report_by_the_lead_auditor_then_findings_are_fixed(demo: Any) -> None:
    audit = _plan(demo, [demo.user("danhgia")], ["MC"])
    with pytest.raises(PermissionDenied):
        audits.audit_report(
            actor=demo.user("thuky"), audit_id=audit.pk, version=audit.version, summary="x"
        )
    audit = audits.audit_report(
        actor=demo.user("danhgia"), audit_id=audit.pk, version=audit.version, summary="Phù hợp"
    )
    with pytest.raises(ConflictError):
        audits.finding_record(
            actor=demo.user("danhgia"),
            audit_id=audit.pk,
            grade="observation",
            clause="7.5",
            description="x",
            evidence="y",
        )


@time_machine.travel(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)
def test_programme_audits_high_risk_processes_twice(desk: Any) -> None:
    from isogov.catalog.models import InternalProcess

    from .conftest import new_document

    first, second = InternalProcess.objects.order_by("code")[:2]
    new_document(desk, code="QT01", doc_type="process", internal_process=first)
    new_document(desk, code="QT02", doc_type="process", internal_process=second)
    _risk(desk, process=first)  # 4 × 4: high
    entries = {
        e.process_id: e
        for e in audits.programme_build(actor=desk.user("thuky"), agency=desk.department, year=2026)
    }
    assert entries[first.pk].audits_per_year == 2
    assert entries[second.pk].audits_per_year == 1

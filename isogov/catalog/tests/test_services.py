from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from isogov.audit.models import AuditEvent
from isogov.catalog.models import ProcedureVersion, VersionStatus
from isogov.catalog.selectors import version_as_record, version_in_force
from isogov.catalog.services import (
    NOT_ALLOWED_IN_STATE,
    agency_procedure_assign,
    process_save,
    version_create_draft,
    version_publish,
    version_retire,
    version_update_draft,
)
from isogov.core.errors import ApplicationError, ConflictError, ValidationFailed

from .factories import procedure, published_version, version_record

pytestmark = pytest.mark.django_db


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00"))


def test_version_in_force_follows_effective_dates() -> None:
    first = published_version(effective_from=dt.date(2025, 1, 1))
    draft = version_create_draft(actor=None, procedure=first.procedure)
    second = version_publish(
        actor=None, version=draft, effective_from=dt.date(2025, 7, 1), sent_version=draft.version
    )
    first.refresh_from_db()
    assert first.effective_to == dt.date(2025, 6, 30)
    proc = first.procedure
    assert version_in_force(procedure=proc, at=_at("2024-12-31")) is None
    assert version_in_force(procedure=proc, at=_at("2025-06-30")) == first
    assert version_in_force(procedure=proc, at=_at("2025-07-01")) == second
    assert version_in_force(procedure=proc, at=_at("2030-01-01")) == second


def test_version_in_force_uses_the_vietnam_date_of_the_instant() -> None:
    first = published_version(effective_from=dt.date(2025, 1, 1))
    # 23:30 UTC on 31 Dec is 06:30 on 1 Jan in Hà Nội.
    at = dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert version_in_force(procedure=first.procedure, at=at) == first


def test_draft_is_never_in_force() -> None:
    proc = procedure()
    version_create_draft(actor=None, procedure=proc, data=version_record())
    assert version_in_force(procedure=proc, at=_at("2030-01-01")) is None


def test_retired_version_is_in_force_until_its_last_day_only() -> None:
    version = published_version(effective_from=dt.date(2025, 1, 1))
    version_retire(actor=None, version=version, effective_to=dt.date(2025, 3, 31))
    assert version_in_force(procedure=version.procedure, at=_at("2025-03-31")) == version
    assert version_in_force(procedure=version.procedure, at=_at("2025-04-01")) is None


def test_published_version_refuses_edit_and_nothing_changes() -> None:
    version = published_version()
    before = version_as_record(version=version)
    with pytest.raises(ConflictError) as error:
        version_update_draft(
            actor=None,
            version=version,
            sent_version=version.version,
            data=version_record(name="Tên mới"),
        )
    assert error.value.code == "invalid_state"
    assert str(error.value.message) == str(
        NOT_ALLOWED_IN_STATE % {"action": "Sửa bản nháp", "status": "Đã công bố"}
    )
    stored = ProcedureVersion.objects.get(pk=version.pk)
    assert version_as_record(version=stored) == before
    assert stored.name == "Cấp giấy phép hoạt động in xuất bản phẩm"


def test_publishing_twice_is_refused() -> None:
    version = published_version()
    with pytest.raises(ApplicationError):
        version_publish(
            actor=None,
            version=version,
            effective_from=dt.date(2026, 1, 1),
            sent_version=version.version,
        )


def test_draft_update_replaces_content_and_is_audited() -> None:
    proc = procedure()
    draft = version_create_draft(actor=None, procedure=proc, data=version_record())
    updated = version_update_draft(
        actor=None,
        version=draft,
        sent_version=draft.version,
        data=version_record(name="Cấp lại giấy phép", papers=[]),
    )
    assert updated.name == "Cấp lại giấy phép"
    assert updated.papers.count() == 0
    assert updated.version == draft.version + 1
    assert AuditEvent.objects.filter(action="procedure_version.update").count() == 1


def test_stale_draft_edit_is_a_conflict() -> None:
    draft = version_create_draft(actor=None, procedure=procedure(), data=version_record())
    with pytest.raises(ConflictError):
        version_update_draft(
            actor=None, version=draft, sent_version=draft.version - 1, data=version_record()
        )


def test_bad_draft_content_names_the_field() -> None:
    draft = version_create_draft(actor=None, procedure=procedure(), data=version_record())
    bad = version_record()
    bad["channels"][0]["time"]["value"] = "ba ngày"
    with pytest.raises(ValidationFailed) as error:
        version_update_draft(actor=None, version=draft, sent_version=draft.version, data=bad)
    assert "channels[0].time.value" in error.value.details


def test_new_version_must_take_effect_after_the_current_one() -> None:
    first = published_version(effective_from=dt.date(2025, 7, 1))
    draft = version_create_draft(actor=None, procedure=first.procedure)
    with pytest.raises(ValidationFailed):
        version_publish(
            actor=None,
            version=draft,
            effective_from=dt.date(2025, 7, 1),
            sent_version=draft.version,
        )
    assert ProcedureVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_only_one_draft_at_a_time() -> None:
    first = published_version()
    version_create_draft(actor=None, procedure=first.procedure)
    with pytest.raises(ConflictError):
        version_create_draft(actor=None, procedure=first.procedure)


def _cfs_steps(last: str = "1.25") -> list[dict[str, Any]]:
    values = ["0.25", "0.25", "0.5", "0.25", "0.25", "0.25", last]
    steps = [
        {"order": i, "name": f"Bước {i}", "allowance": {"value": v, "unit": "working_days"}}
        for i, v in enumerate(values, start=1)
    ]
    steps.append(
        {
            "order": 8,
            "name": "Trả kết quả",
            "allowance": {"value": "0", "unit": "working_days"},
            "is_counted": False,
        }
    )
    return steps


def _cfs_version() -> ProcedureVersion:
    channel = {"time": {"value": 3, "unit": "working_days"}}
    return published_version(
        procedure("1.014464"),
        name="Cấp giấy chứng nhận lưu hành tự do (CFS)",
        channels=[{**channel, "kind": k} for k in ("in_person", "postal", "online_partial")],
    )


def test_cfs_process_allowances_add_up_to_three_working_days() -> None:
    version = _cfs_version()
    process = process_save(
        actor=None,
        data={"code": "QT 05/STTTT", "title": "Quy trình CFS", "steps": _cfs_steps()},
        versions=[version],
    )
    assert process.steps.count() == 8
    assert sum(s.allowance_value for s in process.steps.filter(is_counted=True)) == Decimal(3)


def test_process_whose_allowances_miss_the_legal_time_is_refused_with_the_difference() -> None:
    version = _cfs_version()
    with pytest.raises(ValidationFailed) as error:
        process_save(
            actor=None,
            data={"code": "QT 05/STTTT", "title": "Quy trình CFS", "steps": _cfs_steps("1")},
            versions=[version],
        )
    message = str(error.value.message)
    assert "2.75" in message
    assert "−0.25" in message
    assert len(error.value.details["steps"]) == 3  # one per channel


def test_similar_procedures_share_one_process() -> None:
    first = _cfs_version()
    second = published_version(
        procedure("1.014465"),
        channels=[{"kind": "in_person", "time": {"value": 3, "unit": "working_days"}}],
    )
    process = process_save(
        actor=None,
        data={"code": "QT 05/STTTT", "title": "Quy trình CFS", "steps": _cfs_steps()},
        versions=[first, second],
    )
    assert set(process.versions.all()) == {first, second}


def test_unit_of_another_agency_cannot_carry_out_a_procedure(demo: Any) -> None:
    proc = procedure()
    other_unit = demo.other.units.first()
    with pytest.raises(ValidationFailed):
        agency_procedure_assign(actor=None, agency=demo.department, procedure=proc, unit=other_unit)
    unit = demo.department.units.get(code="BCXB")
    assignment = agency_procedure_assign(
        actor=None, agency=demo.department, procedure=proc, unit=unit
    )
    assert assignment.unit == unit


def test_text_area_line_ends_are_stored_one_way_so_versions_compare_equal() -> None:
    draft = version_create_draft(
        actor=None, procedure=procedure(), data=version_record(steps_text="Bước 1\r\nBước 2")
    )
    assert draft.steps_text == "Bước 1\nBước 2"


@pytest.mark.parametrize(
    ("value", "unit", "field"),
    [(Decimal(0), "working_days", "promise_value"), (Decimal(2), "calendar_days", "promise_unit")],
)
def test_a_promise_that_is_not_a_positive_working_time_is_refused(
    demo: Any, value: Decimal, unit: str, field: str
) -> None:
    proc = procedure()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        agency_procedure_assign(
            actor=None,
            agency=demo.department,
            procedure=proc,
            promise_value=value,
            promise_unit=unit,
        )
    assert field in error.value.details
    assert not proc.agencies.exists()
    assert AuditEvent.objects.count() == before


def test_the_agency_promise_is_stored_and_audited(demo: Any) -> None:
    proc = procedure()
    assignment = agency_procedure_assign(
        actor=None, agency=demo.department, procedure=proc, promise_value=Decimal("1.5")
    )
    assignment.refresh_from_db()
    assert (assignment.promise_value, assignment.promise_unit) == (Decimal("1.5"), "working_days")
    event = AuditEvent.objects.filter(action="agency_procedure.assign").latest("seq")
    assert event.after["promise"] == "1.5 working_days"
    # Saving the same again changes nothing and writes no event.
    agency_procedure_assign(
        actor=None, agency=demo.department, procedure=proc, promise_value=Decimal("1.50")
    )
    assert AuditEvent.objects.filter(action="agency_procedure.assign").latest("seq") == event

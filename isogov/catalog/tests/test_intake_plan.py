"""The intake plan kept in memory, and the stamp that the database replaces when it changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from isogov.accounts.models import Unit
from isogov.catalog import intake
from isogov.catalog.intake import IntakePlan, IntakePlanError, catalog_stamp, intake_plan
from isogov.catalog.models import (
    AgencyProcedure,
    FeeItem,
    InternalProcess,
    ProcedureChannel,
    ProcedureVersion,
    ProcessStep,
)
from isogov.catalog.stamps import STAMPED_TABLES, ensure_stamp_triggers, trigger_names
from isogov.catalog.tests.factories import promise

pytestmark = pytest.mark.django_db

CFS = "1.014464"
AT = timezone.make_aware(dt.datetime(2026, 2, 13, 16, 0))


def plan(demo: Any, channel: str = "in_person") -> IntakePlan:
    return intake_plan(agency=demo.department, procedure_code=CFS, channel_kind=channel, at=AT)


def cfs_version() -> ProcedureVersion:
    return ProcedureVersion.objects.get(procedure__code=CFS)


def test_the_plan_holds_what_the_desk_needs(desk: Any) -> None:
    built = plan(desk)
    version = cfs_version()
    assert built.procedure_code == CFS
    assert built.version_id == version.pk
    assert built.channel_kind == "in_person"
    assert (built.time_value, built.time_unit) == (Decimal(3), "working_days")
    assert [step.allowance_value for step in built.steps] == [
        Decimal("0.25"),
        Decimal("0.25"),
        Decimal("0.5"),
        Decimal("0.25"),
        Decimal("0.25"),
        Decimal("0.25"),
        Decimal("1.25"),
        Decimal("0"),
    ]
    one_stop = Unit.objects.get(agency=desk.department, is_one_stop=True)
    assert built.steps[0].unit_id == one_stop.pk
    assert built.steps[-1].is_counted is False
    assert built.missing_papers(["don de nghi (theo mau)"]) == []
    assert built.missing_papers([]) == ["Đơn đề nghị (theo mẫu)"]


def test_a_second_lookup_reads_only_the_stamp(desk: Any, django_assert_num_queries: Any) -> None:
    first = plan(desk)
    with django_assert_num_queries(1):
        second = plan(desk)
    assert second is first


def _allowance(demo: Any) -> None:
    ProcessStep.objects.filter(process__versions__procedure__code=CFS, order=3).update(
        allowance_value=Decimal("0.75")
    )


def _raw_paper(demo: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_paper SET is_required = %s", [False])


def _fee(demo: Any) -> None:
    fee = FeeItem.objects.filter(version__procedure__code=CFS).first()
    assert fee is not None
    fee.amount_vnd = 150_000
    fee.save()


def _new_fee(demo: Any) -> None:
    FeeItem.objects.bulk_create(
        [FeeItem(version=cfs_version(), name="Lệ phí mới", amount_vnd=20_000, order=9)]
    )


def _channel_time(demo: Any) -> None:
    ProcedureChannel.objects.filter(version__procedure__code=CFS, kind="in_person").update(
        time_value=Decimal(2)
    )


def _unit_inactive(demo: Any) -> None:
    Unit.objects.filter(agency=demo.department, is_one_stop=True).update(is_active=False)


def _process_unlinked(demo: Any) -> None:
    for process in InternalProcess.objects.filter(versions__procedure__code=CFS):
        process.versions.remove(cfs_version())


def _step_deleted(demo: Any) -> None:
    ProcessStep.objects.filter(process__versions__procedure__code=CFS, order=8).delete()


def _version_renamed(demo: Any) -> None:
    ProcedureVersion.objects.filter(procedure__code=CFS).update(name="Tên mới của thủ tục")


def _assignment_off(demo: Any) -> None:
    AgencyProcedure.objects.filter(procedure__code=CFS).update(is_active=False)


def _promise(demo: Any) -> None:
    promise(demo.department, "2")


def _version_ended(demo: Any) -> None:
    ProcedureVersion.objects.filter(procedure__code=CFS).update(effective_to=dt.date(2026, 1, 31))


CHANGES: list[tuple[str, Callable[[Any], None], Callable[[Any], object]]] = [
    ("step allowance (QuerySet.update)", _allowance, lambda p: p.steps[2].allowance_value),
    ("paper not required (raw SQL)", _raw_paper, lambda p: p.missing_papers([])),
    ("fee amount (save)", _fee, lambda p: [f.amount_vnd for f in p.fees]),
    ("fee added (bulk_create)", _new_fee, lambda p: [f.name for f in p.fees]),
    ("channel time", _channel_time, lambda p: p.time_value),
    ("one-stop unit inactive (accounts)", _unit_inactive, lambda p: p.steps[0].unit_id),
    ("process unlinked (M2M)", _process_unlinked, lambda p: len(p.steps)),
    ("step deleted", _step_deleted, lambda p: len(p.steps)),
    ("version renamed", _version_renamed, lambda p: p.version_name),
    ("agency's promise set (service)", _promise, lambda p: p.promise_value),
]


@pytest.mark.parametrize(("label", "change", "read"), CHANGES, ids=[c[0] for c in CHANGES])
def test_any_change_to_what_the_plan_reads_is_seen_at_once(
    desk: Any, label: str, change: Callable[[Any], None], read: Callable[[Any], object]
) -> None:
    before = read(plan(desk))
    stamp = catalog_stamp()
    change(desk)
    assert catalog_stamp() != stamp, label
    assert read(plan(desk)) != before, label


@pytest.mark.parametrize(
    ("change", "reason"), [(_assignment_off, "not_assigned"), (_version_ended, "no_version")]
)
def test_a_procedure_no_longer_received_is_refused_at_once(
    desk: Any, change: Callable[[Any], None], reason: str
) -> None:
    plan(desk)
    change(desk)
    with pytest.raises(IntakePlanError) as raised:
        plan(desk)
    assert raised.value.reason == reason


def test_a_rolled_back_change_leaves_the_plan_as_stored(desk: Any) -> None:
    before = plan(desk).steps[2].allowance_value
    stamp = catalog_stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        _allowance(desk)
        assert plan(desk).steps[2].allowance_value == Decimal("0.75")
        raise RuntimeError("cancel")
    assert catalog_stamp() == stamp
    assert plan(desk).steps[2].allowance_value == before


def test_without_a_stamp_row_nothing_is_kept_and_the_first_write_restores_it(desk: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_catalogstamp")
    assert catalog_stamp() is None
    plan(desk)
    assert intake._plans == {}  # nothing kept without a stamp
    _allowance(desk)
    assert catalog_stamp() is not None
    assert plan(desk).steps[2].allowance_value == Decimal("0.75")


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_every_table_the_plan_reads_has_the_stamp_triggers() -> None:
    present = _triggers()
    for table in STAMPED_TABLES:
        for name in trigger_names(table, connection.vendor):
            assert name in present, name


def test_a_trigger_lost_in_a_table_rebuild_is_created_again() -> None:
    # What a later migration that rebuilds a table on SQLite does to its triggers.
    name = trigger_names("catalog_agencyprocedure", connection.vendor)[0]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"DROP TRIGGER {name} ON catalog_agencyprocedure")
    assert name not in _triggers()
    assert ensure_stamp_triggers(connection) == 1
    assert name in _triggers()
    assert ensure_stamp_triggers(connection) == 0

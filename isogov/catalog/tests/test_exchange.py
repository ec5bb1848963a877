from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.utils import translation

from isogov.catalog.demo import SAMPLE, sample_as_catalog, seed_catalog
from isogov.catalog.exchange import catalog_export, catalog_import
from isogov.catalog.models import (
    AgencyProcedure,
    InternalProcess,
    Procedure,
    ProcedureVersion,
    Sector,
)
from isogov.core.errors import ValidationFailed

from .factories import promise

pytestmark = pytest.mark.django_db


def _sample(agency_code: str | None = None) -> dict[str, Any]:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return sample_as_catalog(sample, agency_code=agency_code)


def test_demo_seed_imports_the_fifteen_sample_procedures(demo: Any) -> None:
    result = seed_catalog()
    assert result.procedures == 15
    assert Procedure.objects.count() == 15
    assert AgencyProcedure.objects.filter(agency=demo.department).count() == 15
    unverified = ProcedureVersion.objects.get(procedure__code="2.001594")
    assert "giả định" in unverified.description
    cfs = InternalProcess.objects.get(code="QT 01/STTTT")
    assert cfs.versions.count() == 2  # CFS issue and re-issue share the process
    assert not cfs.is_illustrative


def test_demo_seed_runs_twice_without_changes(demo: Any) -> None:
    seed_catalog()
    again = seed_catalog()
    assert again.versions_created == 0
    assert again.versions_unchanged == 15
    assert ProcedureVersion.objects.count() == 15


def test_export_then_import_is_lossless(demo: Any) -> None:
    seed_catalog()
    promise(demo.department, "2")
    exported = catalog_export()
    promised = [(a["procedure"], a["promise"]) for a in exported["assignments"] if a["promise"]]
    assert promised == [("1.014464", {"value": 2, "unit": "working_days"})]
    text = json.dumps(exported, ensure_ascii=False)
    for model in (AgencyProcedure, InternalProcess):
        model.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    catalog_import(actor=None, data=json.loads(text))
    assert catalog_export() == exported


def test_import_with_errors_stores_nothing_and_names_each_bad_item() -> None:
    data = _sample()
    data["procedures"][3]["versions"][0]["channels"][0]["time"]["value"] = "mười"
    data["procedures"][5]["versions"][0]["name"] = ""
    data["procedures"][7]["sector"] = "KHONGCO"
    with pytest.raises(ValidationFailed) as error:
        catalog_import(actor=None, data=data)
    rows = error.value.details["rows"]
    code3 = data["procedures"][3]["code"]
    assert any(code3 in row and "channels[0].time.value" in row for row in rows)
    assert any(data["procedures"][5]["code"] in row and "name" in row for row in rows)
    assert len(rows) == 3
    assert Procedure.objects.count() == 0
    assert Sector.objects.count() == 0
    assert ProcedureVersion.objects.count() == 0


def test_import_errors_read_in_vietnamese() -> None:
    from django.utils import translation

    data = _sample()
    data["procedures"][0]["versions"][0]["channels"][0]["time"]["value"] = "ba"
    with translation.override("vi"), pytest.raises(ValidationFailed) as error:
        catalog_import(actor=None, data=data)
    assert "Thủ tục 1.014464" in error.value.details["rows"][0]


def test_import_refuses_a_process_whose_allowances_miss_the_legal_time() -> None:
    data = _sample()
    data["processes"][0]["steps"][6]["allowance"]["value"] = "1"
    with pytest.raises(ValidationFailed) as error:
        catalog_import(actor=None, data=data)
    assert any("-0.25" in row for row in error.value.details["rows"])
    assert Procedure.objects.count() == 0


def test_import_refuses_to_change_a_published_version() -> None:
    catalog_import(actor=None, data=_sample())
    changed = copy.deepcopy(_sample())
    changed["procedures"][0]["versions"][0]["name"] = "Tên khác"
    with pytest.raises(ValidationFailed):
        catalog_import(actor=None, data=changed)
    assert ProcedureVersion.objects.get(procedure__code="1.014464").name.startswith("Cấp giấy")


def test_importing_a_new_version_ends_the_one_in_force_the_day_before() -> None:
    import datetime as dt

    from isogov.catalog.selectors import version_in_force

    data = _sample()
    catalog_import(actor=None, data=data)
    second = copy.deepcopy(data["procedures"][0]["versions"][0])
    second.update(number=2, effective_from="2026-07-01", name="Cấp giấy chứng nhận CFS (mới)")
    data["procedures"][0]["versions"].append(second)
    catalog_import(actor=None, data=data)
    first = ProcedureVersion.objects.get(procedure__code="1.014464", number=1)
    assert first.effective_to == dt.date(2026, 6, 30)
    procedure = first.procedure
    assert version_in_force(procedure=procedure, at=dt.date(2026, 6, 30)) == first
    assert version_in_force(procedure=procedure, at=dt.date(2026, 7, 1)).number == 2
    catalog_import(actor=None, data=data)  # the superseded version still counts as unchanged


def test_overlapping_published_versions_are_refused() -> None:
    data = _sample()
    first = data["procedures"][0]["versions"][0]
    first["effective_to"] = "2026-12-31"
    second = {**copy.deepcopy(first), "number": 2, "effective_from": "2026-07-01"}
    data["procedures"][0]["versions"].append(second)
    with pytest.raises(ValidationFailed) as error:
        catalog_import(actor=None, data=data)
    assert any("1.014464" in row for row in error.value.details["rows"])
    assert Procedure.objects.count() == 0


def test_import_touching_another_agency_is_refused_with_nothing_stored(demo: Any) -> None:
    """Issue 13: the ISO secretary of agency A may not assign a procedure to agency B."""
    from isogov.accounts.services import agency_create

    other = agency_create(actor=None, code="000.00.99.H26", name="Sở khác", level="department")
    data = _sample(agency_code=demo.department.code)
    foreign = copy.deepcopy(data["assignments"][0])
    foreign["agency"] = other.code
    foreign["promise"] = {"value": 1, "unit": "working_days"}
    data["assignments"].append(foreign)
    before = (Procedure.objects.count(), AgencyProcedure.objects.count(), Sector.objects.count())
    with pytest.raises(ValidationFailed) as refused, translation.override("vi"):
        catalog_import(actor=demo.user("thuky"), data=data)
    row = f"assignments[{len(data['assignments']) - 1}]"
    rows = refused.value.details["rows"]
    assert len(rows) == 1 and row in rows[0] and "agency" in rows[0], rows
    assert "không quản trị" in rows[0]
    after = (Procedure.objects.count(), AgencyProcedure.objects.count(), Sector.objects.count())
    assert after == before


def test_import_of_own_agency_by_its_iso_secretary_is_stored(demo: Any) -> None:
    result = catalog_import(actor=demo.user("thuky"), data=_sample(demo.department.code))
    assert result.procedures == 15
    assert AgencyProcedure.objects.filter(agency=demo.department).count() == 15

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from isogov.catalog.demo import seed_catalog
from isogov.catalog.exchange import catalog_export, catalog_export_xlsx, catalog_import_file
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


def _wipe() -> None:
    AgencyProcedure.objects.all().delete()
    InternalProcess.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Sector.objects.all().delete()


def _edit(content: bytes, sheet: str, cell: str, value: Any) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_export_then_import_is_lossless(demo: Any) -> None:
    seed_catalog()
    promise(demo.department, "2")
    exported = catalog_export()
    promised = [(a["procedure"], a["promise"]) for a in exported["assignments"] if a["promise"]]
    assert promised == [("1.014464", {"value": 2, "unit": "working_days"})]
    content = catalog_export_xlsx()
    _wipe()
    catalog_import_file(actor=None, name="catalog.xlsx", content=content)
    assert catalog_export() == exported


def test_xlsx_errors_name_sheet_row_and_column_and_store_nothing(demo: Any) -> None:
    seed_catalog()
    content = catalog_export_xlsx()
    _wipe()
    content = _edit(content, "Cách thức", "D4", "ba ngày")  # Thời hạn of the third channel row
    content = _edit(content, "Thủ tục", "H3", None)  # Tên thủ tục of the second procedure
    with pytest.raises(ValidationFailed) as error:
        catalog_import_file(actor=None, name="catalog.xlsx", content=content)
    rows = error.value.details["rows"]
    assert any("Cách thức" in r and "4" in r and "Thời hạn" in r for r in rows), rows
    assert any("Thủ tục" in r and "3" in r and "Tên thủ tục" in r for r in rows), rows
    assert Procedure.objects.count() == 0
    assert Sector.objects.count() == 0


def test_xlsx_row_for_an_unknown_procedure_is_reported(demo: Any) -> None:
    seed_catalog()
    content = _edit(catalog_export_xlsx(), "Cách thức", "A2", "9.999999")
    _wipe()
    with pytest.raises(ValidationFailed) as error:
        catalog_import_file(actor=None, name="catalog.xlsx", content=content)
    assert any("9.999999" in r for r in error.value.details["rows"])
    assert Procedure.objects.count() == 0


def test_a_file_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        catalog_import_file(actor=None, name="x.json", content=b"{not json")

"""Test data built through the services, so tests exercise the real write path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from isogov.accounts.models import Agency
from isogov.catalog.models import AgencyProcedure, Procedure, ProcedureVersion, Sector
from isogov.catalog.services import (
    agency_procedure_assign,
    procedure_create,
    sector_save,
    version_create_draft,
    version_publish,
)


def version_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": "Cấp giấy phép hoạt động in xuất bản phẩm",
        "online_level": "partial",
        "keywords": "in ấn",
        "channels": [
            {
                "kind": "in_person",
                "time": {"value": 15, "unit": "working_days"},
                "fees": [{"name": "Lệ phí cấp phép", "amount_vnd": 50000, "note": ""}],
            },
            {
                "kind": "online_partial",
                "time": {"value": 12, "unit": "working_days"},
                "fees": [{"name": "Lệ phí cấp phép", "amount_vnd": 25000, "note": ""}],
            },
        ],
        "fees": [{"name": "Phí thẩm định", "amount_vnd": None, "note": "Theo quy định"}],
        "papers": [{"name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0}],
        "legal_bases": [
            {
                "number": "19/2012/QH13",
                "summary": "Luật Xuất bản",
                "issued_on": "2012-11-20",
                "issuer": "Quốc hội",
            }
        ],
    }
    record.update(overrides)
    return record


SECTOR_NAMES = {"XB": "Xuất bản, In và Phát hành", "BC": "Báo chí"}


def sector(code: str = "XB", name: str = "") -> Sector:
    return sector_save(actor=None, code=code, name=name or SECTOR_NAMES.get(code, code))


def procedure(code: str = "2.001594", sector_code: str = "XB") -> Procedure:
    return procedure_create(actor=None, code=code, level="province", sector=sector(sector_code))


def published_version(
    proc: Procedure | None = None,
    *,
    effective_from: dt.date = dt.date(2025, 1, 1),
    **overrides: Any,
) -> ProcedureVersion:
    proc = proc or procedure()
    draft = version_create_draft(actor=None, procedure=proc, data=version_record(**overrides))
    return version_publish(
        actor=None, version=draft, effective_from=effective_from, sent_version=draft.version
    )


def promise(
    agency: Agency, value: str, unit: str = "working_days", code: str = "1.014464"
) -> AgencyProcedure:
    """The agency promises the procedure (by default the CFS, legal time 3 working days) in
    ``value``, through the service, keeping the rest of its assignment."""
    assignment = AgencyProcedure.objects.get(agency=agency, procedure__code=code)
    return agency_procedure_assign(
        actor=None,
        agency=agency,
        procedure=assignment.procedure,
        unit=assignment.unit,
        is_active=assignment.is_active,
        promise_value=Decimal(value),
        promise_unit=unit,
    )

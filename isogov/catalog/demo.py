"""Demo catalogue: the 15 sample procedures of ``fixtures/procedures-sample.json``.

The sample marks which times and fees were read in a published decision (``verified``); the
others are plausible assumptions, and every such version says so in its notes. Papers, legal
bases and all internal processes but the CFS one are illustrative.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from isogov.accounts.models import Agency

from .exchange import ImportResult, catalog_import

SAMPLE = Path(__file__).parent / "fixtures" / "procedures-sample.json"
DEPARTMENT_CODE = "000.00.15.H26"
EFFECTIVE_FROM = "2025-12-01"
VERIFIED_NOTE = (
    "Mã, tên, thời hạn giải quyết và phí, lệ phí đã đối chiếu với quyết định công bố của một "
    "tỉnh khác (Quyết định 2031/QĐ-UBND ngày 28/11/2025 của UBND tỉnh Cao Bằng), không phải "
    "quyết định công bố của thành phố Hải Phòng. Thành phần hồ sơ và căn cứ pháp lý chỉ mang "
    "tính minh họa."
)
UNVERIFIED_NOTE = (
    "DỮ LIỆU MINH HỌA: thời hạn giải quyết và phí, lệ phí là giả định, chưa được đối chiếu "
    "với văn bản công bố; không sử dụng như quy định pháp luật."
)
LEGAL_BASES = {
    "XB": {
        "number": "19/2012/QH13",
        "summary": "Luật Xuất bản",
        "issued_on": "2012-11-20",
        "issuer": "Quốc hội",
    },
    "BC": {
        "number": "103/2016/QH13",
        "summary": "Luật Báo chí",
        "issued_on": "2016-04-05",
        "issuer": "Quốc hội",
    },
    "TTDT": {
        "number": "147/2024/NĐ-CP",
        "summary": "Nghị định quản lý, cung cấp, sử dụng dịch vụ Internet và thông tin trên mạng",
        "issued_on": "2024-11-09",
        "issuer": "Chính phủ",
    },
}
SECTOR_UNIT = {"XB": "BCXB", "BC": "BCXB", "TTDT": "CNTT"}
STEP_UNITS = {
    "Bộ phận Một cửa": ("MC", "one_stop_officer"),
    "Phòng chuyên môn": ("BCXB", "specialist"),
    "Lãnh đạo Sở": ("", "agency_leader"),
    "Văn phòng Sở": ("VP", ""),
}


def _online_level(channels: list[str]) -> str:
    if "online_full" in channels:
        return "full"
    if "online_partial" in channels:
        return "partial"
    return "none"


def _version(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("fee_note"):
        fees = [{"name": "Phí thẩm định nội dung", "amount_vnd": None, "note": item["fee_note"]}]
    else:
        fees = [{"name": "Phí, lệ phí", "amount_vnd": item["fee_vnd"], "note": "Không thu phí"}]
    verified = bool(item.get("verified"))
    return {
        "number": 1,
        "status": "published",
        "effective_from": EFFECTIVE_FROM,
        "name": item["name"],
        # Hải Phòng's publication decision is not known [A]; the figures were checked against
        # another province's (Cao Bằng's), which the note says and which is not shown as ours.
        "decision_number": "",
        "decision_date": None,
        "decision_issuer": "",
        "steps_text": (
            "Bước 1: Tổ chức, cá nhân nộp hồ sơ tại Bộ phận Một cửa, qua bưu chính hoặc trực "
            "tuyến.\nBước 2: Cơ quan có thẩm quyền thẩm định hồ sơ, giải quyết thủ tục.\n"
            "Bước 3: Trả kết quả cho tổ chức, cá nhân."
        ),
        "applicants": "Tổ chức, cá nhân",
        "authority": "Sở Khoa học và Công nghệ",
        "receiving_address": "Bộ phận Một cửa, Sở Khoa học và Công nghệ",
        "result": "Văn bản giải quyết thủ tục hành chính",
        "online_level": _online_level(item["channels"]),
        "keywords": "",
        "description": VERIFIED_NOTE if verified else UNVERIFIED_NOTE,
        "channels": [
            {"kind": kind, "time": dict(item["time"]), "time_note": "", "fees": []}
            for kind in item["channels"]
        ],
        "fees": fees,
        "papers": [
            {
                "name": "Đơn đề nghị (theo mẫu)",
                "template": "",
                "originals": 1,
                "copies": 0,
                "is_required": True,
                "condition": "",
            },
            {
                "name": "Giấy tờ chứng minh đủ điều kiện theo quy định",
                "template": "",
                "originals": 0,
                "copies": 1,
                "is_required": False,
                "condition": "Khi pháp luật chuyên ngành yêu cầu",
            },
        ],
        "legal_bases": [LEGAL_BASES[item["sector"]]],
    }


def _cfs_process(item: dict[str, Any], shared_with: list[str]) -> dict[str, Any]:
    steps = []
    for order, step in enumerate(item["steps"], start=1):
        unit, role = STEP_UNITS.get(step["unit"], ("", ""))
        if step["name"].startswith("Lãnh đạo phòng"):
            role = "unit_head"  # the unit's head assigns and reviews (ISO 9001 §5.3)
        steps.append(
            {
                "order": order,
                "name": step["name"],
                "unit": unit,
                "unit_label": step["unit"],
                "role": role,
                "allowance": {"value": str(step["allowance_days"]), "unit": "working_days"},
                "is_counted": step.get("counted", True),
            }
        )
    return {
        "code": "QT 01/STTTT",
        "issue_number": 1,
        "title": "Quy trình cấp, cấp lại, sửa đổi giấy chứng nhận lưu hành tự do (CFS)",
        "approved_by": "Giám đốc Sở",
        "approved_on": "2025-11-28",
        "is_illustrative": False,
        "versions": [{"procedure": code, "number": 1} for code in [item["code"], *shared_with]],
        "steps": steps,
    }


def _illustrative_process(index: int, item: dict[str, Any]) -> dict[str, Any]:
    total = Decimal(str(item["time"]["value"]))
    unit = "BCXB" if item["sector"] != "TTDT" else "CNTT"
    return {
        "code": f"QT {index:02d}/STTTT",
        "issue_number": 1,
        "title": f"Quy trình (minh họa): {item['name']}",
        "approved_by": "",
        "is_illustrative": True,
        "versions": [{"procedure": item["code"], "number": 1}],
        "steps": [
            {
                "order": 1,
                "name": "Tiếp nhận, kiểm tra hồ sơ, chuyển phòng chuyên môn",
                "unit": "MC",
                "unit_label": "Bộ phận Một cửa",
                "role": "one_stop_officer",
                "allowance": {"value": "0.5", "unit": "working_days"},
            },
            {
                "order": 2,
                "name": "Thẩm định hồ sơ, dự thảo kết quả, trình ký",
                "unit": unit,
                "unit_label": "Phòng chuyên môn",
                "role": "specialist",
                "allowance": {"value": str(total - 1), "unit": "working_days"},
            },
            {
                "order": 3,
                "name": "Lãnh đạo Sở ký duyệt, văn thư vào số, đóng dấu",
                "unit": "",
                "unit_label": "Lãnh đạo Sở",
                "role": "agency_leader",
                "allowance": {"value": "0.5", "unit": "working_days"},
            },
            {
                "order": 4,
                "name": "Trả kết quả",
                "unit": "MC",
                "unit_label": "Bộ phận Một cửa",
                "role": "one_stop_officer",
                "allowance": {"value": "0", "unit": "working_days"},
                "is_counted": False,
            },
        ],
    }


def sample_as_catalog(sample: dict[str, Any], *, agency_code: str | None) -> dict[str, Any]:
    """The sample file in the exchange format (see ``docs/catalog-import.md``)."""
    items = sample["procedures"]
    processes = []
    cfs = [i for i in items if i.get("steps")]
    shared = [i["code"] for i in items if "(CFS)" in i["name"] and not i.get("steps")]
    for item in cfs:
        processes.append(_cfs_process(item, shared))
    index = 2
    for item in items:
        if item.get("steps") or item["code"] in shared:
            continue
        processes.append(_illustrative_process(index, item))
        index += 1
    assignments = []
    if agency_code:
        assignments = [
            {"agency": agency_code, "procedure": i["code"], "unit": SECTOR_UNIT[i["sector"]]}
            for i in items
        ]
    return {
        "format": "isogov-catalog/1",
        "sectors": sample["sectors"],
        "procedures": [
            {
                "code": i["code"],
                "level": "province",
                "sector": i["sector"],
                "versions": [_version(i)],
            }
            for i in items
        ],
        "processes": processes,
        "assignments": assignments,
    }


def seed_catalog() -> ImportResult:
    """Import the sample procedures (idempotent) and assign them to the demo department."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    agency_code = DEPARTMENT_CODE if Agency.objects.filter(code=DEPARTMENT_CODE).exists() else None
    return catalog_import(actor=None, data=sample_as_catalog(sample, agency_code=agency_code))

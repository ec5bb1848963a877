"""The National Public Service Portal's procedure record, read into the catalogue's terms.

Pure (no ORM): ``procedure_import`` stores the result as a draft. The record is the answer of
the portal's ``LayThuTuc`` service, one object per procedure (docs/catalog-import.md shows the
shape); every problem is reported with the portal's own field name.

Sources: the field names are those read by OpenCPS v2's DVCQG integration and a provincial
one-stop system's portal client [V] (``shared/domain/dvcqg-sync.md`` for the channel codes).
Where the meaning of a value could not be confirmed (the level codes ``CAPTHUCHIEN``, the
service level ``MUCDO``, the wording of the time units) it is marked [A] and, for the level
codes, a setting.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.catalog import schema
from isogov.core.errors import ValidationFailed
from isogov.core.text import fold_vietnamese

Errors = list[tuple[str, str]]

NOT_JSON = gettext_lazy("The file is not JSON: %(error)s")
NO_PROCEDURE = gettext_lazy(
    "The file holds no procedure: give the portal's procedure object (with MATTHC), or its "
    'answer {"result": [ … ]} with one procedure.'
)
SEVERAL_PROCEDURES = gettext_lazy("The file holds %(count)s procedures; import them one at a time.")
PROBLEMS = gettext_lazy("%(count)s problem(s) in the portal's record; first: %(first)s")

# KENH: 1 in person, 2 online, 3 public postal service [V] (dvcqg-sync.md, KenhThucHien).
CHANNEL_CODES = {"1": "in_person", "2": "online", "3": "postal"}
# DONVITINH, folded [A]: the portal writes the unit in words.
TIME_UNITS = {
    "ngay lam viec": "working_days",
    "gio lam viec": "working_hours",
    "ngay": "calendar_days",
    "ngay ke tu ngay nhan du ho so hop le": "calendar_days",
    "trong ngay": "same_day",
}
KNOWN_UNITS = "Ngày làm việc, Giờ làm việc, Ngày, Trong ngày"
# CAPTHUCHIEN in words, folded [A] (the numeric codes are the setting
# ISOGOV_PORTAL_PROCEDURE_LEVELS).
LEVEL_WORDS = {
    "cap bo": "central",
    "trung uong": "central",
    "cap tinh": "province",
    "cap xa": "commune",
}
# MUCDO, folded [A]: a "full" online service lets the whole procedure be done online.
FULL_ONLINE_WORDS = ("toan trinh", "muc do 4", "4")


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def _text(data: dict[str, Any], field: str, path: str, errors: Errors, **kwargs: Any) -> str:
    return schema.text(data, field, path, errors, **kwargs)


def _list(data: dict[str, Any], field: str, path: str, errors: Errors) -> list[Any]:
    value = data.get(field)
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors.append((_join(path, field), _("must be a list")))
        return []
    return value


def _objects(data: dict[str, Any], field: str, path: str, errors: Errors) -> list[tuple[str, dict]]:
    """The objects of a list field, each with its path (numbered from 1, as people count)."""
    found = []
    for i, item in enumerate(_list(data, field, path, errors), start=1):
        item_path = f"{_join(path, field)}[{i}]"
        if not isinstance(item, dict):
            errors.append((item_path, _("must be an object")))
            continue
        found.append((item_path, item))
    return found


def _names(data: dict[str, Any], field: str, path: str, errors: Errors) -> str:
    """The ``TENDONVI`` of a list of agencies, one per line."""
    return "\n".join(
        _text(item, "TENDONVI", item_path, errors)
        for item_path, item in _objects(data, field, path, errors)
    ).strip()


def _date(data: dict[str, Any], field: str, path: str, errors: Errors) -> dt.date | None:
    """``dd/mm/yyyy``, ``yyyy-mm-dd`` (ISO 8601, time allowed) or ``yyyyMMddHHmmss`` [V]."""
    value = data.get(field)
    if value in (None, ""):
        return None
    raw = str(value).strip()
    for parse in (
        lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date(),
        lambda s: dt.date.fromisoformat(s[:10]),
        lambda s: dt.datetime.strptime(s, "%Y%m%d%H%M%S").date(),
        lambda s: dt.datetime.strptime(s, "%Y%m%d").date(),
    ):
        try:
            return parse(raw)
        except ValueError:
            continue
    errors.append(
        (
            _join(path, field),
            _("is not a date (dd/mm/yyyy, yyyy-mm-dd or yyyyMMddHHmmss): '%(value)s'")
            % {"value": raw[:40]},
        )
    )
    return None


def _amount(data: dict[str, Any], field: str, path: str, errors: Errors) -> int | None:
    """Đồng, a whole number; "50.000" and "50,000" are read as fifty thousand."""
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = value.strip().replace(".", "").replace(",", "").replace(" ", "")
    found = schema.number({field: value}, field, path, errors, integer=True, places=0)
    return int(found) if found is not None else None


def _channels(data: dict[str, Any], errors: Errors) -> tuple[list[dict[str, Any]], str]:
    """CACHTHUCTHUCHIEN → the catalogue's channels, and the online level they imply."""
    service_level = fold_vietnamese(str(data.get("MUCDO") or ""))
    full = any(
        word == service_level or word in service_level.split(",") for word in FULL_ONLINE_WORDS
    )
    full = full or "toan trinh" in service_level
    channels: list[dict[str, Any]] = []
    seen: set[str] = set()
    online = "none"
    entries = _objects(data, "CACHTHUCTHUCHIEN", "", errors)
    if not entries and "CACHTHUCTHUCHIEN" not in data:
        errors.append(("CACHTHUCTHUCHIEN", _("is required")))
    for path, entry in entries:
        code = str(entry.get("KENH", "")).strip()
        kind = CHANNEL_CODES.get(code)
        if kind is None:
            errors.append(
                (
                    _join(path, "KENH"),
                    _("is not a channel code (1 in person, 2 online, 3 by post): '%(value)s'")
                    % {"value": code},
                )
            )
            continue
        if kind == "online":
            kind = "online_full" if full else "online_partial"
            online = "full" if full else "partial"
        if kind in seen:
            errors.append((_join(path, "KENH"), _("this channel is listed twice")))
            continue
        seen.add(kind)
        times = _objects(entry, "THOIGIAN", path, errors)
        if not times:
            errors.append((_join(path, "THOIGIAN"), _("is required")))
            continue
        # The catalogue keeps one time per channel: the first case; the others' wording is
        # kept in the channel's note.
        time_path, time = times[0]
        value = schema.number(time, "THOIGIANGIAIQUYET", time_path, errors)
        unit_words = fold_vietnamese(str(time.get("DONVITINH") or ""))
        unit = TIME_UNITS.get(unit_words)
        if unit is None:
            errors.append(
                (
                    _join(time_path, "DONVITINH"),
                    _("is not a known time unit (%(units)s): '%(value)s'")
                    % {"units": KNOWN_UNITS, "value": str(time.get("DONVITINH") or "")},
                )
            )
        notes = [_text(t, "MOTA", p, errors) for p, t in times]
        note = "\n".join(n for n in notes if n)
        if len(note) > 500:
            errors.append(
                (_join(time_path, "MOTA"), _("is longer than %(max)s characters") % {"max": 500})
            )
        fees = []
        for fee_path, fee in _objects(time, "PHILEPHI", time_path, errors):
            name = _text(fee, "MOTA", fee_path, errors) or _text(
                fee, "MAPHILEPHI", fee_path, errors
            )
            if len(name) > 300:
                errors.append(
                    (_join(fee_path, "MOTA"), _("is longer than %(max)s characters") % {"max": 300})
                )
            fees.append(
                {
                    "name": name[:300] or _("Fee"),
                    "amount_vnd": _amount(fee, "SOTIEN", fee_path, errors),
                    "note": "",
                }
            )
        channels.append(
            {
                "kind": kind,
                "time": {
                    "value": value if value is not None else Decimal(0),
                    "unit": unit or "working_days",
                },
                "time_note": note,
                "fees": fees,
            }
        )
    return channels, online


def _papers(data: dict[str, Any], errors: Errors) -> list[dict[str, Any]]:
    groups = _objects(data, "THANHPHANHOSO", "", errors)
    papers = []
    for group_path, group in groups:
        case = (
            _text(group, "TRUONGHOP", group_path, errors, max_length=500) if len(groups) > 1 else ""
        )
        for path, paper in _objects(group, "GIAYTO", group_path, errors):
            originals = schema.number(
                paper, "SOBANCHINH", path, errors, required=False, integer=True, places=0
            )
            copies = schema.number(
                paper, "SOBANSAO", path, errors, required=False, integer=True, places=0
            )
            papers.append(
                {
                    "name": _text(paper, "TENGIAYTO", path, errors, required=True, max_length=500),
                    "template": "",
                    "originals": int(originals) if originals is not None else 1,
                    "copies": int(copies) if copies is not None else 0,
                    "is_required": True,
                    "condition": case,
                }
            )
    return papers


def _legal_bases(data: dict[str, Any], errors: Errors) -> list[dict[str, Any]]:
    return [
        {
            "number": _text(basis, "SOVANBAN", path, errors, required=True, max_length=100),
            "summary": _text(basis, "TENVANBAN", path, errors, max_length=500),
            "issued_on": _date(basis, "NGAYBANHANH", path, errors),
            "issuer": _text(basis, "COQUANBANHANH", path, errors, max_length=300),
        }
        for path, basis in _objects(data, "CANCUPHAPLY", "", errors)
    ]


def _steps_text(data: dict[str, Any], errors: Errors) -> str:
    lines: list[str] = []
    for path, case in _objects(data, "TRINHTUTHUCHIEN", "", errors):
        heading = _text(case, "TRUONGHOP", path, errors)
        if heading:
            lines.append(heading)
        lines.extend(
            _text(step, "TENTRINHTU", step_path, errors)
            for step_path, step in _objects(case, "TRINHTU", path, errors)
        )
    return "\n".join(line for line in lines if line)


def _level(data: dict[str, Any], errors: Errors) -> str | None:
    levels = set()
    for path, item in _objects(data, "CAPTHUCHIEN", "", errors):
        raw = str(item.get("CAPTHUCHIEN") or item.get("TENCAP") or "").strip()
        level = settings.ISOGOV_PORTAL_PROCEDURE_LEVELS.get(raw) or LEVEL_WORDS.get(
            fold_vietnamese(raw)
        )
        if level is None:
            errors.append(
                (
                    _join(path, "CAPTHUCHIEN"),
                    _("is not a known level: '%(value)s'") % {"value": raw},
                )
            )
            continue
        levels.add(level)
    if not levels:
        return None
    return levels.pop() if len(levels) == 1 else "multiple"


def portal_procedure_read(data: Any) -> dict[str, Any]:
    """The portal's procedure record, checked and turned into the catalogue's terms.

    Returns ``{"code", "level", "sector": (code, name) | None, "fields": {...}}`` or raises
    ``ValidationFailed`` naming every bad field by its portal name (nothing is stored).
    """
    if isinstance(data, dict) and isinstance(data.get("result"), list):
        if len(data["result"]) != 1:
            raise ValidationFailed(
                SEVERAL_PROCEDURES % {"count": len(data["result"])},
                details={"file": [str(NO_PROCEDURE)]},
            )
        data = data["result"][0]
    if not isinstance(data, dict) or not any(k in data for k in ("MATTHC", "MaTTHC")):
        raise ValidationFailed(NO_PROCEDURE, details={"file": [str(NO_PROCEDURE)]})
    errors: Errors = []
    field = "MATTHC" if "MATTHC" in data else "MaTTHC"
    code = _text(data, field, "", errors, required=True, max_length=64)
    if code and not schema.CODE_PATTERN.match(code):
        errors.append(
            (field, _("is not a procedure code like 1.014464: '%(value)s'") % {"value": code})
        )
    sectors = _objects(data, "LINHVUCTHUCHIEN", "", errors)
    sector = None
    if sectors:
        path, first = sectors[0]
        sector = (
            _text(first, "MALINHVUC", path, errors, required=True, max_length=32),
            _text(first, "TENLINHVUC", path, errors, required=True, max_length=300),
        )
    channels, online = _channels(data, errors)
    authority = (
        _names(data, "COQUANCOTHAMQUYEN", "", errors)
        or _text(data, "MOTACOQUANTHAMQUYEN", "", errors)
        or _names(data, "COQUANTHUCHIEN", "", errors)
    )
    results = [
        _text(item, "TENKETQUA", path, errors)
        for path, item in _objects(data, "KETQUATHUCHIEN", "", errors)
    ]
    related = []
    for i, item in enumerate(_list(data, "TTHCLIENQUAN", "", errors), start=1):
        value = item.get("MATTHC") if isinstance(item, dict) else item
        if not isinstance(value, str) or not schema.CODE_PATTERN.match(value.strip()):
            errors.append(
                (
                    f"TTHCLIENQUAN[{i}]",
                    _("is not a procedure code like 1.014464: '%(value)s'") % {"value": value},
                )
            )
            continue
        related.append(value.strip())
    fields = {
        "name": _text(data, "TENTTHC", "", errors, required=True, max_length=500),
        "steps_text": _steps_text(data, errors),
        "applicants": _text(data, "MOTADOITUONGTHUCHIEN", "", errors),
        "authority": authority,
        "receiving_address": _text(data, "DIACHITIEPNHAN", "", errors, max_length=500),
        "delegated_agency": _names(data, "COQUANDUOCUYQUYEN", "", errors),
        "coordinating_agencies": _names(data, "COQUANPHOIHOP", "", errors),
        "result": "\n".join(r for r in results if r),
        "conditions": _text(data, "YEUCAU", "", errors),
        "keywords": _text(data, "TUKHOA", "", errors, max_length=500),
        "description": _text(data, "MOTA", "", errors),
        "online_level": online,
        "related_codes": related,
        "channels": channels,
        "papers": _papers(data, errors),
        "legal_bases": _legal_bases(data, errors),
    }
    for name, limit in (
        ("authority", 500),
        ("delegated_agency", 500),
        ("coordinating_agencies", 500),
    ):
        if len(fields[name]) > limit:
            errors.append((name.upper(), _("is longer than %(max)s characters") % {"max": limit}))
    level = _level(data, errors)
    if errors:
        raise problems(errors)
    return {"code": code, "level": level, "sector": sector, "fields": fields}


def problems(errors: Errors) -> ValidationFailed:
    lines = [f"{path}: {message}" for path, message in errors]
    return ValidationFailed(
        PROBLEMS % {"count": len(errors), "first": lines[0]}, details={"file": lines}
    )


def portal_procedure_parse(content: bytes) -> Any:
    """The uploaded bytes as JSON (UTF-8, a byte-order mark allowed)."""
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        message = NOT_JSON % {"error": str(error)[:200]}
        raise ValidationFailed(message, details={"file": [message]}) from error

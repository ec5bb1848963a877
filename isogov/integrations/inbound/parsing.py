"""Inbound import, first phase: every row of a batch checked, each error naming its row
and field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from isogov.core.errors import ValidationFailed

from .. import wire

RECORD_DATES = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayTuChoi",
)
HISTORY_DATES = ("NgayBatDau", "NgayKetThucTheoQuyDinh")
# Our column ← the record's field, with the column's length (longer text is refused).
TEXTS: tuple[tuple[str, str, int], ...] = (
    ("applicant_name", "ChuHoSo", 300),
    ("applicant_id_number", "SoGiayToChuHoSo", 50),
    ("applicant_phone", "SoDienThoai", 50),
    ("applicant_email", "Email", 254),
    ("procedure_name", "TenTTHC", 500),
)


class Problems:
    """The errors of a batch, each naming its row and field (in the active language)."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}

    def add(self, kind: str, row: int, name: str, message: str) -> None:
        where = _("record %(row)d") if kind == "records" else _("history entry %(row)d")
        text = _("%(where)s, field %(field)s: %(message)s") % {
            "where": where % {"row": row},
            "field": name,
            "message": message,
        }
        self.details.setdefault(f"{kind}[{row}].{name}", []).append(text)

    def raise_if_any(self) -> None:
        if self.details:
            first = next(iter(self.details.values()))[0]
            message = _("Nothing was imported: %(count)d errors. %(first)s") % {
                "count": len(self.details),
                "first": first,
            }
            raise ValidationFailed(message, details=self.details)


@dataclass
class Parsed:
    row: int
    raw: Mapping[str, Any]
    code: str
    portal_code: str
    status_code: int
    times: dict[str, dt.datetime | None]
    supplements: int
    supplement_seconds: int


def field_text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _int_code(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def parse_records(records: Sequence[Any], problems: Problems) -> list[Parsed]:
    back = wire.names_back()
    parsed = []
    seen: set[str] = set()
    for row, raw in enumerate(records, start=1):
        if not isinstance(raw, Mapping):
            problems.add("records", row, "MaHoSo", _("A record must be an object."))
            continue
        raw = wire.unrename(raw, back)
        code = field_text(raw, "MaHoSo")
        if not code:
            problems.add("records", row, "MaHoSo", _("The dossier code is required."))
        elif len(code) > 64:
            problems.add("records", row, "MaHoSo", _("At most 64 characters."))
        elif code in seen:
            problems.add("records", row, "MaHoSo", _("This dossier appears twice in the batch."))
        seen.add(code)
        portal_code = field_text(raw, "MaTTHC")
        if not portal_code:
            problems.add("records", row, "MaTTHC", _("The procedure code is required."))
        status_code = _int_code(field_text(raw, "TrangThaiHoSo"), 1, 10)
        if status_code is None:
            problems.add("records", row, "TrangThaiHoSo", _("A status code from 1 to 10."))
        times: dict[str, dt.datetime | None] = {}
        for name in RECORD_DATES:
            try:
                times[name] = wire.parse_time(field_text(raw, name))
            except ValueError:
                problems.add("records", row, name, _("Not a date (yyyyMMddHHmmss expected)."))
        if (
            status_code not in (None, 1, 3)
            and f"records[{row}].NgayTiepNhan" not in problems.details
            and not times.get("NgayTiepNhan")
        ):
            problems.add(
                "records", row, "NgayTiepNhan", _("A received dossier needs its receipt date.")
            )
        for _column, name, length in TEXTS:
            if len(field_text(raw, name)) > length:
                problems.add("records", row, name, _("At most %(n)d characters.") % {"n": length})
        if not field_text(raw, "ChuHoSo"):
            problems.add("records", row, "ChuHoSo", _("The applicant's name is required."))
        email = field_text(raw, "Email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.add("records", row, "Email", _("Not an e-mail address."))
        if field_text(raw, "KenhThucHien") not in ("", "1", "2", "3"):
            problems.add("records", row, "KenhThucHien", _("A channel code: 1, 2 or 3."))
        if field_text(raw, "LoaiDoiTuong") not in ("", "1", "2", "3", "4"):
            problems.add("records", row, "LoaiDoiTuong", _("An applicant code from 1 to 4."))
        supplements, waited = 0, 0
        listed = raw.get("DanhSachHoSoBoSung") or []
        if not isinstance(listed, list):
            problems.add("records", row, "DanhSachHoSoBoSung", _("A list is expected."))
            listed = []
        for item in listed:
            supplements += 1
            try:
                asked = (
                    wire.parse_time(field_text(item, "NgayBoSung"))
                    if isinstance(item, Mapping)
                    else None
                )
                answered = (
                    wire.parse_time(field_text(item, "NgayTiepNhanBoSung"))
                    if isinstance(item, Mapping)
                    else None
                )
            except ValueError:
                problems.add(
                    "records", row, "DanhSachHoSoBoSung", _("Not a date (yyyyMMddHHmmss expected).")
                )
                continue
            if asked and answered and answered > asked:
                waited += int((answered - asked).total_seconds())
        parsed.append(
            Parsed(row, raw, code, portal_code, status_code or 0, times, supplements, waited)
        )
    return parsed


@dataclass
class Entry:
    row: int
    code: str
    at: dt.datetime
    status_code: int
    text: str
    raw: Mapping[str, Any]
    started: dt.datetime | None
    due: dt.datetime | None

    @property
    def key(self) -> str:
        return f"{self.at.isoformat()}|{self.status_code}|{self.text}"


def parse_history(history: Sequence[Any], problems: Problems) -> list[Entry]:
    back = wire.names_back()
    entries = []
    for row, raw in enumerate(history, start=1):
        if not isinstance(raw, Mapping):
            problems.add("history", row, "MaHoSo", _("An entry must be an object."))
            continue
        raw = wire.unrename(raw, back)
        code = field_text(raw, "MaHoSo")
        if not code:
            problems.add("history", row, "MaHoSo", _("The dossier code is required."))
        status_code = _int_code(field_text(raw, "TrangThai"), 1, 10)
        if status_code is None:
            problems.add("history", row, "TrangThai", _("A status code from 1 to 10."))
        times = {}
        for name in ("ThoiDiemXuLy", *HISTORY_DATES):
            try:
                times[name] = wire.parse_time(field_text(raw, name))
            except ValueError:
                problems.add("history", row, name, _("Not a date (yyyyMMddHHmmss expected)."))
        at = times.get("ThoiDiemXuLy")
        if at is None and f"history[{row}].ThoiDiemXuLy" not in problems.details:
            problems.add("history", row, "ThoiDiemXuLy", _("The time of the entry is required."))
        if code and status_code and at:
            entries.append(
                Entry(
                    row,
                    code,
                    at,
                    status_code,
                    field_text(raw, "NoiDungXuLy")[:2000],
                    raw,
                    times.get("NgayBatDau"),
                    times.get("NgayKetThucTheoQuyDinh"),
                )
            )
    return entries

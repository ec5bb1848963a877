"""The XLSX layout of the catalogue (one sheet per part of the record, see
``docs/catalog-import.md``): reading it into the exchange record, and writing the record out.

Reading remembers where every value came from, so a problem is reported as
"Sheet 'Cách thức', row 4, column 'Thời hạn': …".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from isogov.core.documents.xlsx import literal_cell
from isogov.core.text import fold_vietnamese

Column = tuple[str, str]  # record key (dots for nesting, "_" prefix: a link), header

SECTORS = "Lĩnh vực"
PROCEDURES = "Thủ tục"
CHANNELS = "Cách thức"
FEES = "Phí, lệ phí"
PAPERS = "Thành phần hồ sơ"
LEGAL = "Căn cứ pháp lý"
PROCESSES = "Quy trình"
STEPS = "Bước quy trình"
ASSIGNMENTS = "Phân công"

LINK = [("_code", "Mã thủ tục"), ("_version", "Phiên bản")]
SHEETS: dict[str, list[Column]] = {
    SECTORS: [("code", "Mã lĩnh vực"), ("name", "Tên lĩnh vực")],
    PROCEDURES: [
        ("_code", "Mã thủ tục"),
        ("_level", "Cấp thực hiện"),
        ("_sector", "Mã lĩnh vực"),
        ("number", "Phiên bản"),
        ("status", "Trạng thái"),
        ("effective_from", "Hiệu lực từ"),
        ("effective_to", "Hiệu lực đến"),
        ("name", "Tên thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("decision_date", "Ngày quyết định công bố"),
        ("decision_issuer", "Cơ quan ban hành quyết định"),
        ("steps_text", "Trình tự thực hiện"),
        ("applicants", "Đối tượng thực hiện"),
        ("authority", "Cơ quan có thẩm quyền"),
        ("receiving_address", "Địa chỉ tiếp nhận hồ sơ"),
        ("delegated_agency", "Cơ quan được ủy quyền"),
        ("coordinating_agencies", "Cơ quan phối hợp"),
        ("result", "Kết quả thực hiện"),
        ("conditions", "Yêu cầu, điều kiện"),
        ("online_level", "Mức độ trực tuyến"),
        ("keywords", "Từ khóa"),
        ("related_codes", "Thủ tục liên quan"),
        ("description", "Ghi chú"),
    ],
    CHANNELS: [
        *LINK,
        ("kind", "Cách thức"),
        ("time.value", "Thời hạn"),
        ("time.unit", "Đơn vị thời gian"),
        ("time_note", "Ghi chú thời hạn"),
    ],
    FEES: [
        *LINK,
        ("_channel", "Cách thức (trống: mọi cách thức)"),
        ("name", "Tên phí, lệ phí"),
        ("amount_vnd", "Mức thu (đồng)"),
        ("note", "Ghi chú"),
    ],
    PAPERS: [
        *LINK,
        ("name", "Tên giấy tờ"),
        ("template", "Tệp mẫu"),
        ("originals", "Bản chính"),
        ("copies", "Bản sao"),
        ("is_required", "Bắt buộc"),
        ("condition", "Điều kiện"),
    ],
    LEGAL: [
        *LINK,
        ("number", "Số hiệu"),
        ("summary", "Trích yếu"),
        ("issued_on", "Ngày ban hành"),
        ("issuer", "Cơ quan ban hành"),
    ],
    PROCESSES: [
        ("code", "Mã quy trình"),
        ("issue_number", "Lần ban hành"),
        ("title", "Tên quy trình"),
        ("approved_by", "Người phê duyệt"),
        ("approved_on", "Ngày phê duyệt"),
        ("is_illustrative", "Minh họa"),
        ("_versions", "Áp dụng cho (mã/phiên bản; …)"),
    ],
    STEPS: [
        ("_process", "Mã quy trình"),
        ("_issue", "Lần ban hành"),
        ("order", "Thứ tự"),
        ("name", "Nội dung công việc"),
        ("unit", "Mã đơn vị"),
        ("unit_label", "Đơn vị, người thực hiện"),
        ("role", "Vai trò"),
        ("description", "Mô tả"),
        ("allowance.value", "Thời gian"),
        ("allowance.unit", "Đơn vị thời gian"),
        ("result_form", "Biểu mẫu, kết quả"),
        ("is_counted", "Tính thời gian"),
    ],
    ASSIGNMENTS: [
        ("agency", "Mã cơ quan"),
        ("procedure", "Mã thủ tục"),
        ("unit", "Mã đơn vị"),
        ("is_active", "Đang áp dụng"),
        ("promise.value", "Thời hạn cam kết"),
        ("promise.unit", "Đơn vị thời hạn cam kết"),
    ],
}
DATE_KEYS = {"effective_from", "effective_to", "decision_date", "issued_on", "approved_on"}

Origin = tuple[str, int, str | None]


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    head, _dot, rest = key.partition(".")
    if rest:
        _set(target.setdefault(head, {}), rest, value)
    else:
        target[head] = value


def _get(source: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(source, dict):
            return None
        source = source.get(part)  # type: ignore[assignment]
    return source


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Reader:
    def __init__(self) -> None:
        self.origins: dict[str, Origin] = {}
        self.errors: list[str] = []

    def rows(self, workbook: Any, sheet: str) -> list[tuple[int, dict[str, Any]]]:
        if sheet not in workbook.sheetnames:
            return []
        columns = {fold_vietnamese(header): key for key, header in SHEETS[sheet]}
        rows = workbook[sheet].iter_rows(values_only=True)
        header = next(rows, None) or ()
        keys = [columns.get(fold_vietnamese(_text(h))) for h in header]
        out = []
        for index, values in enumerate(rows, start=2):
            if all(v is None or _text(v) == "" for v in values):
                continue
            row: dict[str, Any] = {}
            for key, value in zip(keys, values, strict=False):
                if key is not None:
                    row[key] = value
            out.append((index, row))
        return out

    def place(
        self, path: str, sheet: str, row: int, record: dict[str, Any], src: dict[str, Any]
    ) -> None:
        self.origins[path] = (sheet, row, None)
        headers = dict(SHEETS[sheet])
        for key, value in src.items():
            if key.startswith("_"):
                continue
            _set(record, key, value)
            self.origins[f"{path}.{key}"] = (sheet, row, headers[key])

    def error(self, sheet: str, row: int, message: str) -> None:
        self.errors.append(
            _("Sheet '%(sheet)s', row %(row)s: %(message)s")
            % {"sheet": sheet, "row": row, "message": message}
        )


def read_workbook(content: bytes) -> tuple[dict[str, Any], Callable[[str], str], list[str]]:
    """The exchange record in an XLSX file, a locator for its paths, and link problems."""
    reader = _Reader()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not XLSX
        return {}, str, [_("The file is not an XLSX workbook.")]
    data: dict[str, Any] = {
        "format": "isogov-catalog/1",
        "sectors": [],
        "procedures": [],
        "processes": [],
        "assignments": [],
    }
    for i, (row_number, row) in enumerate(reader.rows(workbook, SECTORS)):
        record: dict[str, Any] = {}
        reader.place(f"sectors[{i}]", SECTORS, row_number, record, row)
        data["sectors"].append(record)

    versions: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    procedures: dict[str, tuple[int, dict[str, Any]]] = {}
    headers = dict(SHEETS[PROCEDURES])
    for row_number, row in reader.rows(workbook, PROCEDURES):
        code = _text(row.get("_code"))
        if code not in procedures:
            index = len(data["procedures"])
            procedure: dict[str, Any] = {
                "code": code,
                "level": _text(row.get("_level")) or None,
                "sector": _text(row.get("_sector")),
                "versions": [],
            }
            data["procedures"].append(procedure)
            procedures[code] = (index, procedure)
            for key, field in (("_code", "code"), ("_level", "level"), ("_sector", "sector")):
                reader.origins[f"procedures[{index}].{field}"] = (
                    PROCEDURES,
                    row_number,
                    headers[key],
                )
            reader.origins[f"procedures[{index}]"] = (PROCEDURES, row_number, None)
        index, procedure = procedures[code]
        version: dict[str, Any] = {"channels": [], "fees": [], "papers": [], "legal_bases": []}
        path = f"procedures[{index}].versions[{len(procedure['versions'])}]"
        related = _text(row.pop("related_codes", None))
        for key in DATE_KEYS & row.keys():
            if isinstance(row[key], dt.datetime):
                row[key] = row[key].date()
        reader.place(path, PROCEDURES, row_number, version, row)
        version["related_codes"] = [
            c.strip() for c in related.replace(";", ",").split(",") if c.strip()
        ]
        reader.origins[f"{path}.related_codes"] = (PROCEDURES, row_number, headers["related_codes"])
        procedure["versions"].append(version)
        number = _text(row.get("number")) or str(len(procedure["versions"]))
        versions[(code, number)] = (path, version)

    def version_of(
        sheet: str, row_number: int, row: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        key = (_text(row.get("_code")), _text(row.get("_version")) or "1")
        found = versions.get(key)
        if found is None:
            reader.error(
                sheet,
                row_number,
                _("no row in sheet '%(sheet)s' for procedure %(code)s version %(number)s")
                % {"sheet": PROCEDURES, "code": key[0], "number": key[1]},
            )
        return found

    for row_number, row in reader.rows(workbook, CHANNELS):
        found = version_of(CHANNELS, row_number, row)
        if found:
            path, version = found
            channel: dict[str, Any] = {"fees": []}
            reader.place(
                f"{path}.channels[{len(version['channels'])}]", CHANNELS, row_number, channel, row
            )
            version["channels"].append(channel)
    for row_number, row in reader.rows(workbook, FEES):
        found = version_of(FEES, row_number, row)
        if not found:
            continue
        path, version = found
        kind = _text(row.get("_channel"))
        if kind:
            match = [(i, c) for i, c in enumerate(version["channels"]) if c.get("kind") == kind]
            if not match:
                reader.error(
                    FEES, row_number, _("the procedure has no channel '%(kind)s'") % {"kind": kind}
                )
                continue
            i, channel = match[0]
            fee: dict[str, Any] = {}
            reader.place(
                f"{path}.channels[{i}].fees[{len(channel['fees'])}]", FEES, row_number, fee, row
            )
            channel["fees"].append(fee)
        else:
            fee = {}
            reader.place(f"{path}.fees[{len(version['fees'])}]", FEES, row_number, fee, row)
            version["fees"].append(fee)
    for sheet, field in ((PAPERS, "papers"), (LEGAL, "legal_bases")):
        for row_number, row in reader.rows(workbook, sheet):
            found = version_of(sheet, row_number, row)
            if found:
                path, version = found
                item: dict[str, Any] = {}
                if "issued_on" in row and isinstance(row["issued_on"], dt.datetime):
                    row["issued_on"] = row["issued_on"].date()
                reader.place(f"{path}.{field}[{len(version[field])}]", sheet, row_number, item, row)
                version[field].append(item)

    processes: dict[tuple[str, str], dict[str, Any]] = {}
    for i, (row_number, row) in enumerate(reader.rows(workbook, PROCESSES)):
        process: dict[str, Any] = {"steps": [], "versions": []}
        if isinstance(row.get("approved_on"), dt.datetime):
            row["approved_on"] = row["approved_on"].date()
        refs = _text(row.get("_versions"))
        reader.place(f"processes[{i}]", PROCESSES, row_number, process, row)
        for ref in [r.strip() for r in refs.split(";") if r.strip()]:
            code, _slash, number = ref.partition("/")
            process["versions"].append({"procedure": code.strip(), "number": number.strip() or "1"})
        reader.origins[f"processes[{i}].versions"] = (
            PROCESSES,
            row_number,
            dict(SHEETS[PROCESSES])["_versions"],
        )
        data["processes"].append(process)
        processes[(_text(row.get("code")), _text(row.get("issue_number")) or "1")] = process
        process["_path"] = f"processes[{i}]"
    for row_number, row in reader.rows(workbook, STEPS):
        process_key = (_text(row.get("_process")), _text(row.get("_issue")) or "1")
        found_process = processes.get(process_key)
        if found_process is None:
            reader.error(
                STEPS,
                row_number,
                _("no process %(code)s issue %(issue)s")
                % {"code": process_key[0], "issue": process_key[1]},
            )
            continue
        step: dict[str, Any] = {}
        reader.place(
            f"{found_process['_path']}.steps[{len(found_process['steps'])}]",
            STEPS,
            row_number,
            step,
            row,
        )
        found_process["steps"].append(step)
    for process in data["processes"]:
        process.pop("_path", None)
    for i, (row_number, row) in enumerate(reader.rows(workbook, ASSIGNMENTS)):
        assignment: dict[str, Any] = {}
        reader.place(f"assignments[{i}]", ASSIGNMENTS, row_number, assignment, row)
        data["assignments"].append(assignment)

    def locate(path: str) -> str:
        probe = path
        while probe:
            origin = reader.origins.get(probe)
            if origin is not None:
                sheet, row, column = origin
                if column is not None:
                    return _("Sheet '%(sheet)s', row %(row)s, column '%(column)s'") % {
                        "sheet": sheet,
                        "row": row,
                        "column": column,
                    }
                return _("Sheet '%(sheet)s', row %(row)s, field '%(field)s'") % {
                    "sheet": sheet,
                    "row": row,
                    "field": path[len(probe) :].lstrip("."),
                }
            probe = (
                probe.rsplit(".", 1)[0]
                if "." in probe
                else probe.rsplit("[", 1)[0]
                if "[" in probe
                else ""
            )
        return path

    return data, locate, reader.errors


def _cell(key: str, value: Any) -> Any:
    if key in DATE_KEYS and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def write_workbook(data: dict[str, Any]) -> bytes:
    """The exchange record as an XLSX workbook in the layout ``read_workbook`` reads."""
    workbook = Workbook(write_only=True)
    sheets = {}
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([header for _key, header in columns])
        sheets[name] = sheet

    def put(name: str, row: dict[str, Any], links: dict[str, Any]) -> None:
        sheet = sheets[name]
        # Text that looks like a formula is stored as text, exactly (read back unchanged).
        sheet.append(
            [
                literal_cell(sheet, links[key] if key in links else _cell(key, _get(row, key)))
                for key, _h in SHEETS[name]
            ]
        )

    for sector in data["sectors"]:
        put(SECTORS, sector, {})
    for procedure in data["procedures"]:
        for version in procedure["versions"]:
            link = {"_code": procedure["code"], "_version": version["number"]}
            put(
                PROCEDURES,
                version,
                {
                    "_code": procedure["code"],
                    "_level": procedure["level"],
                    "_sector": procedure["sector"],
                },
            )
            for channel in version["channels"]:
                put(CHANNELS, channel, link)
                for fee in channel["fees"]:
                    put(FEES, fee, {**link, "_channel": channel["kind"]})
            for fee in version["fees"]:
                put(FEES, fee, {**link, "_channel": ""})
            for paper in version["papers"]:
                put(PAPERS, paper, link)
            for basis in version["legal_bases"]:
                put(LEGAL, basis, link)
    for process in data["processes"]:
        refs = "; ".join(f"{v['procedure']}/{v['number']}" for v in process["versions"])
        put(PROCESSES, process, {"_versions": refs})
        for step in process["steps"]:
            put(STEPS, step, {"_process": process["code"], "_issue": process["issue_number"]})
    for assignment in data["assignments"]:
        put(ASSIGNMENTS, assignment, {})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

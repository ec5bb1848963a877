"""The periodic statistics report as XLSX and PDF, in the table layout agencies send up.

The printed text is the report's own Vietnamese (like the register, ``dossiers/register.py``)
and is deliberately not translated. [A] The layout — the agency heading, the national name and
motto (Decree 30/2020/NĐ-CP appendix I), the title, the period, then one table whose columns
are received (carried over, new by channel), resolved (early, on time, late), in process
(within, past the deadline), then withdrawn, refused, stopped and returned — follows the report
Circular 02/2017/TT-VPCP chapter III asks of the one-stop system (statistics.py); the form
itself is not among our sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from isogov.core.documents.pdf import (
    FONT,
    SEAL_HINT,
    SIGN_HINT,
    Document,
    document_title,
    letterhead,
    render_document,
    signatures,
    table,
)
from isogov.core.documents.text import nfc, vn_short_date, vn_short_datetime
from isogov.core.documents.xlsx import xlsx_bytes

from .statistics import COLUMN_KEYS, Report

TITLE = "BÁO CÁO THỐNG KÊ TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
BY_HEADING = {"sector": "Lĩnh vực", "procedure": "Thủ tục hành chính", "unit": "Đơn vị"}
# The printed headings of ``statistics.COLUMNS``, in the same order.
HEADINGS = {
    "received": "Tổng số hồ sơ tiếp nhận",
    "carried_over": "Kỳ trước chuyển qua",
    "new": "Mới tiếp nhận",
    "new_online": "Mới: trực tuyến",
    "new_in_person": "Mới: trực tiếp",
    "new_postal": "Mới: bưu chính",
    "resolved": "Đã giải quyết",
    "resolved_early": "Trước hạn",
    "resolved_on_time": "Đúng hạn",
    "resolved_late": "Quá hạn",
    "in_process": "Đang giải quyết",
    "in_process_within": "Trong hạn",
    "in_process_overdue": "Quá hạn",
    "withdrawn": "Rút hồ sơ",
    "refused": "Từ chối",
    "stopped": "Dừng giải quyết",
    "returned": "Trả lại để bổ sung",
}
PERIOD_NAMES = {"month": "Tháng", "quarter": "Quý", "year": "Năm"}


def period_line(report: Report, label: str = "") -> str:
    dates = f"từ ngày {vn_short_date(report.date_from)} đến ngày {vn_short_date(report.date_to)}"
    return f"Kỳ báo cáo: {label} ({dates})" if label else f"Kỳ báo cáo: {dates}"


def headings(report: Report) -> list[str]:
    return ["STT", BY_HEADING[report.by], *(HEADINGS[key] for key in COLUMN_KEYS)]


def body_rows(report: Report) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [index, row.label, *(row.counts[key] for key in COLUMN_KEYS)]
        for index, row in enumerate(report.rows, start=1)
    ]
    rows.append(["", "Tổng cộng", *(report.total.counts[key] for key in COLUMN_KEYS)])
    return rows


def notes(report: Report) -> list[str]:
    lines = [
        "Tổng số hồ sơ tiếp nhận = kỳ trước chuyển qua + mới tiếp nhận = đã giải quyết + đang "
        "giải quyết + rút hồ sơ + từ chối + dừng giải quyết; “trả lại để bổ sung” tính riêng.",
        "Đúng hạn, quá hạn theo Quyết định 766/QĐ-TTg chỉ số 2.1 (trừ thời gian bổ sung; yêu cầu "
        "bổ sung quá một lần tính là quá hạn).",
    ]
    if report.by == "unit":
        lines.append(
            "Một hồ sơ qua nhiều đơn vị được tính ở mỗi đơn vị; dòng tổng cộng tính mỗi hồ sơ "
            "một lần."
        )
    if report.taken_at is not None:
        lines.append(f"Số liệu chốt lúc {vn_short_datetime(report.taken_at)}.")
    return lines


def report_xlsx(report: Report, label: str = "") -> bytes:
    agency = report.agency
    title_rows: Sequence[Sequence[Any]] = [
        [agency.name],
        [TITLE],
        [period_line(report, label)],
        [],
    ]
    rows = [*body_rows(report), [], *([line] for line in notes(report))]
    return xlsx_bytes(
        sheet_title="Báo cáo thống kê",
        headings=headings(report),
        rows=rows,
        title_rows=title_rows,
        widths=(5, 40, *([11] * len(COLUMN_KEYS))),
    )


def report_pdf(report: Report, label: str = "", place: str = "") -> bytes:
    agency = report.agency
    parent = agency.parent.name if agency.parent_id else ""  # type: ignore[union-attr]

    def build(pdf: Document) -> None:
        issuer = [(parent.upper(), False)] if parent else []
        letterhead(
            pdf,
            issuer_lines=[*issuer, (agency.name.upper(), True)],
            number=None,
            date_line=f"{place or '……'}, ngày …… tháng …… năm ……",
        )
        document_title(pdf, TITLE)
        pdf.centred(period_line(report, label))
        pdf.gap(2)
        width = pdf.epw
        count_w = 12.0
        name_w = width - 8 - count_w * len(COLUMN_KEYS)
        table(
            pdf,
            headings(report),
            [[str(value) for value in row] for row in body_rows(report)],
            col_widths=(8, name_w, *([count_w] * len(COLUMN_KEYS))),
            align=("C", "L", *(["R"] * len(COLUMN_KEYS))),
            size=6.5,
        )
        pdf.set_font(FONT, "", 7.5)
        for line in notes(report):
            pdf.multi_cell(0, 3.6, nfc(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
        signatures(
            pdf,
            [
                ("NGƯỜI LẬP BIỂU", SIGN_HINT, ""),
                ("", "", ""),
                ("THỦ TRƯỞNG CƠ QUAN", SEAL_HINT, ""),
            ],
        )

    return render_document(
        build,
        corner_label="",
        title=f"{TITLE} — {agency.name}",
        page_format="A4",
        orientation="landscape",
        continuation=f"{TITLE} — {period_line(report, label)}",
    )

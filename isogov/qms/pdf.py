"""The QMS's printed documents, on the shared layout of ``core.documents``: a controlled
document (a process in the ISO process layout), the audit report, the management review pack,
the conformity announcement (appendix I of Decision 19/2014/QĐ-TTg) and the yearly report
(appendix II). The printed text is the documents' own Vietnamese and is not translated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from isogov.accounts.models import Agency
from isogov.core import clock
from isogov.core.documents.pdf import (
    SEAL_HINT,
    SIGN_HINT,
    Document,
    document_title,
    letterhead,
    render_document,
    signatures,
    table,
)
from isogov.core.documents.text import place_and_date, vn_short_date

from .models import (
    Audit,
    ConformityAnnouncement,
    DocumentRevision,
    ManagementReview,
    Nonconformity,
)

GRADES = {
    "conformity": "Phù hợp",
    "observation": "Lưu ý",
    "minor_nc": "Không phù hợp nhẹ",
    "major_nc": "Không phù hợp nặng",
    "opportunity": "Cơ hội cải tiến",
}
STATUS_VI = {
    "met": "Đạt",
    "at_risk": "Có nguy cơ",
    "missed": "Không đạt",
    "no_data": "Chưa có số liệu",
}


def _issuer(agency: Agency) -> list[tuple[str, bool]]:
    lines = [(agency.parent.name.upper(), False)] if agency.parent else []
    return [*lines, (agency.name.upper(), True)]


def _place(agency: Agency) -> str:
    # [A] The place in the date line: the last words of the agency's name (its province).
    words = agency.name.split()
    return " ".join(words[-2:]) if len(words) >= 2 else agency.name


def _short(value: dt.date | None) -> str:
    return vn_short_date(value) if value else ""


def revision_pdf(revision: DocumentRevision) -> bytes:
    """A controlled document; a process in the ISO layout: purpose, scope, references,
    definitions, steps with unit and allowance, forms, records to keep, approval block, and the
    revision page."""
    document = revision.document
    agency = document.agency
    snapshot: dict[str, Any] = revision.process_snapshot or {}
    history = list(
        document.revisions.filter(number__lte=revision.number)
        .exclude(status__in=["draft", "in_review", "changes_requested"])
        .order_by("number")
    )
    if revision not in history:
        history.append(revision)

    def build(pdf: Document) -> None:
        table(
            pdf,
            [agency.name, document.title, f"Mã hiệu: {document.code}"],
            [
                [
                    "",
                    "",
                    f"Lần ban hành: {revision.number:02d}\nNgày hiệu lực: "
                    f"{_short(revision.effective_on) or '…'}",
                ]
            ],
            col_widths=(1, 1.6, 1),
            align=("C", "C", "L"),
        )
        sections = [
            ("1. MỤC ĐÍCH", revision.content or f"Quy định cách thực hiện: {document.title}."),
            ("2. PHẠM VI", revision.scope or document.scope or "Áp dụng trong toàn cơ quan."),
            (
                "3. TÀI LIỆU VIỆN DẪN",
                "TCVN ISO 9001:2015; " + "; ".join(snapshot.get("procedures", [])),
            ),
            ("4. ĐỊNH NGHĨA, VIẾT TẮT", "TTHC: thủ tục hành chính; BPMC: Bộ phận Một cửa."),
        ]
        for heading, text in sections:
            pdf.paragraph(heading, bold=True)
            pdf.paragraph(text)
            pdf.gap()
        pdf.paragraph("5. NỘI DUNG QUY TRÌNH", bold=True)
        steps = snapshot.get("steps", [])
        if steps:
            table(
                pdf,
                [
                    "Bước",
                    "Nội dung công việc",
                    "Đơn vị/người thực hiện",
                    "Thời gian",
                    "Biểu mẫu/kết quả",
                ],
                [
                    [str(s["order"]), s["name"], s["unit"], s["allowance"], s["result_form"]]
                    for s in steps
                ],
                col_widths=(0.5, 2.2, 1.5, 1, 1.3),
                align=("C", "L", "L", "C", "L"),
            )
        else:
            pdf.paragraph("Theo nội dung tài liệu.")
        pdf.paragraph("6. BIỂU MẪU", bold=True)
        forms = sorted({s["result_form"] for s in steps if s.get("result_form")})
        pdf.paragraph("; ".join(forms) or "Không có.")
        pdf.paragraph("7. HỒ SƠ CẦN LƯU", bold=True)
        pdf.paragraph(
            f"Hồ sơ lập theo tài liệu này được lưu {document.retention_years} năm tại "
            f"{(revision.owner_unit or document.owner_unit or agency).__str__()}."
        )
        signatures(
            pdf,
            [
                ("Soạn thảo", SIGN_HINT, revision.author.display_name),
                ("Xem xét", SIGN_HINT, revision.reviewer.display_name),
                ("Phê duyệt", SEAL_HINT, revision.approver.display_name),
            ],
        )
        pdf.add_page()
        document_title(pdf, "THEO DÕI SỬA ĐỔI TÀI LIỆU")
        table(
            pdf,
            ["Lần ban hành", "Ngày hiệu lực", "Nội dung sửa đổi", "Người phê duyệt"],
            [
                [
                    f"{r.number:02d}",
                    _short(r.effective_on),
                    r.change_summary,
                    r.approver.display_name,
                ]
                for r in history
            ],
            col_widths=(0.8, 1, 3, 1.4),
            align=("C", "C", "L", "L"),
        )

    return render_document(
        build,
        corner_label=f"{document.code} – Lần ban hành {revision.number:02d}",
        title=document.title,
        page_format="A4",
        always_number_pages=True,
        continuation=f"{document.code} (tiếp theo)",
    )


def audit_report_pdf(audit: Audit) -> bytes:
    """Báo cáo đánh giá chất lượng nội bộ: scope, team, findings by clause, conclusion."""
    agency = audit.agency
    findings = list(audit.findings.select_related("unit", "auditor").order_by("clause", "id"))
    ncs = {
        nc.finding_id: nc
        for nc in Nonconformity.objects.filter(finding__audit=audit).select_related("finding")
    }

    def build(pdf: Document) -> None:
        letterhead(
            pdf,
            issuer_lines=_issuer(agency),
            number=None,
            date_line=place_and_date(_place(agency), audit.reported_on or clock.today()),
        )
        document_title(pdf, "BÁO CÁO ĐÁNH GIÁ CHẤT LƯỢNG NỘI BỘ")
        pdf.field("Cuộc đánh giá:", audit.title, bold=True)
        pdf.field("Thời gian:", f"từ {_short(audit.starts_on)} đến {_short(audit.ends_on)}")
        pdf.field("Phạm vi:", audit.scope)
        pdf.field("Đơn vị được đánh giá:", ", ".join(u.name for u in audit.units.all()))
        pdf.field("Điều khoản:", ", ".join(audit.clauses))
        pdf.field(
            "Đoàn đánh giá:",
            ", ".join(
                f"{u.display_name}{' (trưởng đoàn)' if u.pk == audit.lead_auditor_id else ''}"
                for u in audit.team.all()
            ),
        )
        pdf.gap()
        pdf.paragraph("KẾT QUẢ ĐÁNH GIÁ", bold=True)
        table(
            pdf,
            ["TT", "Điều khoản", "Phân loại", "Phát hiện và bằng chứng", "Đơn vị", "Xử lý"],
            [
                [
                    str(i),
                    f.clause,
                    GRADES.get(f.grade, f.grade),
                    f"{f.description}\nBằng chứng: {f.evidence}",
                    f.unit.name if f.unit else "",
                    (f"{ncs[f.pk].code}: {ncs[f.pk].get_status_display()}" if f.pk in ncs else ""),
                ]
                for i, f in enumerate(findings, 1)
            ]
            or [["", "", "", "Không có phát hiện.", "", ""]],
            col_widths=(0.4, 0.8, 1.1, 3, 1.2, 1.2),
            align=("C", "C", "L", "L", "L", "L"),
        )
        pdf.paragraph("KẾT LUẬN", bold=True)
        pdf.paragraph(audit.summary or "Chưa kết luận.")
        signatures(
            pdf,
            [("", "", ""), ("TRƯỞNG ĐOÀN ĐÁNH GIÁ", SIGN_HINT, audit.lead_auditor.display_name)],
        )

    return render_document(
        build,
        corner_label="",
        title="Báo cáo đánh giá nội bộ",
        page_format="A4",
        always_number_pages=True,
    )


def review_pack_pdf(review: ManagementReview) -> bytes:
    """Hồ sơ xem xét của lãnh đạo: the inputs 9.3.2 a–f, the conclusions and the outputs."""
    agency = review.agency
    pack = review.pack
    perf = pack.get("c_performance", {})

    def lines(items: list[Any]) -> str:
        return "\n".join(f"- {item}" for item in items) or "Không có."

    def build(pdf: Document) -> None:
        letterhead(
            pdf,
            issuer_lines=_issuer(agency),
            number=None,
            date_line=place_and_date(_place(agency), review.held_on),
        )
        document_title(pdf, "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG")
        pdf.field("Chủ trì:", review.chair.display_name, bold=True)
        pdf.field("Thành phần:", review.attendees)
        pdf.paragraph("I. ĐẦU VÀO XEM XÉT (mục 9.3.2 TCVN ISO 9001:2015)", bold=True)
        pdf.paragraph("a) Tình trạng các hành động từ lần xem xét trước", bold=True)
        pdf.paragraph(lines([a["description"] for a in pack.get("a_previous_actions", [])]))
        pdf.paragraph("b) Thay đổi của các vấn đề nội bộ và bên ngoài", bold=True)
        pdf.paragraph(lines(pack.get("b_context_changes", [])))
        pdf.paragraph("c) Kết quả thực hiện và hiệu lực của hệ thống", bold=True)
        rate = perf.get("on_time_rate")
        pdf.paragraph(
            f"Hồ sơ đã giải quyết: {perf.get('dossiers_finished', 0)}, đúng hạn và trước hạn: "
            f"{perf.get('on_time', 0)} ({'—' if rate is None else f'{rate}%'}). "
            f"Sự không phù hợp: {perf.get('nonconformities', 0)} (còn mở "
            f"{perf.get('nonconformities_open', 0)}). Khiếu nại: {perf.get('complaints', 0)}. "
            f"Cuộc đánh giá nội bộ: {perf.get('audits', 0)}."
        )
        objectives = perf.get("objectives", [])
        if objectives:
            table(
                pdf,
                ["Mục tiêu chất lượng", "Chỉ tiêu", "Kết quả", "Đánh giá"],
                [
                    [o["title"], o["target"], o["value"] or "—", STATUS_VI.get(o["status"], "")]
                    for o in objectives
                ],
                col_widths=(3, 0.8, 0.8, 1),
                align=("L", "C", "C", "C"),
            )
        pdf.paragraph("d) Sự thỏa đáng của nguồn lực", bold=True)
        pdf.paragraph(lines(pack.get("d_resources", [])))
        pdf.paragraph("e) Hiệu lực của các hành động giải quyết rủi ro và cơ hội", bold=True)
        pdf.paragraph(
            lines([f"{r['code']} {r['title']} ({r['level']})" for r in pack.get("e_risks", [])])
        )
        pdf.paragraph("f) Cơ hội cải tiến", bold=True)
        pdf.paragraph(lines(pack.get("f_improvements", [])))
        pdf.paragraph("II. KẾT LUẬN", bold=True)
        pdf.paragraph(review.conclusions or "")
        pdf.paragraph(
            "Hệ thống quản lý chất lượng "
            + ("duy trì hiệu lực." if review.system_effective else "chưa duy trì hiệu lực.")
        )
        pdf.paragraph("III. ĐẦU RA (mục 9.3.3)", bold=True)
        table(
            pdf,
            ["Hành động", "Người thực hiện", "Hạn"],
            [[a.description, a.owner.display_name, _short(a.due_on)] for a in review.actions.all()]
            or [["Không có.", "", ""]],
            col_widths=(3.5, 1.5, 1),
            align=("L", "L", "C"),
        )
        signatures(
            pdf, [("THƯ KÝ ISO", SIGN_HINT, ""), ("CHỦ TRÌ", SEAL_HINT, review.chair.display_name)]
        )

    return render_document(
        build,
        corner_label="",
        title="Xem xét của lãnh đạo",
        page_format="A4",
        always_number_pages=True,
    )


def announcement_pdf(announcement: ConformityAnnouncement) -> bytes:
    """Quyết định công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015 (appendix I of
    Decision 19/2014/QĐ-TTg, as amended by Decision 101/2018/QĐ-TTg)."""
    agency = announcement.agency

    def build(pdf: Document) -> None:
        letterhead(
            pdf,
            issuer_lines=_issuer(agency),
            number=announcement.number,
            date_line=place_and_date(_place(agency), announcement.signed_on),
        )
        document_title(
            pdf,
            "QUYẾT ĐỊNH\nVề việc công bố Hệ thống quản lý chất lượng phù hợp Tiêu chuẩn quốc gia "
            "TCVN ISO 9001:2015",
        )
        pdf.centred(f"THỦ TRƯỞNG {agency.name.upper()}", bold=True)
        pdf.gap()
        pdf.paragraph(
            "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng "
            "Chính phủ về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia "
            "TCVN ISO 9001:2008 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính "
            "nhà nước, được sửa đổi, bổ sung bởi Quyết định số 101/2018/QĐ-TTg ngày 21 tháng 8 "
            "năm 2018;"
        )
        pdf.paragraph(
            "Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10 tháng 10 năm 2014 của Bộ trưởng "
            "Bộ Khoa học và Công nghệ quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg;"
        )
        pdf.paragraph("Xét đề nghị của Ban Chỉ đạo ISO,")
        pdf.centred("QUYẾT ĐỊNH:", bold=True)
        pdf.paragraph(
            "Điều 1. Công bố Hệ thống quản lý chất lượng của "
            f"{agency.name} phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015 đối với các lĩnh vực "
            f"hoạt động sau: {announcement.scope_statement}"
        )
        for line in announcement.procedures:
            pdf.paragraph(f"- {line}")
        pdf.paragraph(
            "Điều 2. Thủ trưởng các đơn vị, cán bộ, công chức có liên quan có trách nhiệm duy trì "
            "và cải tiến Hệ thống quản lý chất lượng; cập nhật khi có thay đổi văn bản quy phạm "
            "pháp luật liên quan."
        )
        pdf.paragraph("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")
        signatures(
            pdf,
            [
                ("Nơi nhận:\n- Sở Khoa học và Công nghệ;\n- Như Điều 2;\n- Lưu: VT.", "", ""),
                ("THỦ TRƯỞNG CƠ QUAN", SEAL_HINT, announcement.signer.display_name),
            ],
        )

    return render_document(
        build,
        corner_label="Phụ lục I",
        title="Quyết định công bố HTQLCL",
        page_format="A4",
        always_number_pages=True,
    )


def yearly_report_pdf(*, agency: Agency, year: int, data: dict[str, Any]) -> bytes:
    """Báo cáo tình hình áp dụng, duy trì, cải tiến HTQLCL (appendix II of Decision 19/2014)."""

    def build(pdf: Document) -> None:
        letterhead(
            pdf,
            issuer_lines=_issuer(agency),
            number=None,
            date_line=place_and_date(_place(agency), clock.today()),
        )
        document_title(
            pdf,
            f"BÁO CÁO\nTình hình xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất "
            f"lượng theo TCVN ISO 9001:2015 năm {year}",
        )
        pdf.paragraph("Kính gửi: Sở Khoa học và Công nghệ", align="C")
        table(
            pdf,
            ["Nội dung", "Kết quả"],
            [
                ["Phạm vi áp dụng (số thủ tục hành chính)", str(data["procedures"])],
                ["Công bố phù hợp TCVN ISO 9001:2015", data["announcement"]],
                ["Tài liệu có kiểm soát đã ban hành", str(data["documents"])],
                ["Số cuộc đánh giá nội bộ trong năm", str(data["audits"])],
                ["Xem xét của lãnh đạo trong năm", data["reviews"]],
                [
                    "Sự không phù hợp phát hiện / đã khắc phục",
                    f"{data['ncs']} / {data['ncs_closed']}",
                ],
                ["Cập nhật quy trình khi văn bản pháp luật thay đổi", str(data["legal_updates"])],
                [
                    "Mục tiêu chất lượng đạt / tổng số",
                    f"{data['objectives_met']} / {data['objectives']}",
                ],
            ],
            col_widths=(3.5, 2),
            align=("L", "L"),
        )
        pdf.paragraph("Kiến nghị, đề xuất:", bold=True)
        pdf.paragraph("Không có.")
        signatures(pdf, [("", "", ""), ("THỦ TRƯỞNG CƠ QUAN", SEAL_HINT, "")])

    return render_document(
        build,
        corner_label="Phụ lục II",
        title="Báo cáo ISO hằng năm",
        page_format="A4",
        always_number_pages=True,
    )

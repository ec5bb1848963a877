"""The one-stop forms as A5 PDFs. Pure: form data in, bytes out.

The ``form_set`` argument picks the numbering and titles (``forms.FORMS``); the wording follows
the official templates and is the legal form's Vietnamese, deliberately not translated.
"""

from __future__ import annotations

import datetime as dt

from isogov.core.documents.pdf import (
    DOTS,
    SEAL_HINT,
    SIGN_HINT,
    Document,
    document_title,
    qr_codes,
    render_document,
    signatures,
    table,
)
from isogov.core.documents.text import vn_date, vn_datetime, vn_short_datetime
from isogov.dossiers.pdf.data import (
    ApologyData,
    AppraisalRefusalData,
    ControlSheetData,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementRequestData,
)
from isogov.dossiers.pdf.forms import (
    Form,
    amount_text,
    fee_text,
    form_number_and_title,
    outcome_text,
)
from isogov.dossiers.pdf.layout import applicant_fields, count, header_block, unit_in_text
from isogov.dossiers.rulesets import FormSet


def render_receipt(
    data: ReceiptData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả, A5, with the dossier code as a QR code."""
    number, title = form_number_and_title(Form.RECEIPT, form_set)

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="unit", number=data.number, dated=data.received_at)
        document_title(pdf, title)
        if data.reissued_at is not None:
            pdf.runs(
                (
                    f"(Cấp lại lúc {vn_datetime(data.reissued_at)} sau khi nhận đủ hồ sơ bổ "
                    "sung, thay thế giấy tiếp nhận đã cấp; thời hạn giải quyết tính lại)",
                    False,
                )
            )
        # The lookup link and, beside it, the one-time rating link (Decree 61/2018 art. 31;
        # usable once the result has been returned).
        codes = [
            (url, caption)
            for url, caption in ((data.rating_url, "Đánh giá"), (data.lookup_url, "Tra cứu"))
            if url
        ]
        qr_top = pdf.get_y()
        qr_width, qr_height = qr_codes(pdf, codes)
        # Text beside the QR codes wraps before them; the applicant's fields below them do not.
        pdf.wrap_beside(qr_width, qr_top + qr_height)
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        applicant_fields(pdf, data.applicant, label="Tiếp nhận hồ sơ của:")
        pdf.end_beside(below=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.runs(("1. Thành phần hồ sơ nộp gồm:", False))
        if data.papers:
            table(
                pdf,
                ("TT", "Tên giấy tờ", "Bản chính", "Bản sao"),
                [
                    (str(i), paper.name, count(paper.originals), count(paper.copies))
                    for i, paper in enumerate(data.papers, start=1)
                ],
                col_widths=(8, 80, 18, 18),
                align=("C", "L", "C", "C"),
            )
        pdf.field("2. Số lượng hồ sơ:", f"{data.sets:02d} (bộ)")
        pdf.field("3. Thời gian giải quyết hồ sơ theo quy định là:", data.legal_time_text)
        pdf.field("4. Thời gian nhận hồ sơ:", vn_datetime(data.received_at))
        pdf.field(
            "5. Thời gian trả kết quả giải quyết hồ sơ:",
            vn_datetime(data.appointment_at),
            bold=True,
        )
        pdf.field("6. Đăng ký nhận kết quả tại:", data.return_place)
        if data.fees:
            pdf.runs(("7. Phí, lệ phí:", False))
            for fee in data.fees:
                pdf.runs((f"   - {fee.name}: ", False), (fee_text(fee), False))
            amounts = [fee.amount_vnd for fee in data.fees]
            if len(amounts) > 1 and all(amount is not None for amount in amounts):
                total = sum(amount for amount in amounts if amount is not None)
                pdf.runs(("   Tổng cộng: ", False), (amount_text(total), True))
        pdf.runs(
            ("Vào Sổ theo dõi hồ sơ, Quyển số: ", False),
            (data.register_book or "……", False),
            (", Số thứ tự: ", False),
            (data.register_line or "……", False),
        )
        if data.lookup_url:
            pdf.runs(("Tra cứu tình trạng hồ sơ: ", False), (data.lookup_url, False), size=7)
        if data.rating_url:
            pdf.runs(
                ("Đánh giá sau khi nhận kết quả: ", False),
                (data.rating_url, False),
                size=7,
            )
        signatures(
            pdf,
            (
                ("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, ""),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, data.officer_name),
            ),
        )

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Giấy tiếp nhận hồ sơ – Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_supplement_request(
    data: SupplementRequestData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, A5."""
    number, title = form_number_and_title(Form.SUPPLEMENT_REQUEST, form_set)

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="unit", number=data.number, dated=data.issued_at)
        document_title(pdf, title)
        applicant_fields(pdf, data.applicant, label="Hồ sơ của:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.runs(("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", False))
        table(
            pdf,
            ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo"),
            [
                (
                    str(i),
                    item.paper,
                    count(item.originals),
                    count(item.certified_copies),
                    count(item.photocopies),
                )
                for i, item in enumerate(data.items, start=1)
            ],
            col_widths=(8, 62, 17, 20, 17),
            align=("C", "L", "C", "C", "C"),
        )
        pdf.field("Lý do:", data.reason)
        pdf.paragraph(
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"{data.helpline or DOTS} để được hướng dẫn."
        )
        signatures(pdf, (("", "", ""), ("NGƯỜI HƯỚNG DẪN", SIGN_HINT, data.officer_name)))

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Phiếu yêu cầu bổ sung – Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_refusal(
    data: RefusalData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ: the desk's refusal at intake, A5."""
    number, title = form_number_and_title(Form.REFUSAL, form_set)

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="unit", number=data.number, dated=data.issued_at)
        document_title(pdf, title)
        pdf.paragraph(
            f"{unit_in_text(data.header)} – {data.header.agency_name} tiếp nhận hồ sơ của:"
        )
        applicant_fields(pdf, data.applicant, label="Ông/Bà/Tổ chức:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.gap(1)
        pdf.paragraph(
            "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, "
            f"{unit_in_text(data.header)} thông báo không tiếp nhận, giải quyết hồ sơ này "
            "với lý do cụ thể như sau:"
        )
        for i, reason in enumerate(data.reasons, start=1):
            pdf.paragraph(f"{i}. {reason}")
        pdf.paragraph("Xin thông báo để Ông/Bà biết và thực hiện./.")
        signatures(pdf, (("", "", ""), ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, data.officer_name)))

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_appraisal_refusal(
    data: AppraisalRefusalData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu từ chối giải quyết hồ sơ: the competent agency's refusal after appraisal, A5.

    Decree 61/2018 art. 19.8: the agency returns the dossier with a written notice of the
    reasons, on form 03's template, through the one-stop desk; its leader signs and seals it.
    """
    number, title = form_number_and_title(Form.APPRAISAL_REFUSAL, form_set)
    agency = data.header.agency_name

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="agency", number=data.number, dated=data.issued_at)
        document_title(pdf, title)
        pdf.gap(1)
        pdf.runs(("Kính gửi: ", False), (data.applicant.name, True))
        pdf.gap(1)
        pdf.paragraph(
            f"Ngày {vn_date(data.received_at).removeprefix('ngày ')}, {agency} tiếp nhận hồ sơ của:"
        )
        applicant_fields(pdf, data.applicant, label="Ông/Bà/Tổ chức:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        pdf.gap(1)
        pdf.paragraph(
            f"Sau khi thẩm định hồ sơ, đối chiếu với các quy định hiện hành, {agency} thông báo "
            "không giải quyết hồ sơ này với lý do cụ thể như sau:"
        )
        for i, reason in enumerate(data.reasons, start=1):
            pdf.paragraph(f"{i}. {reason}")
        pdf.paragraph(
            "Hồ sơ được trả lại cho Ông/Bà/Tổ chức qua Bộ phận Tiếp nhận và Trả kết quả. "
            "Xin thông báo để Ông/Bà/Tổ chức biết./."
        )
        signatures(pdf, (("", "", ""), (data.signer_title.upper(), SEAL_HINT, data.signer_name)))

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_apology(
    data: ApologyData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """The apology for a late result with the new appointment (an extension request in 03/2025)."""
    form_set = FormSet(form_set)
    number, title = form_number_and_title(Form.APOLOGY, form_set)
    agency = data.header.agency_name

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="agency", number=data.number, dated=data.issued_at)
        document_title(pdf, title)
        pdf.gap(1)
        pdf.runs(("Kính gửi: ", False), (data.addressee, True))
        pdf.gap(1)
        pdf.paragraph(
            f"Ngày {vn_date(data.received_at).removeprefix('ngày ')}, {agency} tiếp nhận "
            f"giải quyết hồ sơ của Ông/Bà, mã hồ sơ: {data.dossier_code}."
        )
        pdf.field("Thời hạn trả kết quả giải quyết hồ sơ:", vn_datetime(data.original_appointment))
        pdf.paragraph(
            f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng hạn."
        )
        pdf.field("Lý do:", data.reason)
        if form_set == FormSet.CIRCULAR_03_2025:
            # Decree 118/2025 art. 19.6: the apology proposes the extension; moved only once.
            pdf.paragraph(
                f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và đề nghị "
                "gia hạn thời gian giải quyết hồ sơ, hẹn trả kết quả vào:"
            )
        else:
            pdf.paragraph(
                f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. {agency} "
                "xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào:"
            )
        pdf.centred(vn_datetime(data.new_appointment), bold=True)
        pdf.paragraph("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.")
        signatures(pdf, (("", "", ""), (data.signer_title.upper(), SEAL_HINT, data.signer_name)))

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


def render_stop_notice(
    data: StopNoticeData, *, form_set: FormSet | str = FormSet.CIRCULAR_03_2025
) -> bytes:
    """Thông báo dừng giải quyết hồ sơ (Circular 03/2025 only; Decree 118/2025 art. 21).

    Two cases: the applicant asked to stop, or the dossier was closed because the supplement
    request went unanswered; the second cites that request and its date, never a request to stop.
    """
    number, title = form_number_and_title(Form.STOP_NOTICE, form_set)
    agency = data.header.agency_name

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="agency", number=data.number, dated=data.issued_at)
        document_title(pdf, title)
        pdf.gap(1)
        pdf.runs(("Kính gửi: ", False), (data.applicant.name, True))
        pdf.gap(1)
        if data.supplement_requested_at is not None:
            requested = vn_date(data.supplement_requested_at).removeprefix("ngày ")
            pdf.paragraph(
                f"Ngày {requested}, {agency} đã gửi Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ "
                "đối với hồ sơ của Ông/Bà/Tổ chức:"
            )
        else:
            asked = vn_datetime(data.requested_at) if data.requested_at else DOTS
            pdf.paragraph(
                f"Vào {asked}, {agency} nhận được đề nghị dừng giải quyết hồ sơ của Ông/Bà/Tổ chức:"
            )
        applicant_fields(pdf, data.applicant, label="Tên tổ chức, cá nhân:")
        pdf.field("Mã hồ sơ:", data.dossier_code, bold=True)
        pdf.field("Nội dung yêu cầu giải quyết:", data.request, bold=True)
        if data.supplement_requested_at is not None:
            pdf.paragraph(
                f"Đã quá {data.unanswered_days} ngày kể từ ngày yêu cầu bổ sung, hoàn thiện hồ sơ "
                "nhưng Ông/Bà/Tổ chức không bổ sung, hoàn thiện hồ sơ theo yêu cầu."
            )
        pdf.field("Lý do dừng giải quyết:", data.reason)
        pdf.paragraph(
            f"{agency} thông báo dừng giải quyết hồ sơ nêu trên kể từ {vn_date(data.issued_at)}./."
        )
        signatures(pdf, (("", "", ""), (data.signer_title.upper(), SEAL_HINT, data.signer_name)))

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )


CONTROL_SHEET_HEADINGS = (
    "TÊN CƠ QUAN (BỘ PHẬN)",
    "THỜI GIAN GIAO, NHẬN HỒ SƠ",
    "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)",
    "GHI CHÚ",
)
OPINION_HEADINGS = (
    "Cơ quan, đơn vị được lấy ý kiến",
    "Đề nghị",
    "Hạn trả lời",
    "Trả lời",
    "Kết quả",
)


def _short(value: dt.datetime | None) -> str:
    return vn_short_datetime(value) if value is not None else ""


def render_control_sheet(
    data: ControlSheetData, *, form_set: FormSet | str = FormSet.CIRCULAR_01_2018
) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ, A5, one table row per handover, then the
    consulted units' opinions (Decree 61/2018 art. 19.5.b: their answers go on this sheet)."""
    number, title = form_number_and_title(Form.CONTROL_SHEET, form_set)

    def build(pdf: Document) -> None:
        header_block(pdf, data.header, issuer="unit", number=None, dated=None)
        document_title(pdf, title)
        pdf.centred(f"Mã hồ sơ: {data.dossier_code}", bold=True)
        pdf.centred("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", size=7.5)
        pdf.gap(1)
        pdf.field("Tổ chức, cá nhân:", data.applicant, bold=True)
        pdf.field("Thời gian nhận hồ sơ:", vn_datetime(data.received_at))
        appointment = vn_datetime(data.appointment_at) if data.appointment_at else ""
        pdf.field("Thời gian hẹn trả kết quả:", appointment, bold=True)
        pdf.field("Cơ quan (bộ phận) giải quyết hồ sơ:", data.handling_unit)
        pdf.field(
            "Cơ quan phối hợp giải quyết hồ sơ:", "; ".join(data.coordinating_units) or "Không"
        )
        if data.note:
            pdf.field("Ghi chú:", data.note)
        pdf.gap(1)
        rows = []
        for i, row in enumerate(data.rows, start=1):
            who = f"Người giao: {row.from_person or '……'}\nNgười nhận: {row.to_person or '……'}"
            rows.append(
                (
                    f"{i}. Giao: {row.from_unit}\nNhận: {row.to_unit}",
                    f"{vn_datetime(row.handed_at)}\n{who}",
                    outcome_text(row.outcome),
                    row.note,
                )
            )
        table(
            pdf,
            CONTROL_SHEET_HEADINGS,
            rows,
            col_widths=(38, 46, 21, 19),
            align=("L", "L", "C", "L"),
            size=7,
        )
        if data.opinions:
            pdf.runs(("Ý kiến của cơ quan, đơn vị phối hợp:", True))
            table(
                pdf,
                OPINION_HEADINGS,
                [
                    (
                        opinion.unit + (f"\n{opinion.note}" if opinion.note else ""),
                        _short(opinion.requested_at),
                        _short(opinion.due_at),
                        _short(opinion.answered_at),
                        outcome_text(opinion.outcome),
                    )
                    for opinion in data.opinions
                ],
                col_widths=(40, 21, 21, 21, 21),
                align=("L", "C", "C", "C", "C"),
                size=7,
            )

    return render_document(
        build,
        corner_label=f"Mẫu số {number}",
        title=title,
        continuation=f"Phiếu kiểm soát – Mã hồ sơ: {data.dossier_code} (tiếp theo)",
    )

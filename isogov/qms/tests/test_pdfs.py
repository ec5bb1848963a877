"""The printed QMS documents open and read back their Vietnamese text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from isogov.catalog.models import Procedure
from isogov.qms.services import audits, review, system

from .conftest import unit
from .test_pages import text_of

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC)


def _get(desk: Any, path: str, username: str = "thuky") -> str:
    client = Client()
    client.force_login(desk.user(username))
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return " ".join(text_of(response.content).split())


@time_machine.travel(NOW, tick=False)
def test_audit_report_pdf(desk: Any) -> None:
    audit = audits.audit_plan(
        actor=desk.user("thuky"),
        agency=desk.department,
        title="Đánh giá nội bộ năm 2026",
        scope="Bộ phận Một cửa",
        units=[unit(desk, "MC")],
        processes=[],
        clauses=["8.5"],
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 6, 2),
        lead_auditor=desk.user("danhgia"),
        team=[desk.user("danhgia")],
    )
    audits.finding_record(
        actor=desk.user("danhgia"),
        audit_id=audit.pk,
        grade="minor_nc",
        clause="8.5",
        description="Chưa ký nhận khi trả bản gốc",
        evidence="Sổ theo dõi tuần 2",
    )
    audit.refresh_from_db()
    audits.audit_report(
        actor=desk.user("danhgia"),
        audit_id=audit.pk,
        version=audit.version,
        summary="Hệ thống phù hợp, một điểm không phù hợp nhẹ.",
    )
    text = _get(desk, f"/iso/danh-gia/{audit.pk}/bao-cao.pdf")
    for words in (
        "BÁO CÁO ĐÁNH GIÁ CHẤT LƯỢNG NỘI BỘ",
        "Không phù hợp nhẹ",
        "Chưa ký nhận khi trả bản gốc",
        "Vũ Văn Đánh (trưởng đoàn)",
        "NC-2026-001",
        "Hệ thống phù hợp, một điểm không phù hợp nhẹ.",
    ):
        assert words in text, words


@time_machine.travel(NOW, tick=False)
def test_the_issued_audit_report_is_frozen(desk: Any) -> None:
    """Issued once at the report, stored, and served unchanged when the data changes later."""
    from isogov.qms.models import Audit, Finding

    audit = audits.audit_plan(
        actor=desk.user("thuky"),
        agency=desk.department,
        title="Đánh giá nội bộ đợt 1",
        scope="Bộ phận Một cửa",
        units=[unit(desk, "MC")],
        processes=[],
        clauses=["8.5"],
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 6, 2),
        lead_auditor=desk.user("danhgia"),
        team=[desk.user("danhgia")],
    )
    audits.finding_record(
        actor=desk.user("danhgia"),
        audit_id=audit.pk,
        grade="observation",
        clause="8.5",
        description="Sổ giao nhận ghi thiếu giờ",
        evidence="Sổ tuần 1",
    )
    draft = _get(desk, f"/iso/danh-gia/{audit.pk}/bao-cao.pdf")
    assert "Sổ giao nhận ghi thiếu giờ" in draft
    audit.refresh_from_db()
    assert not audit.report_pdf
    audits.audit_report(
        actor=desk.user("danhgia"), audit_id=audit.pk, version=audit.version, summary="Phù hợp."
    )
    audit.refresh_from_db()
    assert audit.report_pdf.name.startswith("qms/audits/")
    with audit.report_pdf.open("rb") as frozen:
        stored = frozen.read()
    issued = _get(desk, f"/iso/danh-gia/{audit.pk}/bao-cao.pdf")
    # The data changes after the report was issued...
    Finding.objects.filter(audit=audit).update(description="Nội dung sửa sau khi ban hành")
    Audit.objects.filter(pk=audit.pk).update(title="Tên đã đổi")
    later = Client()
    later.force_login(desk.user("thuky"))
    response = later.get(f"/iso/danh-gia/{audit.pk}/bao-cao.pdf")
    # ...and the issued report is the same bytes, with the original text.
    assert response.content == stored
    assert issued == " ".join(text_of(response.content).split())
    assert "Sổ giao nhận ghi thiếu giờ" in issued and "Đánh giá nội bộ đợt 1" in issued
    assert "Nội dung sửa sau khi ban hành" not in issued and "Tên đã đổi" not in issued


@time_machine.travel(NOW, tick=False)
def test_management_review_pack_pdf(desk: Any) -> None:
    system.context_issue_add(
        actor=desk.user("thuky"),
        agency=desk.department,
        kind="external",
        title="Sáp nhập đơn vị hành chính cấp huyện",
    )
    meeting = review.management_review_record(
        actor=desk.user("thuky"),
        agency=desk.department,
        held_on=dt.date(2026, 5, 30),
        chair=desk.user("lanhdao"),
        attendees="Ban Chỉ đạo ISO",
        conclusions="Duy trì hiệu lực",
        system_effective=True,
    )
    review.review_output_add(
        actor=desk.user("thuky"),
        review=meeting,
        description="Trang bị máy quét",
        owner=desk.user("truongphong"),
        due_on=dt.date(2026, 7, 1),
    )
    text = _get(desk, f"/iso/xem-xet/{meeting.pk}/ho-so.pdf")
    for words in (
        "XEM XÉT CỦA LÃNH ĐẠO",
        "a) Tình trạng các hành động",
        "b) Thay đổi",
        "Sáp nhập đơn vị hành chính cấp huyện",
        "c) Kết quả thực hiện",
        "d) Sự thỏa đáng",
        "e) Hiệu lực",
        "f) Cơ hội cải tiến",
        "Trang bị máy quét",
        "Trần Thị Lãnh",
        "duy trì hiệu lực",
    ):
        assert words in text, words


@time_machine.travel(NOW, tick=False)
def test_conformity_announcement_and_yearly_report_pdfs(desk: Any) -> None:
    procedure = Procedure.objects.get(code="1.014464")
    system.scope_set(
        actor=desk.user("thuky"),
        agency=desk.department,
        statement="giải quyết thủ tục hành chính của Sở",
        procedures=[procedure],
        units=[],
    )
    announcement = review.announcement_issue(
        actor=desk.user("lanhdao"),
        agency=desk.department,
        number="112/QĐ-SKHCN",
        signed_on=dt.date(2026, 6, 1),
    )
    text = _get(desk, f"/iso/cong-bo/{announcement.pk}.pdf")
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 112/QĐ-SKHCN",
        "QUYẾT ĐỊNH",
        "phù hợp Tiêu chuẩn quốc gia TCVN ISO 9001:2015",
        "Quyết định số 19/2014/QĐ-TTg",
        "101/2018/QĐ-TTg",
        "1.014464",
        "Sở Khoa học và Công nghệ",
        "Trần Thị Lãnh",
    ):
        assert words in text, words
    report = _get(desk, "/iso/bao-cao/2026.pdf")
    for words in (
        "BÁO CÁO",
        "năm 2026",
        "Quyết định số 112/QĐ-SKHCN ngày 01/06/2026",
        "Phạm vi áp dụng (số thủ tục hành chính) 1",
        "Kính gửi: Sở Khoa học và Công nghệ",
    ):
        assert words in report, words


def test_yearly_report_only_for_the_qms_managers(desk: Any) -> None:
    client = Client()
    client.force_login(desk.user("chuyenvien"))
    assert client.get("/iso/bao-cao/2026.pdf").status_code == 404

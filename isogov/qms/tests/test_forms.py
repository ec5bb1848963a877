"""The page forms of the QMS services without a page of their own: each saves on good input and
names the field on bad input, leaving the stored data untouched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from isogov.qms.models import (
    ConformityAnnouncement,
    DocumentRevision,
    ExternalInspection,
    ObjectivePlanItem,
    RiskAction,
    RiskMatrix,
    YearlyReport,
)
from isogov.qms.services import review, risks, system

from .conftest import draft, new_document

pytestmark = pytest.mark.django_db


def _client(demo: Any, username: str = "thuky") -> Client:
    client = Client()
    client.force_login(demo.user(username))
    return client


def _said(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _objective(demo: Any) -> Any:
    return system.objective_create(
        actor=demo.user("thuky"),
        agency=demo.department,
        year=2026,
        title="Tỷ lệ trả đúng hạn",
        target=95,
        direction="higher",
        frequency="monthly",
        owner=demo.user("truongphong"),
    )


def _risk(demo: Any) -> Any:
    return risks.risk_create(
        actor=demo.user("thuky"),
        agency=demo.department,
        code="RR-01",
        kind="risk",
        title="Thất lạc hồ sơ giấy",
        owner=demo.user("truongphong"),
        likelihood=3,
        impact=4,
        review_on=dt.date(2027, 1, 1),
    )


def test_objective_plan_item_from_the_page(demo: Any) -> None:
    objective = _objective(demo)
    client = _client(demo)
    page = _said(client.get("/iso/muc-tieu/"))
    assert 'name="op" value="plan"' in page
    good = {
        "op": "plan",
        "objective": objective.pk,
        "what": "Nhắc hạn hằng ngày",
        "who": demo.user("chuyenvien").pk,
        "due_on": "30/06/2026",
    }
    response = client.post("/iso/muc-tieu/", {**good, "due_on": "31/02/2026"}, follow=True)
    assert "(due_on)" in _said(response)
    assert not ObjectivePlanItem.objects.exists()
    response = client.post("/iso/muc-tieu/", {**good, "who": 999999}, follow=True)
    assert "(who)" in _said(response) and not ObjectivePlanItem.objects.exists()
    page = _said(client.post("/iso/muc-tieu/", good, follow=True))
    item = ObjectivePlanItem.objects.get()
    assert (item.objective, item.who, item.due_on) == (
        objective,
        demo.user("chuyenvien"),
        dt.date(2026, 6, 30),
    )
    assert "Nhắc hạn hằng ngày" in page
    # A specialist is not a QMS manager: refused, nothing stored.
    _client(demo, "chuyenvien").post("/iso/muc-tieu/", {**good, "what": "Khác"})
    assert ObjectivePlanItem.objects.count() == 1


def test_risk_action_and_matrix_size_from_the_page(demo: Any) -> None:
    risk = _risk(demo)
    client = _client(demo)
    good = {
        "op": "action",
        "risk": risk.pk,
        "description": "Lập sổ giao nhận",
        "owner": demo.user("truongphong").pk,
        "due_on": "15/07/2026",
    }
    response = client.post("/iso/rui-ro/", {**good, "risk": "x"}, follow=True)
    assert "(risk)" in _said(response) and not RiskAction.objects.exists()
    response = client.post("/iso/rui-ro/", {**good, "due_on": ""}, follow=True)
    assert "(due_on)" in _said(response) and not RiskAction.objects.exists()
    page = _said(client.post("/iso/rui-ro/", good, follow=True))
    assert RiskAction.objects.get().risk == risk
    assert "Lập sổ giao nhận" in page

    response = client.post("/iso/rui-ro/", {"op": "matrix", "size": "11"}, follow=True)
    assert "(size)" in _said(response) and not RiskMatrix.objects.exists()
    client.post("/iso/rui-ro/", {"op": "matrix", "size": "4"})
    assert RiskMatrix.objects.get(agency=demo.department).size == 4
    assert len(risks.matrix_for(demo.department)) == 4


def test_announcement_marks_inspection_and_yearly_report_from_the_page(demo: Any) -> None:
    system.scope_set(
        actor=demo.user("thuky"),
        agency=demo.department,
        statement="Các thủ tục của Sở",
        procedures=[],
        units=[],
    )
    announcement = review.announcement_issue(
        actor=demo.user("lanhdao"),
        agency=demo.department,
        number="12/QĐ-STP",
        signed_on=dt.date(2026, 3, 1),
    )
    client = _client(demo)
    page = _said(client.get("/iso/he-thong/"))
    for form in ('value="mark"', 'value="inspection"', 'value="yearly"'):
        assert form in page, form

    mark = {"op": "mark", "announcement": announcement.pk, "which": "notified", "on": "05/03/2026"}
    response = client.post("/iso/he-thong/", {**mark, "which": "signed"}, follow=True)
    assert "(which)" in _said(response)
    response = client.post("/iso/he-thong/", {**mark, "announcement": 999999}, follow=True)
    assert "(announcement)" in _said(response)
    response = client.post("/iso/he-thong/", {**mark, "on": "01/01/2099"}, follow=True)
    assert "(on)" in _said(response)
    announcement.refresh_from_db()
    assert announcement.dost_notified_on is None
    client.post("/iso/he-thong/", mark)
    client.post("/iso/he-thong/", {**mark, "which": "posted", "on": "06/03/2026"})
    announcement = ConformityAnnouncement.objects.get(pk=announcement.pk)
    assert (announcement.dost_notified_on, announcement.posted_on) == (
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
    )

    inspection = {
        "op": "inspection",
        "inspector": "Sở Khoa học và Công nghệ",
        "record_number": "05/BB-KTra",
        "record_on": "10/04/2026",
        "findings": "Chưa cập nhật quy trình",
    }
    response = client.post("/iso/he-thong/", {**inspection, "record_on": "10-04"}, follow=True)
    assert "(record_on)" in _said(response) and not ExternalInspection.objects.exists()
    page = _said(client.post("/iso/he-thong/", inspection, follow=True))
    assert ExternalInspection.objects.get().corrective_due_on == dt.date(2026, 6, 10)
    assert "05/BB-KTra" in page and "10/06/2026" in page

    yearly = {"op": "yearly", "year": "2026", "submitted_on": "01/12/2026"}
    for field, wrong in (("year", "1900"), ("submitted_on", "01/12/2024"), ("year", "abc")):
        response = client.post("/iso/he-thong/", {**yearly, field: wrong}, follow=True)
        assert f"({field})" in _said(response), field
    assert not YearlyReport.objects.filter(submitted_on__isnull=False).exists()
    page = _said(client.post("/iso/he-thong/", yearly, follow=True))
    assert YearlyReport.objects.get(agency=demo.department, year=2026).submitted_on == dt.date(
        2026, 12, 1
    )
    assert "01/12/2026" in page


def test_a_word_or_pdf_attachment_on_a_revision(demo: Any) -> None:
    document = new_document(demo)
    revision = draft(demo, document)
    client = _client(demo)
    page = _said(client.get(f"/iso/tai-lieu/{document.pk}/"))
    assert 'enctype="multipart/form-data"' in page
    url = f"/iso/ban-hanh/{revision.pk}/dinh-kem/"

    def send(name: str, content: bytes, who: Client = client, version: int = 1) -> str:
        upload = SimpleUploadedFile(name, content)
        return _said(who.post(url, {"version": version, "attachment": upload}, follow=True))

    assert "(attachment)" in send("quy-trinh.exe", b"MZ\x90\x00")
    assert "(attachment)" in send("quy-trinh.pdf", b"PK\x03\x04 not a pdf")  # renamed file
    revision.refresh_from_db()
    assert not revision.attachment and revision.version == 1
    # Another manager who is neither the author nor the secretary: refused.
    send("quy-trinh.pdf", b"%PDF-1.4 x", who=_client(demo, "truongphong"))
    assert not DocumentRevision.objects.get(pk=revision.pk).attachment
    page = send("quy-trinh.pdf", b"%PDF-1.4 ban goc")
    revision.refresh_from_db()
    assert revision.attachment.name.endswith("QT-KS-01-01.pdf") and revision.version == 2
    assert "QT-KS-01-01.pdf" in page
    # A stale form is refused (the version moved on).
    send("quy-trinh.docx", b"PK\x03\x04 word", version=1)
    assert DocumentRevision.objects.get(pk=revision.pk).attachment.name.endswith(".pdf")
    download = _client(demo, "chuyenvien").get(f"/iso/tai-lieu/{document.pk}/lan-01/dinh-kem/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ban goc"
    assert (
        _client(demo, "tuphap").get(f"/iso/tai-lieu/{document.pk}/lan-01/dinh-kem/").status_code
        == 404
    )

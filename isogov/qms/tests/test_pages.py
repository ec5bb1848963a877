"""QMS pages and the coverage API: who sees what, bad input named, PDFs that read back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.qms.models import ManagementReview

from .conftest import act, draft, new_document, publish, unit

pytestmark = pytest.mark.django_db


def _client(demo: Any, username: str) -> Client:
    client = Client()
    client.force_login(demo.user(username))
    return client


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


PAGES = [
    "/iso/",
    "/iso/bao-phu/",
    "/iso/he-thong/",
    "/iso/muc-tieu/",
    "/iso/rui-ro/",
    "/iso/tai-lieu/",
    "/iso/danh-gia/",
    "/iso/khong-phu-hop/",
    "/iso/xem-xet/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_qms_page_opens_for_the_secretary_in_vietnamese(demo: Any, path: str) -> None:
    response = _client(demo, "thuky").get(path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"


def test_pages_need_a_sign_in(client: Client) -> None:
    assert client.get("/iso/").status_code == 302


def test_another_agencys_document_is_not_found(demo: Any) -> None:
    document = new_document(demo)
    assert _client(demo, "thuky").get(f"/iso/tai-lieu/{document.pk}/").status_code == 200
    assert _client(demo, "tuphap").get(f"/iso/tai-lieu/{document.pk}/").status_code == 404


def test_the_document_form_names_the_missing_field(demo: Any) -> None:
    client = _client(demo, "thuky")
    response = client.post(
        "/iso/tai-lieu/", {"code": "QT-X", "title": "", "doc_type": "form"}, follow=True
    )
    assert "title" in response.content.decode()
    response = client.post(
        "/iso/tai-lieu/",
        {
            "code": "QT-X",
            "title": "Biểu mẫu",
            "doc_type": "form",
            "retention_years": "5",
            "change_summary": "Ban hành lần đầu",
            "reviewer": demo.user("truongphong").pk,
            "approver": demo.user("lanhdao").pk,
        },
        follow=True,
    )
    assert "Lần ban hành 01: Dự thảo" in " ".join(response.content.decode().split())


def test_the_revision_pdf_reads_back_in_the_iso_process_layout(desk: Any) -> None:
    from isogov.catalog.models import InternalProcess

    process = InternalProcess.objects.get(code="QT 01/STTTT")
    document = new_document(
        desk, code="QT 01/STTTT", doc_type="process", internal_process=process, title=process.title
    )
    revision = publish(desk, document)
    response = _client(desk, "chuyenvien").get(f"/iso/tai-lieu/{document.pk}/lan-1.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for words in (
        "MỤC ĐÍCH",
        "PHẠM VI",
        "TÀI LIỆU VIỆN DẪN",
        "NỘI DUNG QUY TRÌNH",
        "HỒ SƠ CẦN LƯU",
        "Soạn thảo",
        "Xem xét",
        "Phê duyệt",
        "THEO DÕI SỬA ĐỔI TÀI LIỆU",
        "Lần ban hành: 01",
        "Đặng Thị Thư",
        "Trần Thị Lãnh",
    ):
        assert words in text, words
    assert process.steps.first().name[:20] in text.replace("\n", " ")
    assert revision.pdf.name


def test_coverage_api_and_the_page_turn_9_3_red_without_a_review(demo: Any) -> None:
    from isogov.qms.services.review import management_review_record

    review = management_review_record(
        actor=demo.user("thuky"),
        agency=demo.department,
        held_on=dt.date.today(),
        chair=demo.user("lanhdao"),
        attendees="",
        conclusions="",
        system_effective=True,
    )
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=demo.user("thuky"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/qms/coverage/?agency={demo.department.code}"
    rows = {row["clause"]: row for row in api.get(url).json()["clauses"]}
    assert rows["9.3"]["is_gap"] is False and rows["9.3"]["evidence"][0]["count"] == 1
    page = _client(demo, "thuky").get("/iso/bao-phu/").content.decode()
    assert 'data-clause="9.3">' in page
    ManagementReview.objects.filter(pk=review.pk).delete()
    body = api.get(url).json()
    assert {row["clause"]: row for row in body["clauses"]}["9.3"]["is_gap"] is True
    page = _client(demo, "thuky").get("/iso/bao-phu/").content.decode()
    assert 'data-clause="9.3" class="gap"' in page


def test_coverage_api_bad_input(demo: Any) -> None:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=demo.user("thuky"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    missing = api.get("/api/v1/qms/coverage/")
    assert missing.status_code == 400 and "agency" in missing.json()["error"]["details"]
    assert api.get("/api/v1/qms/coverage/?agency=nope").status_code == 404
    other = api.get(f"/api/v1/qms/coverage/?agency={demo.other.code}")
    assert other.status_code == 404  # not the secretary's agency
    assert APIClient().get(f"/api/v1/qms/coverage/?agency={demo.department.code}").status_code in (
        401,
        403,
    )


def test_the_reader_acknowledges_from_the_page(demo: Any) -> None:
    document = new_document(demo)
    revision = draft(demo, document)
    act(demo, "thuky", revision, "submit")
    act(demo, "lanhdao", revision, "approve")
    act(demo, "thuky", revision, "publish", distribute_to=[unit(demo, "BCXB")])
    client = _client(demo, "chuyenvien")
    page = client.get(f"/iso/tai-lieu/{document.pk}/").content.decode()
    assert "Hoàng Văn Chuyên" in page  # not read yet
    client.post(f"/iso/ban-hanh/{revision.pk}/read/")
    page = client.get(f"/iso/tai-lieu/{document.pk}/").content.decode()
    assert 'data-action="read"' not in page

"""Online submission through the portal's pages: uploads checked from their content, nothing
half-stored, the one-time code, idempotency, the applicant's link, and who may read a file."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from pypdf import PdfReader

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.core import clock
from isogov.dossiers import services
from isogov.dossiers.models import Dossier, DossierPaper, OnlineDraft, OnlineDraftPaper
from isogov.dossiers.tests.conftest import act, intake
from isogov.dossiers.transitions import Status
from isogov.notifications.models import OutboxMessage

CFS = "1.014464"
APPLICATION = "Đơn đề nghị (theo mẫu)"
EVIDENCE = "Giấy tờ chứng minh đủ điều kiện theo quy định"

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def docx(with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def url(desk: Any) -> str:
    return f"/nop-truc-tuyen/{desk.department.code}/{CFS}/"


def form(key: str = "k" * 24, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant_kind": "individual",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "031190001234",
        "applicant_phone": "0912345678",
        "applicant_email": "nhung@example.vn",
        "applicant_address": "Số 5 Lạch Tray, Hải Phòng",
        "request_summary": "Cấp giấy chứng nhận CFS",
        "confirm_by": "email",
        "idempotency_key": key,
        "paper_0": SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf"),
        "paper_1": SimpleUploadedFile("anh.png", PNG, content_type="image/png"),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def private_files() -> list[str]:
    root = Path(settings.ISOGOV_PRIVATE_DIR)
    return sorted(str(path) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def stored() -> tuple[int, int, int, int, list[str]]:
    return (
        OnlineDraft.objects.count(),
        OnlineDraftPaper.objects.count(),
        Dossier.objects.count(),
        OutboxMessage.objects.count(),
        private_files(),
    )


def last_code(recipient: str = "nhung@example.vn") -> str:
    message = OutboxMessage.objects.filter(recipient=recipient).order_by("-pk").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, message.body
    return found.group(1)


def submit(desk: Any, client: Client, **overrides: Any) -> OnlineDraft:
    response = client.post(url(desk), form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return OnlineDraft.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def confirm(client: Client, draft: OnlineDraft, code: str) -> Any:
    return client.post(f"/nop-truc-tuyen/ban-nhap/{draft.token}/", {"code": code})


def submitted(desk: Any, client: Client) -> Dossier:
    draft = submit(desk, client)
    response = confirm(client, draft, last_code())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.dossier is not None
    return draft.dossier


# --- picking and the form ---------------------------------------------------------------------
def test_the_procedures_offered_online_with_their_online_time_and_fees(desk: Any) -> None:
    client = Client()
    page = client.get("/nop-truc-tuyen/").content.decode()
    assert f"/nop-truc-tuyen/{desk.department.code}/{CFS}/" in page
    # Searching ignores diacritics: "giay chung nhan" finds "giấy chứng nhận" only.
    found = client.get("/nop-truc-tuyen/", {"q": "luu hanh tu do"}).content.decode()
    assert CFS in found
    assert found.count("<li><a href=") < page.count("<li><a href=")
    detail = client.get(url(desk)).content.decode()
    assert "Trực tuyến (một phần)" in detail
    assert APPLICATION in detail and EVIDENCE in detail
    assert 'name="idempotency_key"' in detail
    # A procedure the agency does not receive online has no form.
    assert client.get(f"/nop-truc-tuyen/{desk.department.code}/9.999999/").status_code == 404


# --- uploads: refused, each with its message, nothing stored ---------------------------------
@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("don.pdf", b"", content_type="application/pdf"), "rỗng"),
        (
            SimpleUploadedFile(
                "don.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"
            ),
            "không phải là tài liệu PDF, JPEG, PNG hoặc DOCX",
        ),
        (
            SimpleUploadedFile(
                "don.docx", docx(with_document=False), content_type="application/zip"
            ),
            "không phải là tài liệu PDF, JPEG, PNG hoặc DOCX",
        ),
        (SimpleUploadedFile("don.pdf", PDF + b"x" * 2048, content_type="application/pdf"), "vượt"),
    ],
    ids=["empty", "disguised-exe", "zip-not-docx", "oversized"],
)
@override_settings(ISOGOV_UPLOAD_MAX_FILE_BYTES=1024)
def test_a_bad_upload_names_the_paper_and_stores_nothing(
    desk: Any, upload: SimpleUploadedFile, words: str
) -> None:
    before = stored()
    response = Client().post(url(desk), form(paper_0=upload))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"“{APPLICATION}”" in page
    assert words in page
    assert stored() == before


def test_the_dossier_limit_counts_every_file_and_stores_nothing(desk: Any) -> None:
    before = stored()
    with override_settings(ISOGOV_UPLOAD_MAX_DOSSIER_BYTES=len(PDF) + 10):
        response = Client().post(url(desk), form())
    assert response.status_code == 400
    assert "Các tệp cộng lại" in response.content.decode()
    assert stored() == before


def test_a_required_paper_missing_is_named(desk: Any) -> None:
    before = stored()
    response = Client().post(url(desk), form(paper_0=None))
    assert response.status_code == 400
    assert f"“{APPLICATION}”: hãy đính kèm tệp" in response.content.decode()
    assert stored() == before


def test_files_written_before_a_failure_are_deleted_with_the_rollback(desk: Any) -> None:
    """The files are written, then the code cannot be sent: rows and files both go."""
    before = stored()
    with override_settings(ISOGOV_OTP_MAX_SENDS=0):
        response = Client().post(url(desk), form())
    assert response.status_code == 400
    assert stored() == before


def test_the_type_is_read_from_the_content_whatever_the_name(desk: Any) -> None:
    client = Client()
    draft = submit(
        desk,
        client,
        paper_0=SimpleUploadedFile("scan.pdf", JPEG, content_type="application/pdf"),
        paper_1=SimpleUploadedFile("giay.bin", docx(), content_type="application/octet-stream"),
    )
    names = sorted(paper.file.name.rsplit(".", 1)[-1] for paper in draft.papers.all())
    assert names == ["docx", "jpg"]
    assert all(str(settings.ISOGOV_PRIVATE_DIR) in path for path in private_files())
    assert not any(str(settings.MEDIA_ROOT) in path for path in private_files())


# --- the one-time code and idempotency --------------------------------------------------------
def test_a_resubmitted_form_and_a_repeated_confirmation_make_one_dossier(desk: Any) -> None:
    client = Client()
    first = submit(desk, client)
    again = submit(desk, client)  # the same form (the same hidden key) sent again
    assert again.pk == first.pk
    assert OnlineDraft.objects.count() == 1
    assert OutboxMessage.objects.filter(object_type="dossiers.onlinedraft").count() == 1
    code = last_code()
    dossiers = Dossier.objects.count()
    assert confirm(client, first, code).status_code == 302
    assert confirm(client, first, code).status_code == 302  # pressed twice
    assert Dossier.objects.count() == dossiers + 1
    # Another form (a new key) is another submission.
    other = submit(desk, client, key="n" * 24)
    assert other.pk != first.pk


def test_the_code_wrong_expired_and_too_many_attempts(desk: Any) -> None:
    client = Client()
    draft = submit(desk, client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = confirm(client, draft, wrong)
    assert response.status_code == 400
    assert "còn 4 lần thử" in response.content.decode()
    assert confirm(client, draft, "12ab").status_code == 400  # not a code: not counted
    draft.refresh_from_db()
    assert draft.code_attempts == 1
    # Expired: the right code after its life is refused.
    with time_machine.travel(
        clock.now() + dt.timedelta(minutes=settings.ISOGOV_OTP_TTL_MINUTES, seconds=1)
    ):
        response = confirm(client, draft, code)
    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()
    # A new code; five wrong attempts spend it, and then the right one is refused too.
    client.post(f"/nop-truc-tuyen/ban-nhap/{draft.token}/", {"resend": "1"})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(settings.ISOGOV_OTP_MAX_ATTEMPTS):
        confirm(client, draft, wrong)
    response = confirm(client, draft, code)
    assert response.status_code == 400
    assert "Nhập sai quá nhiều lần" in response.content.decode()
    draft.refresh_from_db()
    assert draft.dossier is None
    # The code is stored hashed, never as sent.
    assert code not in draft.code_hash
    # A fresh code confirms it.
    client.post(f"/nop-truc-tuyen/ban-nhap/{draft.token}/", {"resend": "1"})
    assert confirm(client, draft, last_code()).status_code == 302


def test_the_submission_becomes_status_1_with_a_tracking_code(desk: Any) -> None:
    client = Client()
    dossier = submitted(desk, client)
    assert dossier.status == Status.SUBMITTED_ONLINE
    assert dossier.reference and dossier.code == dossier.reference
    assert "-TT-" in dossier.reference
    assert dossier.intake_due_at is not None and dossier.intake_due_at > dossier.submitted_at
    papers = list(dossier.papers.order_by("pk"))
    assert [paper.name for paper in papers] == [APPLICATION, EVIDENCE]
    assert all(paper.scan and paper.uploaded_at for paper in papers)
    page = client.get(f"/nop-truc-tuyen/ho-so/{dossier.access_token}/").content.decode()
    assert dossier.reference in page
    assert "8 giờ làm việc" in page
    ack = OutboxMessage.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk))
    assert any(dossier.access_token in message.body for message in ack)
    # The draft's link now leads to the dossier.
    response = client.get(f"/nop-truc-tuyen/ban-nhap/{dossier.online_draft.token}/")
    assert response["Location"].endswith(f"/ho-so/{dossier.access_token}/")


# --- who may read a file ----------------------------------------------------------------------
def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_files_only_for_the_agency_staff_or_the_token(desk: Any) -> None:
    dossier = submitted(desk, Client())
    paper = dossier.papers.order_by("pk").first()
    assert paper is not None
    staff_url = f"/dossiers/{dossier.code}/papers/{paper.pk}/file/"
    token_url = f"/nop-truc-tuyen/ho-so/{dossier.access_token}/giay-to/{paper.pk}/"
    desk_officer = _signed_in("motcua")
    response = desk_officer.get(staff_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    response = Client().get(token_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # Anonymous without the token, another agency's desk, a wrong token: all 404.
    assert Client().get(staff_url).status_code == 404
    assert _signed_in("tuphap").get(staff_url).status_code == 404
    wrong = "A" * len(dossier.access_token)
    assert Client().get(token_url.replace(dossier.access_token, wrong)).status_code == 404
    # Another dossier's paper with this dossier's token: 404.
    other = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    other_paper = other.papers.get()
    DossierPaper.objects.filter(pk=other_paper.pk).update(scan=paper.scan.name)
    assert (
        Client().get(token_url.replace(f"/{paper.pk}/", f"/{other_paper.pk}/")).status_code == 404
    )
    assert (
        Client().get(token_url.replace(dossier.access_token, other.access_token)).status_code == 404
    )
    # Nothing under /media/ serves it.
    assert Client().get(f"/media/{paper.scan.name}").status_code == 404
    with pytest.raises(ValueError):
        paper.scan.url  # noqa: B018  # a private storage has no URL


# --- the desk's outcomes, seen by the applicant ---------------------------------------------
def test_returned_for_completion_then_uploaded_by_the_link_and_received(desk: Any) -> None:
    client = Client()
    dossier = submitted(desk, client)
    dossier = act(
        clock.now(),
        services.dossier_return_incomplete,
        dossier,
        desk.user("motcua"),
        reason="Đơn chưa ký",
        items=["Đơn đề nghị có chữ ký"],
    )
    page_url = f"/nop-truc-tuyen/ho-so/{dossier.access_token}/"
    page = client.get(page_url).content.decode()
    assert "Đơn chưa ký" in page and "Đơn đề nghị có chữ ký" in page
    # A disguised file: refused, nothing added.
    papers = DossierPaper.objects.count()
    response = client.post(
        page_url, {"paper_0": SimpleUploadedFile("don.pdf", b"GIF89a", content_type="image/gif")}
    )
    assert response.status_code == 400
    assert "“Đơn đề nghị có chữ ký”" in response.content.decode()
    assert DossierPaper.objects.count() == papers
    response = client.post(
        page_url, {"paper_0": SimpleUploadedFile("don-ky.pdf", PDF, content_type="application/pdf")}
    )
    assert response.status_code == 302
    added = DossierPaper.objects.filter(dossier=dossier, name="Đơn đề nghị có chữ ký").get()
    assert added.uploaded_at is not None
    dossier = act(clock.now(), services.dossier_accept, dossier, desk.user("motcua"))
    assert dossier.status == Status.RECEIVED
    # Form 01 by e-mail: the link to its PDF, by the token.
    receipt = OutboxMessage.objects.filter(
        channel="email", object_id=str(dossier.pk), subject__icontains="tiếp nhận"
    ).last()
    assert receipt is not None
    link = re.search(r"(/nop-truc-tuyen/ho-so/\S+/bieu-mau/receipt\.pdf)", receipt.body)
    assert link, receipt.body
    pdf = client.get(link.group(1))
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert dossier.code in text
    page = client.get(page_url).content.decode()
    assert dossier.code in page and "Đã tiếp nhận" in page


def test_a_supplement_uploaded_online_goes_back_through_supplement_received(desk: Any) -> None:
    client = Client()
    dossier = submitted(desk, client)
    dossier = act(clock.now(), services.dossier_accept, dossier, desk.user("motcua"))
    dossier = act(clock.now(), services.dossier_step_complete, dossier, None)
    dossier = act(
        clock.now(),
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu giấy phép",
        items=["Giấy phép kinh doanh"],
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    page_url = f"/nop-truc-tuyen/ho-so/{dossier.access_token}/"
    assert "Giấy phép kinh doanh" in client.get(page_url).content.decode()
    response = client.post(
        page_url, {"paper_0": SimpleUploadedFile("gp.png", PNG, content_type="image/png")}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED  # the desk checks it
    assert dossier.events.filter(action="supplement_online").exists()
    dossier = act(
        clock.now(),
        services.dossier_supplement_received,
        dossier,
        None,
        received_items=["Giấy phép kinh doanh"],
    )
    assert dossier.status == Status.IN_PROCESS
    # Nothing more is awaited: a further upload is refused.
    response = client.post(
        page_url, {"paper_0": SimpleUploadedFile("gp.png", PNG, content_type="image/png")}
    )
    assert response.status_code == 400


def test_a_refusal_is_shown_with_its_reason(desk: Any) -> None:
    client = Client()
    dossier = submitted(desk, client)
    act(
        clock.now(),
        services.dossier_refuse_intake,
        dossier,
        desk.user("motcua"),
        reason="Không thuộc thẩm quyền",
    )
    page = client.get(f"/nop-truc-tuyen/ho-so/{dossier.access_token}/").content.decode()
    assert "Không thuộc thẩm quyền" in page
    assert "bieu-mau/refusal.pdf" in page


def test_the_e_result_downloads_with_the_token_once_approved(desk: Any) -> None:
    dossier = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    officer = desk.user("motcua")
    dossier = act(clock.now(), services.dossier_accept, dossier, officer)
    dossier = act(clock.now(), services.dossier_step_complete, dossier, None)
    result = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    dossier = act(
        clock.now(),
        services.dossier_record_result,
        dossier,
        None,
        number="12/GCN",
        signer="Lê Văn Ký",
        file=result,
    )
    download = f"/tra-cuu/h/{dossier.access_token}/ket-qua/"  # the e-result's one address
    old_link = f"/nop-truc-tuyen/ho-so/{dossier.access_token}/ket-qua/"
    status_page = f"/nop-truc-tuyen/ho-so/{dossier.access_token}/"
    assert Client().get(download).status_code == 404  # not approved yet
    assert Client().get(old_link, follow=True).status_code == 404
    assert Client().get(download.replace(dossier.access_token, "B" * 24)).status_code == 404
    assert 'id="result-download"' not in Client().get(status_page).content.decode()
    dossier = act(clock.now(), services.dossier_approve_result, dossier, None)
    assert f'href="{download}"' in Client().get(status_page).content.decode()
    response = Client().get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # A link already sent with the first address still gets the file, through one 301.
    moved = Client().get(old_link, follow=True)
    assert moved.redirect_chain == [(download, 301)]
    assert b"".join(moved.streaming_content) == PDF
    assert _signed_in("motcua").get(f"/dossiers/{dossier.code}/result/file/").status_code == 200
    assert _signed_in("tuphap").get(f"/dossiers/{dossier.code}/result/file/").status_code == 404


def test_the_status_page_shows_the_papers_of_an_event_and_none_of_its_other_data(
    desk: Any,
) -> None:
    from isogov.dossiers.tests.conftest import at
    from isogov.feedback.tests.helpers import returned_dossier

    dossier = returned_dossier(desk, at(3, 2, 9))
    page = Client().get(f"/nop-truc-tuyen/ho-so/{dossier.access_token}/").content.decode()
    assert 'id="applicant-timeline"' in page and 'id="public-nav"' in page
    assert "at_desk" not in page and "tracking_number" not in page


def test_the_staff_scan_and_result_file_are_checked_the_same_way(desk: Any) -> None:
    from isogov.core.errors import ValidationFailed

    dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    paper = dossier.papers.get()
    before = private_files()
    with pytest.raises(ValidationFailed) as refused:
        services.dossier_attach_scan(
            actor=desk.user("motcua"),
            code=dossier.code,
            version=dossier.version,
            paper_id=paper.pk,
            file=SimpleUploadedFile("scan.pdf", b"<html>not a scan</html>", "application/pdf"),
        )
    assert "file" in refused.value.details
    assert paper.name in str(refused.value.message)
    assert private_files() == before
    paper.refresh_from_db()
    assert not paper.scan

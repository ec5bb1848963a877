"""The citizen's whole journey of issue 12's "Done when", in real Chromium on a 390 px phone.

1. From the public home, a search without diacritics finds the procedure; its page leads to the
   online submission: the applicant fills in the form, uploads two papers and confirms with the
   one-time code from the outbox.
2. The desk receives it (the desk's own screens are walked in ``test_browser_submission``).
3. The specialist asks for a supplement; the citizen looks the dossier up by its code and phone
   (sent by POST) and reads the reason and the paper to bring.
4. The citizen uploads the missing paper from the dossier's own link; the desk records it.
5. The result is recorded with its signed file, approved and returned; the citizen downloads the
   electronic result through the receipt's token link.
6. The citizen rates the handling by the one-time link of the invitation, and the public
   transparency page, which said "no data yet" for satisfaction, now shows indicator 5.4.
The staff steps run through the services, as the action table lets the demo officers run them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import officer_for
from isogov.dossiers.transitions import Status
from isogov.feedback.models import Rating
from isogov.feedback.services.ratings import rating_invitations_send
from isogov.notifications.models import OutboxMessage

from .test_browser import NAME
from .test_submission import PDF, PNG

PHONE = {"width": 390, "height": 844}
REASON = "Thiếu bản sao giấy phép xuất bản"
MISSING = "Bản sao giấy phép xuất bản có chứng thực"
RESULT = b"%PDF-1.4\n% ket qua dien tu\ntrailer<<>>\n%%EOF\n"


def _staff(dossier: Dossier, service: Any, action: str, **data: Any) -> Dossier:
    """``service`` run by the demo officer the action table names for ``action`` now."""
    dossier.refresh_from_db()
    actor = officer_for(dossier, action, **data)
    service(actor=actor, code=dossier.code, version=dossier.version, **data)
    dossier.refresh_from_db()
    return dossier


def _satisfaction(page: Any, base: str, agency: str) -> str:
    page.goto(f"{base}/minh-bach/?co_quan={agency}")
    return str(page.inner_text("#period-1 .satisfaction")).strip()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_submits_online_supplements_downloads_the_result_and_rates_it(
    live_server: Any, page: Any, desk: Any
) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)
    assert _satisfaction(page, base, desk.department.code) == "chưa có dữ liệu"

    # 1. Search without diacritics → the procedure → submit online.
    page.goto(f"{base}/")
    page.fill("#home-q", "luu hanh tu do")
    page.click("#home-search button[type=submit]")
    page.get_by_role("link", name=NAME).click()
    page.click("#submit-online a")
    page.wait_for_url("**/nop-truc-tuyen/**")
    page.fill("#id_applicant_name", "Nguyễn Thị Hồng Nhung")
    page.fill("#id_applicant_id_number", "031190001234")
    page.fill("#id_applicant_phone", "0912345678")
    page.fill("#id_applicant_email", "nhung@example.vn")
    page.fill("#id_applicant_address", "Số 5 Lạch Tray, Hải Phòng")
    page.set_input_files(
        "#id_paper_0", {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        "#id_paper_1", {"name": "giay-phep.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.click("#submission-form button[type=submit]")
    page.wait_for_url("**/nop-truc-tuyen/ban-nhap/**")
    message = OutboxMessage.objects.filter(recipient="nhung@example.vn").latest("pk")
    code = re.search(r"\b(\d{6})\b", message.body)
    assert code is not None
    page.fill("#code", code.group(1))
    page.click("#code-form button[type=submit]")
    page.wait_for_url("**/nop-truc-tuyen/ho-so/**")
    own_link = page.url
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED_ONLINE
    assert dossier.papers.exclude(scan="").count() == 2

    # 2. The desk receives it; the desk hands it to the unit.
    dossier = _staff(dossier, services.dossier_accept, "accept")
    assert dossier.status == Status.RECEIVED
    dossier = _staff(dossier, services.dossier_step_complete, "complete_step")

    # 3. A supplement is asked for; the citizen looks it up by code and phone.
    dossier = _staff(
        dossier,
        services.dossier_request_supplement,
        "request_supplement",
        reason=REASON,
        items=[MISSING],
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    page.goto(f"{base}/tra-cuu/")
    page.fill("#id_ma", dossier.code)
    page.fill("#id_thong_tin", "0912 345 678")
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-result")
    assert page.url == f"{base}/tra-cuu/"  # sent by POST: nothing personal in the address
    timeline = page.inner_text("#timeline")
    assert REASON in timeline and MISSING in timeline

    # 4. The citizen sends the missing paper from the dossier's own link.
    page.goto(own_link)
    page.set_input_files(
        "#paper_0", {"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.click("#supplement-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#supplement-error").count() == 0
    assert dossier.papers.filter(name=MISSING).exclude(scan="").exists()
    dossier = _staff(dossier, services.dossier_supplement_received, "supplement_received")
    assert dossier.status == Status.IN_PROCESS

    # 5. Handled to the end; the result with its signed file is approved and returned.
    while dossier.status != Status.FINISHED:
        dossier = _staff(dossier, services.dossier_step_complete, "complete_step")
    dossier = _staff(
        dossier,
        services.dossier_record_result,
        "record_result",
        number="15/GCN-STTTT",
        summary="Cấp giấy chứng nhận lưu hành tự do",
        signer="Trần Thị Lãnh",
        file=SimpleUploadedFile("gcn.pdf", RESULT, content_type="application/pdf"),
    )
    dossier = _staff(dossier, services.dossier_approve_result, "approve_result")
    dossier = _staff(dossier, services.dossier_return_result, "return_result", method="at_desk")
    assert dossier.status == Status.RETURNED
    page.goto(f"{base}/tra-cuu/h/{dossier.access_token}/")
    href = page.get_attribute("#result-download", "href")
    assert href is not None and dossier.access_token in href and "/media/" not in href
    download = page.request.get(f"{base}{href}")
    assert download.status == 200 and download.body() == RESULT

    # 6. The invitation to rate; the rating; indicator 5.4 on the transparency page.
    assert rating_invitations_send() == 1
    rating = Rating.objects.get(dossier=dossier)
    invitation = OutboxMessage.objects.filter(body__contains=f"/danh-gia/{rating.token}/")
    assert invitation.exists()
    page.goto(f"{base}/danh-gia/{rating.token}/")
    page.check("#id_overall_very_satisfied")
    page.select_option("#id_attitude", "satisfied")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#rating-done")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shown = _satisfaction(page, base, desk.department.code)
    assert re.fullmatch(r"100(,0+)? %", shown), shown  # one dossier, on time, rated well

"""The online submission in real Chromium: the applicant picks a procedure, fills in the form,
uploads two papers, confirms with the code from the outbox and gets a tracking code; the desk
officer finds the dossier in the intake queue, views a paper and receives it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import Status
from isogov.notifications.models import OutboxMessage

from .test_submission import CFS, PDF, PNG


@pytest.mark.django_db(transaction=True)
def test_an_applicant_submits_online_and_the_desk_receives_it(
    live_server: Any, page: Any, desk: Any
) -> None:
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/nop-truc-tuyen/")
    page.fill("#q", "luu hanh tu do")  # no diacritics
    page.click("form[role=search] button[type=submit]")
    page.click(f"#online-procedures a[href$='/{CFS}/']")
    assert "Trực tuyến (một phần)" in page.inner_text("#online-channel")

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
    assert page.locator("#draft-papers li").count() == 2

    message = OutboxMessage.objects.filter(recipient="nhung@example.vn").latest("pk")
    code = re.search(r"\b(\d{6})\b", message.body)
    assert code is not None
    page.fill("#code", code.group(1))
    page.click("#code-form button[type=submit]")
    page.wait_for_url("**/nop-truc-tuyen/ho-so/**")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED_ONLINE
    assert page.inner_text("#tracking-code") == dossier.reference
    assert "8 giờ làm việc" in page.inner_text("#intake-due")
    applicant_url = page.url

    # The desk officer: the intake queue, the paper in the browser, then receive it.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/login/")
    page.fill("#id_username", "motcua")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{base}/dossiers/")
    page.click(f"#queue a:has-text('{dossier.reference}')")
    page.wait_for_url(f"**/dossiers/{dossier.reference}/")
    links = page.locator("#papers a")
    assert links.count() == 2
    image = links.nth(1).get_attribute("href")
    assert image is not None and "/media/" not in image
    response = page.goto(f"{base}{image}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/png"
    page.go_back()
    assert page.inner_text("#primary-action") == "Tiếp nhận"
    page.click("#primary-action")
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.code != dossier.reference

    # The applicant sees it received, with its code and appointment, and form 01 by e-mail.
    page.context.clear_cookies()
    page.goto(applicant_url)
    assert page.inner_text("#status-label") == "Đã tiếp nhận"
    assert page.inner_text("#dossier-code") == dossier.code
    receipt = OutboxMessage.objects.filter(
        channel="email", object_id=str(dossier.pk), body__contains="bieu-mau/receipt.pdf"
    )
    assert receipt.count() == 1

"""In Chromium at phone width: a citizen sends a complaint, the officer classifies and answers
it, the citizen follows it by its code and rates the answer; another citizen rates a returned
dossier through its one-time link. Each page on the way passes axe and fits 390 px."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from isogov.dossiers.services import dossier_receive
from isogov.dossiers.tests.conftest import at, intake
from isogov.dossiers.tests.walk import PHONE, Walk
from isogov.feedback.models import FeedbackItem, Rating
from isogov.feedback.services import rating_invite
from isogov.feedback.tests.helpers import returned_dossier


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_complaint_is_answered_and_rated_and_a_dossier_rated_by_its_link(
    live_server: Any, page: Any, desk: Any
) -> None:
    page.set_viewport_size(PHONE)
    walk = Walk(page, live_server.url)
    base = live_server.url

    # The citizen sends a complaint about an officer, without a dossier code.
    walk.visit("anonymous", "/phan-anh/")
    page.select_option("#id_agency", desk.department.code)
    page.fill("#id_title", "Cán bộ tiếp nhận thiếu niềm nở")
    page.fill("#id_content", "Ngày 20/4 tôi được hướng dẫn qua loa, phải hỏi lại nhiều lần.")
    page.fill("#id_name", "Lê Thị Bình")
    page.fill("#id_phone", "0901234567")
    page.check("#id_consent_publish")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_url("**/phan-anh/h/**")
    item = FeedbackItem.objects.get()
    own_link = page.url
    assert item.code in page.inner_text("h1")
    assert page.inner_text("#item-status") == "Đã tiếp nhận"
    walk.visit("anonymous", own_link.removeprefix(base))

    # The desk officer classifies it as about conduct, routes it, and answers it.
    walk.sign_in("motcua")
    walk.visit("motcua", "/feedback/")
    page.click(f"text={item.code}")
    page.wait_for_url(f"**/feedback/{item.code}/")
    walk.visit("motcua", f"/feedback/{item.code}/")
    page.select_option("#id_classify_kind", "conduct")
    page.select_option("#id_classify_unit", str(desk.department.units.get(code="MC").pk))
    page.click("#action-classify button[type=submit]")
    page.wait_for_selector("#action-answer")
    page.fill("#id_answer_answer", "Sở đã nhắc nhở cán bộ và xin lỗi bà.")
    page.click("#action-answer button[type=submit]")
    page.wait_for_selector("#answer")
    assert page.inner_text("#item-status") == "Đã trả lời"
    page.context.clear_cookies()

    # The citizen follows it by its code, then rates the answer from their own link.
    walk.visit("anonymous", "/phan-anh/theo-doi/")
    page.fill("#id_code", item.code)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#follow-result")
    assert page.inner_text("#follow-status") == "Đã trả lời"
    assert "Lê Thị Bình" not in page.content()
    page.goto(own_link)
    assert "Sở đã nhắc nhở cán bộ" in page.inner_text("#answer")
    page.check("#id_rating_satisfied")
    page.click("#rate-answer-form button[type=submit]")
    page.wait_for_selector("#answer-rating")
    item.refresh_from_db()
    assert (item.kind, item.status, item.answer_rating) == ("conduct", "answered", "satisfied")
    assert item.answered_at is not None and item.answered_at <= item.answer_due_at

    # The receipt's rating link before the result is returned: it says when it will work.
    dossier = returned_dossier(desk, at(3, 2, 9))
    with time_machine.travel(at(3, 2, 9), tick=False):
        waiting = dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    walk.visit("anonymous", f"/danh-gia/{waiting.rating_token}/")
    assert "chưa được trả kết quả" in page.inner_text("#rating-not-yet")
    assert page.locator("#rating-form").count() == 0

    # A returned dossier is rated through its one-time link, which then says it was used.
    rating = rating_invite(dossier=dossier)
    walk.visit("anonymous", f"/danh-gia/{rating.token}/")
    page.check("#id_overall_very_satisfied")
    page.select_option("#id_attitude", "satisfied")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#rating-done")
    walk.visit("anonymous", f"/danh-gia/{rating.token}/")
    assert page.locator("#rating-form").count() == 0
    rating = Rating.objects.get(pk=rating.pk)
    assert (rating.overall, rating.attitude) == ("very_satisfied", "satisfied")
    assert not walk.problems, "\n".join(walk.problems)

"""The public feedback pages and the feedback API, through the test client."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from isogov.dossiers.services import dossier_receive
from isogov.dossiers.tests.conftest import at, intake
from isogov.feedback.models import FeedbackItem, Rating
from isogov.feedback.services import rating_invite
from isogov.feedback.tests.helpers import FORM, returned_dossier


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _form(demo: Any, **data: str) -> dict[str, str]:
    return {**FORM, "agency": demo.department.code, **data}


def test_a_citizen_sends_feedback_and_is_taken_to_its_own_page(demo: Any, client: Client) -> None:
    response = client.post(reverse("portal:feedback"), _form(demo, dossier_code=""), follow=True)
    item = FeedbackItem.objects.get()
    assert response.redirect_chain[-1][0] == reverse("portal:feedback-item", args=[item.token])
    html = response.content.decode()
    assert item.code in html and "Đã tiếp nhận" in html


def test_a_bad_form_names_its_field_and_stores_nothing(demo: Any, client: Client) -> None:
    response = client.post(reverse("portal:feedback"), _form(demo, name="", agency="nope"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_agency-error"' in html
    assert not FeedbackItem.objects.exists()
    response = client.post(reverse("portal:feedback"), _form(demo, name=""))
    assert response.status_code == 400 and 'id="id_name-error"' in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_submissions_are_throttled_per_address(demo: Any, client: Client, settings: Any) -> None:
    settings.ISOGOV_FEEDBACK_SUBMIT_PER_HOUR = 2
    codes = [client.post(reverse("portal:feedback"), _form(demo)).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert FeedbackItem.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("portal:feedback"), _form(demo)).status_code == 302


def test_following_by_code_shows_progress_but_not_the_submitters_data(
    demo: Any, client: Client
) -> None:
    client.post(reverse("portal:feedback"), _form(demo))
    item = FeedbackItem.objects.get()
    response = client.post(reverse("portal:feedback-follow"), {"code": item.code.lower()})
    html = response.content.decode()
    assert response.status_code == 200 and "Đã tiếp nhận" in html
    assert FORM["phone"] not in html and FORM["email"] not in html and FORM["name"] not in html
    assert (
        client.post(reverse("portal:feedback-follow"), {"code": "PA-000000-XXXXXX"}).status_code
        == 404
    )
    assert client.get(reverse("portal:feedback-item", args=["wrong-token"])).status_code == 404


def test_the_rating_page_takes_one_answer(desk: Any, client: Client) -> None:
    dossier = returned_dossier(desk, at(3, 2, 9))
    rating = rating_invite(dossier=dossier)
    url = reverse("portal:rate", args=[rating.token])
    assert 'id="rating-form"' in client.get(url).content.decode()
    assert client.post(url, {"attitude": "satisfied"}).status_code == 400  # overall missing
    assert client.post(url, {"overall": "very_satisfied"}).status_code == 302
    rating.refresh_from_db()
    assert rating.overall == "very_satisfied"
    again = client.post(url, {"overall": "dissatisfied"})
    assert again.status_code == 400 and "đã được sử dụng" in again.content.decode()
    assert Rating.objects.get().overall == "very_satisfied"


def test_the_receipts_rating_link_waits_for_the_result_and_shows_nothing_personal(
    desk: Any, client: Client
) -> None:
    with time_machine.travel(at(3, 2, 9), tick=False):
        dossier = dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    url = reverse("portal:rate", args=[dossier.rating_token])
    html = client.get(url).content.decode()
    assert 'id="rating-not-yet"' in html and 'id="rating-form"' not in html
    assert "chưa được trả kết quả" in html
    for personal in (dossier.applicant_name, dossier.applicant_phone, dossier.applicant_email):
        assert personal and personal not in html
    refused = client.post(url, {"overall": "satisfied"})
    assert refused.status_code == 400 and 'id="rating-not-yet"' in refused.content.decode()
    assert not Rating.objects.exists()
    assert client.get(reverse("portal:rate", args=["no-such-token"])).status_code == 404


def test_the_api_lists_the_agencys_items_and_accepts_a_public_submission(
    demo: Any, client: Client
) -> None:
    anonymous = Client()
    response = anonymous.post(
        "/api/v1/feedback/submit/",
        _form(demo),
        content_type="application/json",
    )
    assert response.status_code == 201
    code = response.json()["code"]
    assert anonymous.get("/api/v1/feedback/").status_code in (401, 403)
    client.force_login(demo.user("motcua"))
    listed = client.get("/api/v1/feedback/", {"agency": demo.department.code}).json()
    assert [row["code"] for row in listed["results"]] == [code]
    assert client.get(f"/api/v1/feedback/{code}/").json()["status"] == "received"
    assert client.get("/api/v1/feedback/", {"status": "bogus"}).status_code == 400
    client.force_login(demo.user("tuphap"))  # another agency's desk
    assert client.get("/api/v1/feedback/").json()["results"] == []
    assert client.get(f"/api/v1/feedback/{code}/").status_code == 404
    bad = anonymous.post(
        "/api/v1/feedback/submit/", _form(demo, email="x"), content_type="application/json"
    )
    assert bad.status_code == 400 and "email" in bad.json()["error"]["details"]


def test_the_staff_queue_shows_the_deadline_state_and_the_detail_its_actions(
    demo: Any, client: Client
) -> None:
    client.post(reverse("portal:feedback"), _form(demo))
    item = FeedbackItem.objects.get()
    client.force_login(demo.user("motcua"))
    queue = client.get(reverse("feedback:queue")).content.decode()
    assert item.code in queue and "deadline-" in queue
    detail = client.get(reverse("feedback:detail", args=[item.code])).content.decode()
    assert 'id="action-classify"' in detail and 'id="action-refuse"' in detail
    assert 'id="action-answer"' not in detail  # not classified yet
    client.force_login(demo.user("chuyenvien"))  # not routed to their unit
    assert client.get(reverse("feedback:detail", args=[item.code])).status_code == 404

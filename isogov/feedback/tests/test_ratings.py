"""Ratings: the one-time token sent when the result is returned, used once; a dissatisfied
answer opens a feedback item; the counter tablet rates the officer at the desk."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from isogov.core.errors import NotFound, PermissionDenied, ValidationFailed
from isogov.dossiers import services as dossier_services
from isogov.dossiers.tests.conftest import at, intake
from isogov.feedback import services
from isogov.feedback.models import FeedbackItem, FeedbackSource, Rating, RatingChannel
from isogov.feedback.services._common import RATING_TOO_EARLY
from isogov.notifications.models import OutboxMessage

from .helpers import returned_dossier

ANSWERS = {
    "overall": "satisfied",
    "time_vs_legal": "on_time",
    "agencies_contacted": "none",
    "contacts_needed": "one",
    "information": "very_satisfied",
    "attitude": "satisfied",
    "lawfulness": "neutral",
    "comment": "Cán bộ hướng dẫn tận tình.",
}


def _invite(desk: Any) -> Rating:
    dossier = returned_dossier(desk, at(3, 2, 9))
    with time_machine.travel(at(3, 10, 9), tick=False):
        assert services.rating_invitations_send() == 1
        assert services.rating_invitations_send() == 0  # once per dossier
    return Rating.objects.get(dossier=dossier)


def test_the_returned_dossier_gets_one_token_and_an_invitation(desk: Any) -> None:
    rating = _invite(desk)
    assert rating.channel == RatingChannel.TOKEN and len(rating.token or "") >= 20
    assert rating.token != rating.dossier.access_token
    message = OutboxMessage.objects.get(
        object_type="dossiers.dossier", object_id=rating.dossier.code
    )
    assert message.recipient == "nhung@example.vn"
    assert f"/danh-gia/{rating.token}/" in message.body


def test_an_unreturned_dossier_is_not_invited(desk: Any) -> None:
    dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    assert services.rating_invitations_send() == 0
    assert not Rating.objects.exists()


def test_the_token_is_used_once(desk: Any) -> None:
    rating = _invite(desk)
    with time_machine.travel(at(3, 11, 9), tick=False):
        done = services.rating_submit(token=rating.token or "", data=ANSWERS)
    assert (done.overall, done.attitude, done.contacts_needed) == ("satisfied", "satisfied", "one")
    assert done.rated_at == at(3, 11, 9)
    with pytest.raises(PermissionDenied):
        services.rating_submit(
            token=rating.token or "", data={**ANSWERS, "overall": "dissatisfied"}
        )
    rating.refresh_from_db()
    assert rating.overall == "satisfied" and not FeedbackItem.objects.exists()


def test_an_unknown_token_finds_nothing(desk: Any) -> None:
    with pytest.raises(NotFound):
        services.rating_submit(token="not-a-token", data=ANSWERS)


def test_a_rating_without_the_overall_answer_names_the_field_and_stays_unused(desk: Any) -> None:
    rating = _invite(desk)
    with pytest.raises(ValidationFailed) as error:
        services.rating_submit(token=rating.token or "", data={**ANSWERS, "overall": ""})
    assert list(error.value.details) == ["overall"]
    with pytest.raises(ValidationFailed) as error:
        services.rating_submit(token=rating.token or "", data={**ANSWERS, "attitude": "meh"})
    assert list(error.value.details) == ["attitude"]
    rating.refresh_from_db()
    assert rating.rated_at is None


def test_a_dissatisfied_rating_opens_a_feedback_item(desk: Any) -> None:
    rating = _invite(desk)
    with time_machine.travel(at(3, 11, 9), tick=False):
        services.rating_submit(
            token=rating.token or "",
            data={**ANSWERS, "overall": "dissatisfied", "comment": "Phải đi lại ba lần."},
        )
    item = FeedbackItem.objects.get()
    rating.refresh_from_db()
    assert rating.feedback_item == item
    assert (item.source, item.dossier, item.status) == (
        FeedbackSource.RATING,
        rating.dossier,
        "received",
    )
    assert item.content == "Phải đi lại ba lần." and item.submitter_email == "nhung@example.vn"
    assert item.answer_due_at is not None and item.officer == desk.user("motcua")


def test_the_counter_tablet_rates_the_officer_at_the_desk_as_lower_trust(demo: Any) -> None:
    motcua = demo.user("motcua")
    tiepnhan = demo.user("tiepnhan")
    rating = services.rating_kiosk_submit(
        actor=motcua,
        agency=demo.department,
        officer_id=str(tiepnhan.pk),
        data={"overall": "dissatisfied"},
    )
    assert rating.is_lower_trust and rating.officer == tiepnhan and rating.recorded_by == motcua
    item = FeedbackItem.objects.get()
    assert item.source == FeedbackSource.KIOSK and item.officer == tiepnhan
    with pytest.raises(ValidationFailed) as error:
        services.rating_kiosk_submit(
            actor=motcua, agency=demo.department, officer_id="x", data={"overall": "satisfied"}
        )
    assert list(error.value.details) == ["officer"]
    with pytest.raises(NotFound):  # a specialist runs no counter tablet
        services.rating_kiosk_submit(
            actor=demo.user("chuyenvien"),
            agency=demo.department,
            officer_id=str(motcua.pk),
            data={"overall": "satisfied"},
        )
    assert Rating.objects.count() == 1


def test_the_receipt_issues_the_token_that_the_return_sends_and_spends_once(desk: Any) -> None:
    with time_machine.travel(at(3, 2, 9), tick=False):
        received = dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    token = received.rating_token or ""
    assert len(token) >= 20 and token != received.access_token
    # Before the result is returned the token is refused, and nothing is recorded.
    with pytest.raises(PermissionDenied) as early:
        services.rating_submit(token=token, data=ANSWERS)
    assert str(early.value.message) == str(RATING_TOO_EARLY)
    assert not Rating.objects.exists()
    dossier = returned_dossier(desk, at(3, 2, 9))
    token = dossier.rating_token or ""
    with time_machine.travel(at(3, 10, 9), tick=False):
        assert services.rating_invitations_send() == 1
    message = OutboxMessage.objects.get(object_type="dossiers.dossier", object_id=dossier.code)
    assert f"/danh-gia/{token}/" in message.body  # the link the receipt printed
    done = services.rating_submit(token=token, data=ANSWERS)
    assert done.dossier == dossier and done.overall == "satisfied"
    with pytest.raises(PermissionDenied):
        services.rating_submit(token=token, data=ANSWERS)
    assert Rating.objects.filter(dossier=dossier).count() == 1


def test_a_rating_from_the_receipt_before_the_invitation_is_not_invited_again(desk: Any) -> None:
    dossier = returned_dossier(desk, at(3, 2, 9))
    services.rating_submit(token=dossier.rating_token or "", data=ANSWERS)
    assert services.rating_invitations_send() == 0
    assert not OutboxMessage.objects.filter(body__contains="/danh-gia/").exists()


def test_a_dossier_received_before_receipts_printed_a_token_gets_one_at_return(
    desk: Any,
) -> None:
    dossier = returned_dossier(desk, at(3, 2, 9))
    type(dossier).objects.filter(pk=dossier.pk).update(rating_token=None)
    with time_machine.travel(at(3, 10, 9), tick=False):
        assert services.rating_invitations_send() == 1
    dossier.refresh_from_db()
    assert dossier.rating_token
    message = OutboxMessage.objects.get(object_type="dossiers.dossier", object_id=dossier.code)
    assert f"/danh-gia/{dossier.rating_token}/" in message.body
    services.rating_submit(token=dossier.rating_token, data=ANSWERS)
    assert Rating.objects.get(dossier=dossier).rated_at is not None

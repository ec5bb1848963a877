"""Ratings: the dossier's one-time token and its invitation, the applicant's answer, and the
counter tablet's (Decree 61/2018 art. 31)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, RoleAssignment, User
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import NotFound, PermissionDenied
from isogov.dossiers import documents
from isogov.dossiers.models import Dossier
from isogov.dossiers.services import dossier_rating_token
from isogov.dossiers.transitions import Status as DossierStatus
from isogov.notifications.services import outbox_enqueue

from ..models import (
    CountRating,
    FeedbackItem,
    FeedbackSource,
    Rating,
    RatingChannel,
    Satisfaction,
    TimeRating,
)
from ..selectors import KIOSK_ROLES, rating_open, staff_choices
from ._common import (
    BAD_CHOICE,
    INVITE_LOOK_BACK_DAYS,
    OVERALL_REQUIRED,
    RATING_TOO_EARLY,
    RATING_USED,
    _choice,
    _fail,
    _flag,
    _insert,
    _set_due,
    _text,
)


def rating_url(rating: Rating) -> str:
    """The rating link of a token rating (the one its dossier's receipt printed)."""
    return documents.rating_url(rating.dossier) if rating.dossier is not None else ""


@transaction.atomic
def rating_invite(*, dossier: Dossier) -> Rating:
    """The dossier's token rating row, with the invitation in the outbox the first time
    (Circular 01/2018 art. 12.2: the form goes with the result). The link is the one printed on
    the receipt; a dossier received before receipts printed one gets its token now."""
    token = dossier_rating_token(dossier)
    rating = (
        Rating.objects.select_for_update()
        .filter(dossier=dossier, channel=RatingChannel.TOKEN)
        .first()
    )
    if rating is not None and (rating.invited_at is not None or rating.rated_at is not None):
        return rating
    if rating is None:
        rating = Rating(
            agency=dossier.agency,
            dossier=dossier,
            channel=RatingChannel.TOKEN,
            officer=dossier.received_by,
        )
    rating.invited_at = clock.now()
    rating.save()
    url = documents.rating_url(dossier)
    assert token and url
    body = _(
        "Thank you for using our services. Please rate how dossier %(code)s was handled: %(url)s"
    ) % {"code": dossier.code, "url": url}
    subject = _("Rate the handling of dossier %(code)s") % {"code": dossier.code}
    for channel, recipient in (
        ("email", dossier.applicant_email),
        ("sms", dossier.applicant_phone),
    ):
        if recipient:
            outbox_enqueue(
                channel=channel,
                recipient=recipient,
                subject=subject if channel == "email" else "",
                body=body,
                agency_code=dossier.agency.code,
                object_type="dossiers.dossier",
                object_id=dossier.code,
            )
            break
    return rating


def rating_invitations_send() -> int:
    """Invite the applicants of dossiers returned lately and not invited yet (run by the
    worker: the dossier engine knows nothing of ratings)."""
    since = clock.now() - dt.timedelta(days=INVITE_LOOK_BACK_DAYS)
    invited = Rating.objects.filter(channel=RatingChannel.TOKEN, dossier__isnull=False).values(
        "dossier_id"
    )
    dossiers = (
        Dossier.objects.filter(status=DossierStatus.RETURNED, returned_at__gte=since)
        .exclude(pk__in=invited)
        .select_related("agency", "received_by")
        .order_by("pk")
    )
    count = 0
    for dossier in dossiers:
        rating_invite(dossier=dossier)
        count += 1
    return count


CRITERIA_4 = ("information", "attitude", "lawfulness", "complaint_handling", "online_service")


def _answers(data: Mapping[str, Any]) -> dict[str, Any]:
    levels = Satisfaction.values
    if not str(data.get("overall") or "").strip():
        raise _fail("overall", OVERALL_REQUIRED)
    values: dict[str, Any] = {"overall": _choice(data, "overall", levels)}
    values["time_vs_legal"] = _choice(data, "time_vs_legal", TimeRating.values, required=False)
    values["agencies_contacted"] = _choice(
        data, "agencies_contacted", CountRating.values, required=False
    )
    values["contacts_needed"] = _choice(data, "contacts_needed", CountRating.values, required=False)
    for name in CRITERIA_4:
        values[name] = _choice(data, name, levels, required=False)
    values["unofficial_costs"] = _flag(data, "unofficial_costs")
    values["comment"] = _text(data, "comment", max_length=2000, required=False)
    return values


def _open_from_rating(rating: Rating, source: str) -> FeedbackItem:
    """Decision 766 5.4 counts a "dislike"; the agency follows it up as a feedback item."""
    dossier = rating.dossier
    item = FeedbackItem(
        agency=rating.agency,
        dossier=dossier,
        dossier_code=dossier.code if dossier else "",
        source=source,
        title=str(_("Dissatisfied rating")),
        content=rating.comment or str(_("The applicant said they were dissatisfied.")),
        submitter_name=dossier.applicant_name if dossier else str(_("Applicant at the counter")),
        submitter_phone=dossier.applicant_phone if dossier else "",
        submitter_email=dossier.applicant_email if dossier else "",
        officer=rating.officer,
        received_at=rating.rated_at or clock.now(),
    )
    _set_due(item)
    return _insert(item)


@transaction.atomic
def rating_submit(*, token: str, data: Mapping[str, Any]) -> Rating:
    """Record the applicant's rating through the dossier's one-time token: refused before the
    result has been returned, and once the token has been spent."""
    dossier = (
        Dossier.objects.select_for_update()
        .select_related("agency")
        .filter(rating_token=token)
        .first()
        if token
        else None
    )
    if dossier is None:
        raise NotFound()
    rating = (
        Rating.objects.select_for_update()
        .filter(dossier=dossier, channel=RatingChannel.TOKEN)
        .first()
    )
    if rating is not None and rating.rated_at is not None:
        raise PermissionDenied(RATING_USED)
    if not rating_open(dossier):
        raise PermissionDenied(RATING_TOO_EARLY)
    if rating is None:  # rated from the receipt's QR code before the invitation went out
        rating = Rating(
            agency=dossier.agency,
            dossier=dossier,
            channel=RatingChannel.TOKEN,
            officer=dossier.received_by,
        )
    for name, value in _answers(data).items():
        setattr(rating, name, value)
    rating.rated_at = clock.now()
    rating.save()
    if rating.overall == Satisfaction.DISSATISFIED:
        rating.feedback_item = _open_from_rating(rating, FeedbackSource.RATING)
        rating.save(update_fields=["feedback_item", "updated_at"])
    audit_record(actor=None, action="feedback.rate", target=rating, agency=rating.agency)
    return rating


@transaction.atomic
def rating_kiosk_submit(
    *, actor: User, agency: Agency, officer_id: object, data: Mapping[str, Any]
) -> Rating:
    """Record a rating given on the counter tablet of a signed-in desk officer: it rates the
    officer at the desk and counts as lower trust (the officer runs the tablet)."""
    if not RoleAssignment.objects.filter(user=actor, agency=agency, role__in=KIOSK_ROLES).exists():
        raise NotFound()
    raw = str(officer_id or "").strip()
    officer = staff_choices(agency=agency).filter(pk=int(raw)).first() if raw.isdigit() else None
    if officer is None:
        raise _fail("officer", BAD_CHOICE)
    values = _answers(data)
    rating = Rating(
        agency=agency,
        channel=RatingChannel.KIOSK,
        officer=officer,
        recorded_by=actor,
        rated_at=clock.now(),
        **values,
    )
    rating.save()
    if rating.overall == Satisfaction.DISSATISFIED:
        rating.feedback_item = _open_from_rating(rating, FeedbackSource.KIOSK)
        rating.save(update_fields=["feedback_item", "updated_at"])
    audit_record(actor=actor, action="feedback.rate_kiosk", target=rating, agency=agency)
    return rating

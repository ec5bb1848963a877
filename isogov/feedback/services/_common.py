"""What the feedback services share: input checks that name their field, the item's code,
due times and search text, and the message to the submitter."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from isogov.core import clock
from isogov.core.errors import ValidationFailed
from isogov.core.text import fold_vietnamese
from isogov.notifications.services import outbox_enqueue
from isogov.workcal.selectors import calendar_for

from .. import deadlines
from ..models import FeedbackItem
from ..selectors import deadline_days_on

FIELD_REQUIRED = gettext_lazy("This field is required.")
TOO_LONG = gettext_lazy("Please enter at most %(n)s characters.")
CONTACT_REQUIRED = gettext_lazy("Give a phone number or an e-mail address so that we can answer.")
BAD_EMAIL = gettext_lazy("Enter a valid e-mail address.")
BAD_CHOICE = gettext_lazy("Choose an item from the list.")
NOT_ALLOWED = gettext_lazy("You may not do this on this item in its present state.")
NO_CONSENT = gettext_lazy("The submitter did not agree to publish the answer.")
ALREADY_DONE = gettext_lazy("This has already been recorded.")
RATING_USED = gettext_lazy("This rating link has already been used. Thank you for your rating.")
RATING_TOO_EARLY = gettext_lazy("You can rate the dossier once its result has been returned.")
OVERALL_REQUIRED = gettext_lazy("Please give your overall rating.")

# Invitations cover dossiers returned in the last days (a missed run is caught up).
INVITE_LOOK_BACK_DAYS = 30


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: [str(message)]})


def _text(data: Mapping[str, Any], field: str, *, max_length: int, required: bool = True) -> str:
    value = str(data.get(field) or "").strip()
    if required and not value:
        raise _fail(field, FIELD_REQUIRED)
    if len(value) > max_length:
        raise _fail(field, TOO_LONG % {"n": max_length})
    return value


def _choice(data: Mapping[str, Any], field: str, choices: Any, *, required: bool = True) -> str:
    value = str(data.get(field) or "").strip()
    if not value and not required:
        return ""
    if value not in choices:
        raise _fail(field, FIELD_REQUIRED if not value else BAD_CHOICE)
    return value


def _flag(data: Mapping[str, Any], field: str) -> bool:
    value = data.get(field)
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "on", "yes")


def _new_code(now: dt.datetime) -> str:
    """``PA-YYMMDD-XXXXXX``: the day of receipt and six random letters and digits (no I, O, 0,
    1), so that a code is easy to read out and hard to guess."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    suffix = "".join(secrets.choice(alphabet) for _ in range(6))
    return f"PA-{clock.to_local(now):%y%m%d}-{suffix}"


def _set_due(item: FeedbackItem) -> None:
    """Derive the cached due times from the stored facts (``deadlines.due_times``)."""
    due = deadlines.due_times(
        calendar_for(agency=item.agency),
        days=deadline_days_on(clock.to_local(item.received_at).date()),
        received_at=item.received_at,
        info_supplied_at=item.info_supplied_at,
        answered_at=item.answered_at,
    )
    item.refuse_due_at = due.refuse
    item.info_due_at = due.request_info
    item.answer_due_at = due.answer
    item.publish_due_at = due.publish


def _search_text(item: FeedbackItem) -> str:
    return fold_vietnamese(
        " ".join(
            [item.code, item.title, item.submitter_name, item.dossier_code, item.content[:500]]
        )
    )


def follow_url(item: FeedbackItem) -> str:
    path = reverse("portal:feedback-item", kwargs={"token": item.token})
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def _notify(item: FeedbackItem, subject: str, body: str) -> None:
    """Tell the submitter, by e-mail if they gave one, else by SMS."""
    body = f"{body}\n{follow_url(item)}"
    if item.submitter_email:
        channel, recipient = "email", item.submitter_email
    elif item.submitter_phone:
        channel, recipient = "sms", item.submitter_phone
    else:
        return
    outbox_enqueue(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        agency_code=item.agency.code,
        object_type="feedback.feedbackitem",
        object_id=item.code,
    )


def _insert(item: FeedbackItem) -> FeedbackItem:
    """Save a new item under a fresh code (another code on the rare collision)."""
    for _attempt in range(5):
        item.code = _new_code(item.received_at)
        item.search_text = _search_text(item)
        try:
            with transaction.atomic():
                item.save()
            return item
        except IntegrityError:
            continue
    raise RuntimeError("no free feedback code")

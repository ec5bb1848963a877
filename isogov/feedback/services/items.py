"""Feedback items: the public submission and the one entry point that runs the action table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import NotFound, PermissionDenied, check_version
from isogov.dossiers.models import Dossier

from ..models import AnswerRating, FeedbackItem, FeedbackKind, FeedbackSource
from ..selectors import parties_of, staff_choices, unit_choices
from ..transitions import ACTIONS, Action, Kind, Party
from ._common import (
    ALREADY_DONE,
    BAD_EMAIL,
    CONTACT_REQUIRED,
    NO_CONSENT,
    NOT_ALLOWED,
    _choice,
    _fail,
    _flag,
    _insert,
    _notify,
    _search_text,
    _set_due,
    _text,
)


@transaction.atomic
def feedback_submit(
    *,
    agency: Agency,
    data: Mapping[str, Any],
) -> FeedbackItem:
    """Record a feedback item sent on the public site, with or without a dossier code.

    A dossier code that names one of the agency's dossiers links the item to it; the answer
    never says whether it did, so the form cannot be used to probe for codes.
    """
    name = _text(data, "name", max_length=200)
    phone = _text(data, "phone", max_length=50, required=False)
    email = _text(data, "email", max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError as error:
            raise _fail("email", BAD_EMAIL) from error
    if phone and not any(ch.isdigit() for ch in phone):
        raise _fail("phone", CONTACT_REQUIRED)
    if not phone and not email:
        raise _fail("phone", CONTACT_REQUIRED)
    title = _text(data, "title", max_length=300)
    content = _text(data, "content", max_length=4000)
    dossier_code = _text(data, "dossier_code", max_length=64, required=False)
    dossier = (
        Dossier.objects.filter(agency=agency, code=dossier_code).first() if dossier_code else None
    )
    now = clock.now()
    item = FeedbackItem(
        agency=agency,
        dossier=dossier,
        dossier_code=dossier_code,
        source=FeedbackSource.PUBLIC,
        title=title,
        content=content,
        submitter_name=name,
        submitter_phone=phone,
        submitter_email=email,
        consent_publish=_flag(data, "consent_publish"),
        received_at=now,
    )
    _set_due(item)
    _insert(item)
    audit_record(actor=None, action="feedback.submit", target=item, agency=agency)
    _notify(
        item,
        _("Your feedback %(code)s was received") % {"code": item.code},
        _("%(agency)s received your feedback %(code)s and will answer by %(due)s.")
        % {
            "agency": agency.name,
            "code": item.code,
            "due": clock.to_local(item.answer_due_at).strftime("%d/%m/%Y"),
        },
    )
    return item


def _inputs(action: Action, item: FeedbackItem, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``data`` against the action's fields; every error names its field."""
    values: dict[str, Any] = {}
    for field in action.fields:
        if field.kind == Kind.TEXT:
            values[field.name] = _text(
                data, field.name, max_length=field.max_length, required=field.required
            )
        elif field.kind == Kind.BOOLEAN:
            values[field.name] = _flag(data, field.name)
        else:
            values[field.name] = _choice(
                data, field.name, choice_values(field.name, item), required=field.required
            )
    return values


def choice_values(field: str, item: FeedbackItem) -> list[str]:
    """The values a choice field of the table accepts on ``item``."""
    if field == "kind":
        return list(FeedbackKind.values)
    if field == "unit":
        return [str(pk) for pk in unit_choices(agency=item.agency).values_list("pk", flat=True)]
    if field == "officer":
        return [str(pk) for pk in staff_choices(agency=item.agency).values_list("pk", flat=True)]
    if field == "rating":
        return list(AnswerRating.values)
    raise KeyError(field)


def _apply(action: Action, item: FeedbackItem, actor: User | None, values: dict[str, Any]) -> None:
    """Record the facts of one action (the table has already said it may run)."""
    now = clock.now()
    name = action.name
    if name == "classify":
        item.kind = values["kind"]
        item.unit_id = int(values["unit"])
        item.officer_id = int(values["officer"]) if values["officer"] else None
        item.is_repeat = values["is_repeat"]
        item.classified_at = item.classified_at or now
    elif name == "refuse":
        item.refused_at, item.refuse_reason = now, values["reason"]
        _notify(
            item,
            _("Your feedback %(code)s was not accepted") % {"code": item.code},
            _("Reason: %(reason)s") % {"reason": item.refuse_reason},
        )
    elif name == "request_info":
        item.info_requested_at, item.info_request = now, values["request"]
        _notify(
            item,
            _("More information is needed for your feedback %(code)s") % {"code": item.code},
            item.info_request,
        )
    elif name == "supply_info":
        item.info_supplied_at, item.info_supplied = now, values["information"]
    elif name == "answer":
        item.answered_at, item.answer, item.answered_by = now, values["answer"], actor
        _notify(
            item,
            _("Your feedback %(code)s was answered") % {"code": item.code},
            _("Open the link to read the answer and tell us what you think of it."),
        )
    elif name == "publish":
        item.published_at = now
    elif name == "rate_answer":
        item.answer_rating, item.answer_rated_at = values["rating"], now
    _set_due(item)


@transaction.atomic
def feedback_act(
    *,
    action: str,
    data: Mapping[str, Any],
    version: object,
    actor: User | None = None,
    code: str = "",
    token: str = "",
) -> FeedbackItem:
    """Run one action of the table on an item: by a staff member (``actor`` and ``code``) or
    by the submitter (``token``). The one entry point: it locks the row, checks the version,
    the status and who asks, validates the input and records the facts."""
    rule = ACTIONS.get(action)
    if rule is None:
        raise NotFound()
    qs = FeedbackItem.objects.select_for_update().select_related("agency")
    item = qs.filter(token=token).first() if token else qs.filter(code=code).first()
    if item is None:
        raise NotFound()
    parties = frozenset({Party.SUBMITTER}) if token else parties_of(user=actor, item=item)
    if not parties:
        raise NotFound()  # an item of another agency or unit looks missing
    check_version(stored=item.version, sent=version)
    if item.status not in rule.from_statuses or not rule.parties & parties:
        raise PermissionDenied(NOT_ALLOWED)
    if rule.needs_consent and not item.consent_publish:
        raise PermissionDenied(NO_CONSENT)
    if rule.once and getattr(item, rule.once):
        raise PermissionDenied(ALREADY_DONE)
    before = item.status
    values = _inputs(rule, item, data)
    _apply(rule, item, actor, values)
    if rule.to_status is not None:
        item.status = rule.to_status
    item.version += 1
    item.search_text = _search_text(item)
    item.save()
    audit_record(
        actor=actor,
        action=f"feedback.{action}",
        target=item,
        agency=item.agency,
        before={"status": before},
        after={"status": item.status},
    )
    return item

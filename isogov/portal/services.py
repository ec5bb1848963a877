"""Writes of the portal: an agency's status texts, and the one-time links of "Hồ sơ của tôi"."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_has_role
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import PermissionDenied, ValidationFailed, check_version
from isogov.dossiers.models import STATUS_CHOICES
from isogov.dossiers.selectors import contact_has_dossiers
from isogov.notifications.models import Channel
from isogov.notifications.services import outbox_enqueue

from .models import ApplicantLink, StatusText

# The agency's administrator words the lookup's statuses (in-app administration).
STATUS_TEXT_EDITORS = frozenset({Role.SYSTEM_ADMIN})
NOT_EDITOR = gettext_lazy("Only the agency's administrator may change the lookup's texts.")
UNKNOWN_STATUS = gettext_lazy("There is no such status.")
TEXT_TOO_LONG = gettext_lazy("Write at most 500 characters.")


def status_text_save(
    *, actor: User, agency: Agency, status: str, text: str, version: int | str | None
) -> StatusText | None:
    """Save the agency's sentence for a status; an empty text goes back to the default."""
    if not user_has_role(user=actor, roles=STATUS_TEXT_EDITORS, agency=agency):
        raise PermissionDenied(NOT_EDITOR)
    if status not in dict(STATUS_CHOICES):
        raise ValidationFailed(UNKNOWN_STATUS, details={"status": [str(UNKNOWN_STATUS)]})
    text = text.strip()
    if len(text) > 500:
        raise ValidationFailed(TEXT_TOO_LONG, details={"text": [str(TEXT_TOO_LONG)]})
    with transaction.atomic():
        row = StatusText.objects.select_for_update().filter(agency=agency, status=status).first()
        check_version(stored=row.version if row is not None else 0, sent=version)
        before = {"text": row.text} if row is not None else None
        if not text:
            if row is not None:
                row.delete()
            saved = None
        elif row is None:
            saved = StatusText.objects.create(agency=agency, status=status, text=text)
        else:
            row.text = text
            row.version += 1
            row.save(update_fields=["text", "version", "updated_at"])
            saved = row
        audit_record(
            actor=actor,
            action="portal.status_text.update",
            object_type="portal.statustext",
            object_id=status,
            agency=agency,
            before=before,
            after={"text": text} if text else None,
        )
    return saved


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def applicant_link_request(*, contact: str, base_url: str) -> bool:
    """Send a one-time link to "Hồ sơ của tôi" if any dossier of the last months has this
    contact (a normalised phone number or an e-mail). Returns whether one was sent; the caller
    says the same either way."""
    months = settings.ISOGOV_APPLICANT_DOSSIER_MONTHS
    since = clock.now() - dt.timedelta(days=31 * months)
    if not contact_has_dossiers(contact=contact, since=since):
        return False
    token = secrets.token_urlsafe(24)
    minutes = settings.ISOGOV_APPLICANT_LINK_MINUTES
    link = f"{base_url.rstrip('/')}/ho-so-cua-toi/l/{token}/"
    is_email = "@" in contact
    with transaction.atomic():
        ApplicantLink.objects.create(
            token_hash=_hash(token),
            contact=contact,
            expires_at=clock.now() + dt.timedelta(minutes=minutes),
        )
        with translation.override("vi"):
            body = _(
                "To see your dossiers of the last %(months)s months, open this link "
                "(it works once, for %(minutes)s minutes): %(link)s"
            ) % {"months": months, "minutes": minutes, "link": link}
            outbox_enqueue(
                channel=Channel.EMAIL if is_email else Channel.SMS,
                recipient=contact,
                subject=_("Your dossiers") if is_email else "",
                body=body,
                object_type="portal.applicantlink",
            )
    return True


def applicant_link_redeem(*, token: str) -> str | None:
    """The contact a valid, unused link proves (the link is then used up); ``None`` otherwise."""
    if not 16 <= len(token) <= 64:
        return None
    with transaction.atomic():
        link = (
            ApplicantLink.objects.select_for_update()
            .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=clock.now())
            .first()
        )
        if link is None:
            return None
        link.used_at = clock.now()
        link.save(update_fields=["used_at", "updated_at"])
    return link.contact

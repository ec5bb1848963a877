"""What the portal stores of its own: the agency's wording of the lookup's statuses, and the
one-time links of "Hồ sơ của tôi" (docs/portal.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core.models import TimeStampedModel, VersionedModel
from isogov.dossiers.models import STATUS_CHOICES


class StatusText(VersionedModel):
    """An agency's own sentence for one dossier status on the public lookup.

    Without a row the default of ``status_texts.DEFAULTS`` (translated) is shown; the agency's
    administrator edits them in the in-app administration.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=30, choices=STATUS_CHOICES)
    text = models.CharField(_("text shown to the applicant"), max_length=500)

    class Meta:
        verbose_name = _("lookup status text")
        verbose_name_plural = _("lookup status texts")
        constraints = [
            models.UniqueConstraint(fields=["agency", "status"], name="portal_status_text_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.status}"


class ApplicantLink(TimeStampedModel):
    """A one-time link to "Hồ sơ của tôi", sent to an applicant's e-mail or phone.

    Only the SHA-256 of the token is stored; the link works once, before ``expires_at``.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    contact = models.CharField(_("e-mail or phone"), max_length=254)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("applicant's one-time link")
        verbose_name_plural = _("applicants' one-time links")
        indexes = [models.Index(fields=["contact", "created_at"])]

    def __str__(self) -> str:
        return f"{self.pk} {self.expires_at:%Y-%m-%d %H:%M}"

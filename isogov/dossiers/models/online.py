"""Online submissions waiting for their one-time code (docs/online-submission.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core.models import TimeStampedModel

from ..uploads import get_private_storage
from .dossier import Dossier, new_access_token


class OnlineDraft(TimeStampedModel):
    """An online submission not confirmed yet: the applicant's details and uploaded papers,
    waiting for the one-time code sent to their e-mail or phone (docs/online-submission.md).

    Resumed by its link (``token``); the form's idempotency key is unique, so a form sent twice
    makes one draft, and a draft confirmed twice makes one dossier (``dossier``).
    """

    token = models.CharField(max_length=32, unique=True, default=new_access_token, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(_("procedure code"), max_length=50)
    channel_kind = models.CharField(_("channel"), max_length=20)
    applicant = models.JSONField(_("applicant"), default=dict)
    request_summary = models.CharField(_("request"), max_length=500, blank=True)
    # Where the one-time code goes: "email" or "sms", and to whom.
    confirm_channel = models.CharField(max_length=10)
    confirm_recipient = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="online_draft"
    )

    class Meta:
        verbose_name = _("online submission draft")
        verbose_name_plural = _("online submission drafts")

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.pk}"


class OnlineDraftPaper(models.Model):
    """A paper uploaded with a draft; the dossier's paper takes over the same stored file."""

    draft = models.ForeignKey(OnlineDraft, on_delete=models.CASCADE, related_name="papers")
    name = models.CharField(_("paper"), max_length=500)
    file = models.FileField(storage=get_private_storage, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["draft", "id"]

    def __str__(self) -> str:
        return self.name

"""The outbox (messages written in the same transaction as the change they report) and the
agencies' notice templates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.core.models import VersionedModel

from .notices import Milestone


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    # Delivered by the sender ``ISOGOV_OUTBOX_SENDERS`` names (integrations: signed webhooks).
    WEBHOOK = "webhook", _("Webhook")


# The channels a person is notified through (an agency words its notices for these).
NOTICE_CHANNELS = [
    (Channel.EMAIL.value, Channel.EMAIL.label),
    (Channel.SMS.value, Channel.SMS.label),
]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class OutboxMessage(models.Model):
    """A message to an applicant or an officer, delivered by the worker after commit.

    Nothing is lost when delivery fails: the row stays pending and is retried with a growing
    delay until ``MAX_ATTEMPTS``, then marked failed for an operator to look at. When it was
    written (``created_at``) and sent (``sent_at``) is kept; no ``updated_at``, which nothing
    read (issue 15 §4).
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Read only for the pending messages: the partial index below holds those only. None once
    # the message is sent.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    agency_code = models.CharField(_("agency"), max_length=64, blank=True)
    object_type = models.CharField(_("about (type)"), max_length=100, blank=True)
    object_id = models.CharField(_("about (id)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        # The worker's query (pending, due, oldest first). Only pending rows are indexed: the
        # sent ones, nearly all of the table, cost nothing in it (issue 15 §4).
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"


class NoticeTemplate(VersionedModel):
    """An agency's own wording of one notice (mẫu thông báo), for one milestone and channel.

    Without a row the default of ``notices.DEFAULTS`` is used. ``agency_code`` is the agency's
    electronic identifier (this app sits below ``accounts``, like the outbox and the audit log).
    """

    agency_code = models.CharField(_("agency"), max_length=64)
    milestone = models.CharField(_("milestone"), max_length=30, choices=Milestone.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NOTICE_CHANNELS)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code", "milestone", "channel"], name="notice_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.milestone} {self.channel}"

"""Webhook subscriptions, deliveries, the attempt log and the event cursor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core.models import TimeStampedModel, VersionedModel


class WebhookEventType(models.TextChoices):
    """The events a subscriber may ask for (read from the dossiers' timeline)."""

    DOSSIER_STATUS_CHANGED = "dossier.status_changed", _("A dossier's status changed")
    DOSSIER_STEP = "dossier.step", _("A dossier moved between processing steps")
    DOSSIER_RESULT_RETURNED = "dossier.result_returned", _("A dossier's result was returned")


class WebhookSubscription(VersionedModel):
    """An agency's receiver (đăng ký nhận webhook): a URL, the events it wants, its secret.

    The secret signs every delivery (HMAC-SHA256). It is stored as is, because signing needs
    it, and shown to the agency once, when the subscription is made.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("receiver address (URL)"), max_length=254)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["agency", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"


class WebhookDelivery(TimeStampedModel):
    """One event for one subscriber: the exact body sent, and its outbox message.

    The outbox row holds the state (pending, sent, failed), the attempts and the next try;
    a replay queues a new outbox message with the same body and event id.
    """

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.CharField(_("event id"), max_length=80)
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEventType.choices)
    body = models.TextField(_("body"))
    outbox_message_id = models.BigIntegerField(_("outbox message"), null=True, db_index=True)
    replays = models.PositiveIntegerField(_("replays"), default=0)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}"


class WebhookAttempt(models.Model):
    """The delivery log: one line per attempt, with the receiver's answer."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    at = models.DateTimeField(_("at"))
    url = models.CharField(_("address"), max_length=254)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookCursor(models.Model):
    """How far the event reader has read the dossiers' timeline (``DossierEvent`` ids).

    ``pending``: ids missing below ``last_id`` when it was read (id → when first missed, ISO
    8601): a transaction still open, or one rolled back. The reader looks for them again at
    each run, for ``ISOGOV_WEBHOOK_GAP_SECONDS``, so a slow transaction's event is not lost.
    """

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    pending = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"

"""What the integrations with the portal keep: the mapping tables, each dossier's sync state,
the codes an import could not map, and (for the API's permission) the dossier imports.

The webhooks (issue 14 item 5) keep their models in ``webhooks/models.py``, imported below;
the API keys (item 6) are in ``accounts``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.catalog.models import Procedure
from isogov.core.models import TimeStampedModel
from isogov.dossiers.models import STATUS_CHOICES, Dossier


# --- mapping tables (edited in the in-app administration) ----------------------------------
class ProcedureCodeMap(TimeStampedModel):
    """A local procedure's code on the portal (MaTTHC), where it is not the procedure's code."""

    procedure = models.OneToOneField(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+"
    )
    portal_code = models.CharField(_("portal procedure code"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("portal procedure code")
        verbose_name_plural = _("portal procedure codes")
        ordering = ["procedure__code"]

    def __str__(self) -> str:
        return f"{self.procedure_id} → {self.portal_code}"


class AgencyCodeMap(TimeStampedModel):
    """An agency's identifier code on the portal (madonvi), where it is not its own."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    portal_code = models.CharField(_("portal agency code"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("portal agency code")
        verbose_name_plural = _("portal agency codes")
        ordering = ["agency__code"]

    def __str__(self) -> str:
        return f"{self.agency_id} → {self.portal_code}"


class StatusCodeMap(TimeStampedModel):
    """A status's code on the portal (TrangThaiHoSo 1–10), where it differs from the state
    table's (``dossiers.transitions.NATIONAL_CODE``)."""

    status = models.CharField(_("status"), max_length=30, choices=STATUS_CHOICES, unique=True)
    portal_code = models.PositiveSmallIntegerField(
        _("portal status code"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("portal status code")
        verbose_name_plural = _("portal status codes")
        ordering = ["status"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(portal_code__gte=1, portal_code__lte=10),
                name="status_code_map_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} → {self.portal_code}"


# --- outbound sync -------------------------------------------------------------------------
class SyncState(models.TextChoices):
    PENDING = "pending", _("Waiting to be synchronised")
    SYNCED = "synced", _("Synchronised")
    FAILED = "failed", _("Error")


class DossierSync(models.Model):
    """One dossier's synchronisation with the portal (docs/integrations.md, standalone mode).

    ``last_event_id`` is the per-dossier cursor: the dossier's timeline events (written in the
    same transaction as every status change and step) up to it are on the portal. A dossier
    with a later event is pending again.
    """

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SyncState.choices, default=SyncState.PENDING
    )
    last_event_id = models.BigIntegerField(_("last event synchronised"), default=0)
    wanted_event_id = models.BigIntegerField(_("last event to synchronise"), default=0)
    history_sent = models.PositiveIntegerField(_("history entries on the portal"), default=0)
    # The last record the portal accepted (SHA-256 of its JSON): not sent again unchanged.
    record_digest = models.CharField(_("record sent"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    synced_at = models.DateTimeField(_("synchronised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier synchronisation")
        verbose_name_plural = _("dossier synchronisations")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.state}"


class SyncCursor(models.Model):
    """The scanner's place in the dossier events (one row): events after it are looked at."""

    name = models.CharField(max_length=30, unique=True)
    event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.event_id}"


# --- inbound import ------------------------------------------------------------------------
class UnmappedCode(TimeStampedModel):
    """A portal procedure code an import met with no local procedure: listed for mapping."""

    source = models.CharField(_("source system"), max_length=64)
    portal_code = models.CharField(_("portal procedure code"), max_length=64)
    name = models.CharField(_("procedure name in the source"), max_length=500, blank=True)
    seen = models.PositiveIntegerField(_("dossiers not imported"), default=0)

    class Meta:
        verbose_name = _("unmapped procedure code")
        verbose_name_plural = _("unmapped procedure codes")
        ordering = ["source", "portal_code"]
        constraints = [
            models.UniqueConstraint(fields=["source", "portal_code"], name="unmapped_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.portal_code}"


class InboundStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing imported")


class InboundImport(TimeStampedModel):
    """A file of external dossiers imported by the background worker, with its progress."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source system"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="integrations/imports/")
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=InboundStatus.choices, default=InboundStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("records done"), default=0)
    total = models.PositiveIntegerField(_("records"), default=0)
    messages = models.JSONField(_("problems"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier import")
        verbose_name_plural = _("dossier imports")
        ordering = ["-created_at"]
        permissions = [("push_dossiers", _("Can push external dossiers through the API"))]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in (InboundStatus.DONE, InboundStatus.FAILED)

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


# --- webhooks (their own module) -----------------------------------------------------------
from .webhooks.models import (  # noqa: E402, F401
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)

"""The register files built in the background (``register_jobs``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core.models import TimeStampedModel


class RegisterExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RegisterExport(TimeStampedModel):
    """The register of a year as a PDF or XLSX file, built by the background worker
    (``register_jobs``), with its progress for the page that waits for it."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("year"))
    q = models.CharField(_("search"), max_length=200, blank=True)
    kind = models.CharField(_("format"), max_length=10, choices=[("pdf", "PDF"), ("xlsx", "XLSX")])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegisterExportStatus.choices,
        default=RegisterExportStatus.QUEUED,
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="dossiers/registers/", blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register file")
        verbose_name_plural = _("register files")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency_id}-{self.year}.{self.kind}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RegisterExportStatus.DONE, RegisterExportStatus.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class RegisterMonth(models.Model):
    """How many dossiers one closed month of an agency's register holds, as last counted.

    A cache the register page reads instead of counting eleven closed months on every visit
    (``register_months``). Only ever a true count at some moment: the page checks it against the
    agency's register counter before trusting it, and counts again when it does not add up.
    ``moves`` is the agency's count of receipts moved between months when this was counted.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField()
    moves = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "month"], name="register_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:02d}/{self.year}: {self.received}"

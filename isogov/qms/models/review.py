"""Management review (xem xét của lãnh đạo, §9.3), the conformity announcement and the yearly
duties of Decision 19/2014/QĐ-TTg, and the reminders of the QMS."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core.models import TimeStampedModel, VersionedModel


class ManagementReview(VersionedModel):
    """A management review meeting: its input pack (§9.3.2) and its outputs (§9.3.3)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.TextField(_("attendees"), blank=True)
    # The input pack as assembled from live data when the meeting was recorded.
    pack = models.JSONField(_("input pack"), default=dict)
    conclusions = models.TextField(_("conclusions"), blank=True)
    system_effective = models.BooleanField(_("the system is effective"), default=True)

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.agency} {self.held_on:%d/%m/%Y}"


class ConformityAnnouncement(TimeStampedModel):
    """The announcement that the QMS conforms to TCVN ISO 9001:2015 (công bố HTQLCL phù hợp),
    in the form of appendix I of Decision 19/2014/QĐ-TTg, with its notice and its posting."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("decision number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope_statement = models.TextField(_("scope"))
    procedures = models.JSONField(_("procedures covered"), default=list)
    dost_notified_on = models.DateField(
        _("Department of Science and Technology notified on"), null=True, blank=True
    )
    posted_on = models.DateField(_("posted at the office and website on"), null=True, blank=True)

    class Meta:
        verbose_name = _("conformity announcement")
        verbose_name_plural = _("conformity announcements")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return self.number


class ExternalInspection(TimeStampedModel):
    """An inspection by the Department of Science and Technology (Circular 26/2014 form 21)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    inspector = models.CharField(_("inspecting body"), max_length=300)
    record_number = models.CharField(_("record number"), max_length=50)
    record_on = models.DateField(_("record dated"))
    findings = models.TextField(_("findings"))
    corrective_due_on = models.DateField(_("corrective actions reported by"))
    reported_on = models.DateField(_("corrective actions reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("external inspection")
        verbose_name_plural = _("external inspections")
        ordering = ["-record_on"]

    def __str__(self) -> str:
        return self.record_number


class YearlyReport(TimeStampedModel):
    """The yearly report on applying the QMS (appendix II of Decision 19/2014), due in December."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="qms_yearly_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"


class ReminderKind(models.TextChoices):
    DOCUMENT_REVIEW = "document_review", _("Document review due")
    READ = "read", _("Document to read")
    ACTION = "action", _("Action due")
    EFFECTIVENESS = "effectiveness", _("Effectiveness check due")
    AUDIT = "audit", _("Internal audit")
    MANAGEMENT_REVIEW = "management_review", _("Management review due")


class Reminder(TimeStampedModel):
    """One reminder sent to one person about one due item (sent once: the key is unique)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "user", "due_on"], name="qms_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return self.subject

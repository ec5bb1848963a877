"""Internal audit (đánh giá nội bộ, §9.2), nonconformity and corrective action (§10.2, §8.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.catalog.models import InternalProcess, Procedure
from isogov.core.models import TimeStampedModel, VersionedModel


class AuditProgrammeEntry(TimeStampedModel):
    """One process in the yearly programme, audited as often as its risk and past results ask."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    process = models.ForeignKey(InternalProcess, on_delete=models.PROTECT, related_name="+")
    audits_per_year = models.PositiveSmallIntegerField(_("audits a year"))
    reason = models.CharField(_("why"), max_length=300)

    class Meta:
        ordering = ["year", "process__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "process"], name="qms_programme_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.process}"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")


class Audit(VersionedModel):
    """An internal audit plan and its report (kế hoạch và báo cáo đánh giá nội bộ)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    scope = models.TextField(_("scope"))
    units = models.ManyToManyField(Unit, verbose_name=_("units audited"), related_name="+")
    processes = models.ManyToManyField(
        InternalProcess, verbose_name=_("processes"), blank=True, related_name="+"
    )
    clauses = models.JSONField(_("clauses"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audit team"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    summary = models.TextField(_("conclusion"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    # Printed once when the lead auditor reports, and served as stored from then on.
    report_pdf = models.FileField(_("frozen report PDF"), upload_to="qms/audits/", blank=True)

    class Meta:
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """A question of the audit's checklist, by clause and process."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="checklist")
    clause = models.CharField(_("clause"), max_length=10)
    question = models.CharField(_("question"), max_length=500)
    process = models.ForeignKey(
        InternalProcess, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.clause} {self.question}"


class Grade(models.TextChoices):
    CONFORMITY = "conformity", _("Conformity")
    OBSERVATION = "observation", _("Observation")
    MINOR_NC = "minor_nc", _("Minor nonconformity")
    MAJOR_NC = "major_nc", _("Major nonconformity")
    OPPORTUNITY = "opportunity", _("Opportunity for improvement")


NC_GRADES = frozenset({Grade.MINOR_NC, Grade.MAJOR_NC})


class Finding(TimeStampedModel):
    """An audit finding with its clause and evidence (phát hiện đánh giá)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    clause = models.CharField(_("clause"), max_length=10)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("finding"))
    evidence = models.TextField(_("evidence"))
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField(_("found on"))

    class Meta:
        ordering = ["audit", "id"]

    def __str__(self) -> str:
        return f"{self.clause} {self.get_grade_display()}"


class NcSource(models.TextChoices):
    AUDIT_FINDING = "audit_finding", _("Internal audit finding")
    LATE_DOSSIER = "late_dossier", _("Late dossiers")
    APOLOGY = "apology", _("Apologies issued")
    CUSTODY = "custody", _("Lost or damaged papers")
    COMPLAINT = "complaint", _("Complaint")
    MANAGEMENT_REVIEW = "management_review", _("Management review")
    EXTERNAL_INSPECTION = "external_inspection", _("External inspection")


class NcStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Actions under way")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Dismissed")


class Nonconformity(VersionedModel):
    """A nonconformity (sự không phù hợp, §10.2) or nonconforming output (§8.7)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=32)
    source = models.CharField(_("source"), max_length=20, choices=NcSource.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=NcStatus.choices, default=NcStatus.OPEN
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    finding = models.OneToOneField(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="nonconformity"
    )
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    dossier_codes = models.JSONField(_("dossiers"), default=list, blank=True)
    # A proposal's grouping key (source, procedure, period): one proposal per group, ever.
    proposal_key = models.CharField(max_length=200, blank=True, editable=False)
    correction = models.TextField(_("correction"), blank=True)
    whys = models.JSONField(_("five whys"), default=list, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    effectiveness_due_on = models.DateField(_("effectiveness check due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["-opened_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="qms_nc_code_unique"),
            models.UniqueConstraint(
                fields=["agency", "proposal_key"],
                condition=~models.Q(proposal_key=""),
                name="qms_nc_proposal_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class CorrectiveAction(TimeStampedModel):
    """An action with an owner and a due date: of a nonconformity, or a management review output."""

    nonconformity = models.ForeignKey(
        Nonconformity, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    review = models.ForeignKey(
        "qms.ManagementReview",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=6, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class EffectivenessCheck(TimeStampedModel):
    """Whether the actions removed the cause (đánh giá hiệu lực), dated after the actions."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="checks"
    )
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_effective = models.BooleanField(_("effective"))
    note = models.TextField(_("evidence"))

    class Meta:
        ordering = ["checked_on"]

    def __str__(self) -> str:
        return f"{self.nonconformity} {self.checked_on}"

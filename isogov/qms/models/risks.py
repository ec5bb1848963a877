"""Risks and opportunities (rủi ro và cơ hội, §6.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.catalog.models import InternalProcess, Procedure
from isogov.core.models import TimeStampedModel, VersionedModel


class RiskMatrix(TimeStampedModel):
    """An agency's likelihood × impact matrix: ``levels[likelihood-1][impact-1]`` is a level.

    Looked up, never computed from a formula string (risk.py); 5 × 5 by default.
    """

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveSmallIntegerField(_("size"), default=5)
    levels = models.JSONField(_("levels"))

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")

    def __str__(self) -> str:
        return f"{self.agency} {self.size}×{self.size}"


class RiskKind(models.TextChoices):
    RISK = "risk", _("Risk")
    OPPORTUNITY = "opportunity", _("Opportunity")


class Treatment(models.TextChoices):
    MITIGATE = "mitigate", _("Mitigate")
    ACCEPT = "accept", _("Accept")
    AVOID = "avoid", _("Avoid")
    TRANSFER = "transfer", _("Transfer")
    EXPLOIT = "exploit", _("Take the opportunity")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    PLANNED = "planned", _("Treatment planned")
    APPROVED = "approved", _("Treatment approved")
    CLOSED = "closed", _("Closed")


class Risk(VersionedModel):
    """A risk or an opportunity, with its inherent and residual levels and its treatment."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=12, choices=RiskKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    process = models.ForeignKey(
        InternalProcess, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    inherent_level = models.CharField(_("inherent level"), max_length=20)
    treatment = models.CharField(
        _("treatment"), max_length=10, choices=Treatment.choices, blank=True
    )
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_level = models.CharField(_("residual level"), max_length=20, blank=True)
    accepted_until = models.DateField(_("accepted until"), null=True, blank=True)
    review_on = models.DateField(_("next review on"))
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # What the owner approved: the assessment and plan as they stood, frozen.
    approved_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")
        ordering = ["agency", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="qms_risk_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class RiskAction(TimeStampedModel):
    """One action of a risk's treatment plan."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.description

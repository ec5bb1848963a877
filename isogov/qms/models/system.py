"""Context, scope, policy, roles and objectives of an agency's QMS (§4.1–4.3, §5.2–5.3, §6.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.catalog.models import Procedure
from isogov.core.models import TimeStampedModel, VersionedModel


class ContextIssue(TimeStampedModel):
    """An internal or external issue (vấn đề nội bộ/bên ngoài) or an interested party (§4.1–4.2)."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal issue")
        EXTERNAL = "external", _("External issue")
        PARTY = "party", _("Interested party")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    requirements = models.TextField(_("requirements or effect"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"))

    class Meta:
        verbose_name = _("context issue")
        verbose_name_plural = _("context issues")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class QmsScope(VersionedModel):
    """The QMS scope (phạm vi áp dụng, §4.3): which procedures and units it covers.

    A change of the covered procedures raises ``needs_reannouncement``: the agency re-announces
    when the scope changes (Decision 19/2014; [A] article not confirmed).
    """

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="qms_scope")
    statement = models.TextField(_("scope statement"))
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("procedures covered"), blank=True, related_name="+"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("units"), blank=True, related_name="+")
    exclusions = models.TextField(_("requirements not applicable"), blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    needs_reannouncement = models.BooleanField(_("re-announcement needed"), default=False)

    class Meta:
        verbose_name = _("QMS scope")
        verbose_name_plural = _("QMS scopes")

    def __str__(self) -> str:
        return str(self.agency)


class QualityPolicy(TimeStampedModel):
    """One version of the quality policy (chính sách chất lượng, §5.2), published when signed."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("policy"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField(_("published on"))

    class Meta:
        verbose_name = _("quality policy")
        verbose_name_plural = _("quality policies")
        ordering = ["agency", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="qms_policy_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.number}"


class SteeringMember(TimeStampedModel):
    """A member of the ISO steering committee (Ban Chỉ đạo ISO, §5.3)."""

    class Position(models.TextChoices):
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    decision = models.CharField(_("appointing decision"), max_length=100, blank=True)
    appointed_on = models.DateField(_("appointed on"))

    class Meta:
        verbose_name = _("steering committee member")
        verbose_name_plural = _("steering committee members")
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="qms_steering_once")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_position_display()}"


class QmsRecord(TimeStampedModel):
    """A lightweight record evidencing a clause (§7.1.5, 7.1.6, 7.2, 7.4, 9.1.2, 10.3…):
    a training, a communication plan, a survey, an improvement."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    clause = models.CharField(_("clause"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField(_("recorded on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("QMS record")
        verbose_name_plural = _("QMS records")
        ordering = ["clause", "-recorded_on"]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class MeasurementStatus(models.TextChoices):
    MET = "met", _("Met")
    AT_RISK = "at_risk", _("At risk")
    MISSED = "missed", _("Missed")
    NO_DATA = "no_data", _("No data")


class QualityObjective(VersionedModel):
    """A quality objective (mục tiêu chất lượng, §6.2) with its measure and target.

    ``measure_code`` names a measure of the indicators registry; without one the values are
    entered by hand. Nothing here computes a figure over dossier data.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("objective"), max_length=300)
    measure_code = models.CharField(_("measure"), max_length=64, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit measured"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        ordering = ["agency", "-year", "title"]

    def __str__(self) -> str:
        return self.title


class ObjectivePlanItem(TimeStampedModel):
    """What will be done, with what resources, by whom, when, how evaluated (§6.2.2)."""

    objective = models.ForeignKey(
        QualityObjective, on_delete=models.CASCADE, related_name="plan_items"
    )
    what = models.CharField(_("what"), max_length=300)
    resources = models.CharField(_("resources"), max_length=300, blank=True)
    who = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    evaluation = models.CharField(_("how evaluated"), max_length=300, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.what


class ObjectiveMeasurement(TimeStampedModel):
    """The objective's value for one period, read from the registry or entered by hand."""

    objective = models.ForeignKey(
        QualityObjective, on_delete=models.CASCADE, related_name="measurements"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeasurementStatus.choices)
    is_manual = models.BooleanField(_("entered by hand"), default=False)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["objective", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "period_start"], name="qms_measurement_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.objective} {self.period_start}"

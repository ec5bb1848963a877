"""The records of how a dossier was handled: its steps, the papers in custody, fees and
payments, clock stops, apologies and custody incidents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Unit

from ..uploads import get_private_storage
from .dossier import OUTCOME_CHOICES, Dossier


class StepKind(models.TextChoices):
    PROCESS = "process", _("Process step")
    REWORK = "rework", _("Sent back for rework")
    OPINION = "opinion", _("Opinion requested")


class DossierStep(models.Model):
    """One step of the internal process as it happened: who, when, due, outcome.

    No ``created_at``/``updated_at``: nothing read them, and a step's own times (received,
    due, finished) and the dossier's timeline say when it moved (issue 15 §4).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=StepKind.choices, default=StepKind.PROCESS
    )
    name = models.CharField(_("work"), max_length=500)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_label = models.CharField(_("unit or person"), max_length=300, blank=True)
    role = models.CharField(
        _("role"),
        max_length=40,
        blank=True,
        help_text=_("The role that does the step in its unit; empty: any officer of the unit."),
    )
    allowance_value = models.DecimalField(_("time allowance"), max_digits=6, decimal_places=2)
    allowance_unit = models.CharField(_("allowance unit"), max_length=20)
    is_counted = models.BooleanField(_("counted"), default=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # indexed where set only: ``dossierstep_assigned``
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finished by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    outcome = models.CharField(
        _("handling outcome"), max_length=10, choices=OUTCOME_CHOICES, blank=True
    )
    late_by_seconds = models.BigIntegerField(_("late by (working seconds)"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "order", "id"]
        indexes = [
            # The steps of an officer (``assignee = X``, as deleting a user checks): most steps
            # are never assigned, so the index holds the assigned ones only (issue 15 §4).
            models.Index(
                fields=["assignee"],
                condition=models.Q(assignee__isnull=False),
                name="dossierstep_assigned",
            ),
            # "My work" lists the opinions still awaited without reading every step.
            models.Index(
                fields=["unit", "due_at"],
                condition=models.Q(kind="opinion", finished_at__isnull=True),
                name="dossierstep_open_opinion",
            ),
            # The units ranked by their steps (docs/indicators.md): today's steps finished per
            # unit, and the steps open now, each read from its own small index (the outcome and
            # the due time in it), not from the millions of steps of the history.
            models.Index(
                fields=["unit", "finished_at", "outcome"],
                condition=models.Q(
                    finished_at__isnull=False, is_counted=True, received_at__isnull=False
                ),
                name="dossierstep_unit_finished",
            ),
            models.Index(
                fields=["unit", "due_at", "dossier"],
                condition=models.Q(
                    finished_at__isnull=True, is_counted=True, received_at__isnull=False
                ),
                name="dossierstep_unit_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierPaper(models.Model):
    """A paper the applicant submitted, held in custody (ISO 9001 §8.5.3) until returned."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    name = models.CharField(_("paper"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    scan = models.FileField(
        _("scan"),
        upload_to="dossiers/papers/",
        storage=get_private_storage,
        max_length=200,
        blank=True,
    )
    # The applicant's file name of an uploaded paper (display only) and when it came online
    # (at submission, or with an online supplement).
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    originals_returned_at = models.DateTimeField(_("originals returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submitted paper")
        verbose_name_plural = _("submitted papers")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class DossierFee(models.Model):
    """A fee due for the dossier, pinned from the procedure's channel at intake."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("fee"), max_length=300)
    amount_vnd = models.BigIntegerField(_("amount (đồng)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")


class Payment(models.Model):
    """A fee payment with its receipt number."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="payments")
    amount_vnd = models.BigIntegerField(_("amount (đồng)"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    receipt_number = models.CharField(_("receipt number"), max_length=100)
    paid_at = models.DateTimeField(_("paid at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "paid_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return self.receipt_number


class ClockStop(models.Model):
    """The clock stopped: a supplement request (form 02) until the full dossier arrived."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="clock_stops")
    started_at = models.DateTimeField(_("stopped at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    items = models.JSONField(_("papers to supplement"), default=list, blank=True)
    received_items = models.JSONField(_("papers received"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.started_at:%d/%m/%Y}"


class Extension(models.Model):
    """An apology with a new appointment (form 04), at most once per dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="extensions")
    previous_due_at = models.DateTimeField(_("previous appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"))
    # The apology (form 04) is numbered in the agency's register of outgoing documents.
    outgoing_number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    outgoing_symbol = models.CharField(_("symbol"), max_length=50, blank=True)

    class Meta:
        ordering = ["dossier", "created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.new_due_at:%d/%m/%Y}"

    @property
    def outgoing_label(self) -> str:
        """The number and symbol as printed: "13/PXL-STTTT" (empty if none)."""
        return f"{self.outgoing_number}/{self.outgoing_symbol}" if self.outgoing_number else ""


class IncidentKind(models.TextChoices):
    LOSS = "loss", _("Lost")
    DAMAGE = "damage", _("Damaged")
    ERROR = "error", _("Error in the result")


class CustodyIncident(models.Model):
    """Loss, damage or an error affecting the applicant's papers or result (§8.5.3)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="incidents")
    paper = models.ForeignKey(
        DossierPaper, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    description = models.TextField(_("description"))
    occurred_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "occurred_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"

"""Dossiers (hồ sơ) at the one-stop desk and the records that prove how each was handled."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.audit.models import AuditEvent
from isogov.catalog.models import ProcedureChannel, ProcedureVersion
from isogov.core.models import TimeStampedModel, VersionedModel

from .codes import short_reference
from .deadlines import Outcome
from .transitions import NATIONAL_CODE, OPEN_STATUSES, Status
from .uploads import get_private_storage

STATUS_CHOICES = [
    (Status.SUBMITTED_ONLINE.value, _("Submitted online")),
    (Status.INCOMPLETE_AT_INTAKE.value, _("Incomplete at intake")),
    (Status.NOT_RECEIVED.value, _("Not received")),
    (Status.RECEIVED.value, _("Received")),
    (Status.IN_PROCESS.value, _("In process")),
    (Status.SUPPLEMENT_REQUESTED.value, _("Supplement requested")),
    (Status.PAYMENT_REQUESTED.value, _("Payment requested")),
    (Status.WITHDRAWAL_REQUESTED.value, _("Withdrawal requested")),
    (Status.STOPPED.value, _("Stopped")),
    (Status.REFUSED.value, _("Refused")),
    (Status.FINISHED.value, _("Finished, result ready")),
    (Status.RETURNED.value, _("Result returned")),
]
OUTCOME_CHOICES = [
    (Outcome.EARLY.value, _("Early")),
    (Outcome.ON_TIME.value, _("On time")),
    (Outcome.LATE.value, _("Late")),
]


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class ReturnMethod(models.TextChoices):
    AT_DESK = "at_desk", _("At the desk")
    POSTAL = "postal", _("By post")
    ONLINE = "online", _("Online")


def new_access_token() -> str:
    """An unguessable token (144 random bits) for the applicant's links: the QR code on the
    receipt, the lookup, the uploaded papers, the e-result and the rating (issue 12)."""
    return secrets.token_urlsafe(18)


class Dossier(VersionedModel):
    """A dossier (hồ sơ thủ tục hành chính) of one procedure version and one channel.

    The procedure version, the channel's legal time and the fees are pinned at intake, so later
    catalogue changes never rewrite history. Deadline facts (receipt, clock stops, apology) are
    stored; ``start_counted_at``, ``due_at`` and ``promised_due_at`` are derived from them by
    ``deadlines.compute_deadline`` and cached here.
    """

    code = models.CharField(
        _("dossier code"),
        max_length=64,
        unique=True,
        help_text=_(
            "Given at receipt, with the receipt date (Circular 01/2018 art. 19); before receipt "
            "(an online submission) or for a visit not received, the reference."
        ),
    )
    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_(
            "The number given before receipt: the slip of a visit refused or returned at intake, "
            "or an online submission's tracking number (kept after the code is given)."
        ),
    )
    # Indexed by the (agency, status) index below, of which it is the first column.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.ForeignKey(
        ProcedureChannel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+"
    )
    # Pinned copies: what the applicant was told at intake.
    procedure_code = models.CharField(_("procedure code"), max_length=64)
    procedure_name = models.CharField(_("procedure"), max_length=500)
    channel_kind = models.CharField(_("channel"), max_length=20)
    time_value = models.DecimalField(_("legal time"), max_digits=8, decimal_places=2)
    time_unit = models.CharField(_("time unit"), max_length=20)
    ruleset = models.CharField(_("rule set"), max_length=20)

    applicant_kind = models.CharField(
        _("applicant is"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.INDIVIDUAL,
    )
    applicant_name = models.CharField(_("applicant"), max_length=300)
    applicant_id_number = models.CharField(_("ID or tax number"), max_length=50, blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=50, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(_("representative"), max_length=300, blank=True)
    request_summary = models.TextField(_("request"), blank=True)
    sets_count = models.PositiveSmallIntegerField(_("number of sets"), default=1)

    status = models.CharField(_("status"), max_length=30, choices=STATUS_CHOICES)
    submitted_at = models.DateTimeField(_("submitted online at"), null=True, blank=True)
    intake_due_at = models.DateTimeField(
        _("accept or return the online submission by"), null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # No index on the officers (received, approved, finished, acted): nothing looks dossiers,
    # steps or events up by them but the check before deleting a user (issue 15 §4).
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    is_backdated = models.BooleanField(_("registered after the fact"), default=False)
    handling_unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_step = models.ForeignKey(
        "DossierStep",
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    start_counted_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("legal appointment"), null=True, blank=True, db_index=True)
    promised_due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    service_due_at = models.DateTimeField(_("agency's own promise"), null=True, blank=True)
    # The agency's promised time, pinned at intake like the legal time (catalog AgencyProcedure).
    service_time_value = models.DecimalField(
        _("agency's promised time"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    service_time_unit = models.CharField(_("promised time unit"), max_length=20, blank=True)
    waiting_seconds = models.BigIntegerField(_("time waiting for the applicant"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    appointment_moves = models.PositiveSmallIntegerField(_("appointment moves"), default=0)

    finished_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    return_method = models.CharField(
        _("returned"), max_length=20, choices=ReturnMethod.choices, blank=True
    )
    # Who collected the result and how it can be proved (ISO 9001 §8.5.3, §8.6).
    result_collector_name = models.CharField(_("result collected by"), max_length=200, blank=True)
    result_collector_id_number = models.CharField(
        _("collector's ID number"), max_length=20, blank=True
    )
    result_tracking_number = models.CharField(
        _("postal tracking number"), max_length=100, blank=True
    )
    outcome = models.CharField(
        _("handling outcome"), max_length=10, choices=OUTCOME_CHOICES, blank=True
    )
    late_by_seconds = models.BigIntegerField(_("late by (working seconds)"), default=0)

    result_number = models.CharField(_("result number"), max_length=100, blank=True)
    result_summary = models.CharField(_("result"), max_length=500, blank=True)
    result_signer = models.CharField(_("signed by"), max_length=200, blank=True)
    # Served only through views that check who asks (never a /media/ URL): uploads.py.
    result_file = models.FileField(
        _("result file"),
        upload_to="dossiers/results/",
        storage=get_private_storage,
        max_length=200,
        blank=True,
    )
    result_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("result approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    result_approved_at = models.DateTimeField(_("result approved at"), null=True, blank=True)
    register_line = models.PositiveIntegerField(_("register line"), null=True, blank=True)
    # The stop notice (Circular 03/2025 form 05) is numbered in the agency's register of
    # outgoing documents for the year.
    stop_number = models.PositiveIntegerField(_("stop notice number"), null=True, blank=True)
    stop_symbol = models.CharField(_("stop notice symbol"), max_length=50, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    # Searched through their own indexes (dossiers/search.py): the last nine digits of the phone
    # and the digits of the ID or tax number.
    applicant_phone_key = models.CharField(max_length=9, editable=False, blank=True, default="")
    applicant_id_key = models.CharField(max_length=50, editable=False, blank=True, default="")
    access_token = models.CharField(
        _("applicant's access token"),
        max_length=32,
        unique=True,
        default=new_access_token,
        editable=False,
        help_text=_(
            "Carried by the applicant's links (the receipt's QR code): it shows this dossier "
            "and nothing else, without the applicant's phone number."
        ),
    )
    # The one-time satisfaction rating link (Decree 61/2018 art. 31), printed on the receipt
    # and sent with the result; ``feedback`` spends it (docs/decisions/0011-feedback.md).
    rating_token = models.CharField(
        max_length=32, null=True, blank=True, unique=True, editable=False
    )

    # An external dossier (docs/integrations.md, ISO-layer mode): imported from the system of
    # record (the provincial one-stop system), read-only here, keyed by its source and code.
    # Empty for isogov's own dossiers.
    source = models.CharField(_("source system"), max_length=64, blank=True, default="")
    external_code = models.CharField(
        _("code in the source system"), max_length=64, blank=True, default=""
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["agency", "due_at"]),
            # Indicators over a period (isogov/indicators/queries.py) read the dossiers received
            # in it, those ended in it and those still open, each through one of these. Partial,
            # so that a lookup by code (ordered by receipt, with no condition on these columns)
            # keeps using the code and reference indexes.
            models.Index(
                fields=["agency", "received_at"],
                condition=models.Q(received_at__isnull=False),
                name="dossier_agency_received",
            ),
            models.Index(
                fields=["agency", "finished_at"],
                condition=models.Q(finished_at__isnull=False),
                name="dossier_agency_finished",
            ),
            models.Index(
                fields=["agency", "received_at"],
                condition=models.Q(finished_at__isnull=True),
                name="dossier_agency_open",
            ),
            # The officer's queue reads the open dossiers, a few per cent of them, without the
            # million finished ones that the (agency, status) statistics average over
            # (docs/benchmarks.md, "Officer queue").
            models.Index(
                fields=["agency", "status"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_by_status",
            ),
            models.Index(fields=["applicant_phone_key"], name="dossier_phone_key"),
            models.Index(fields=["applicant_id_key"], name="dossier_id_key"),
            # The hourly closure of unanswered supplement requests (tasks.py) reads only the
            # dossiers waiting for a supplement, a few among a million, not every dossier.
            models.Index(
                fields=["id"],
                condition=models.Q(status=Status.SUPPLEMENT_REQUESTED.value),
                name="dossier_awaiting_supplement",
            ),
        ]
        permissions = [
            ("register_backdated", _("Can register back-dated postal or migrated dossiers")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference=""),
                name="dossier_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["source", "external_code"],
                condition=~models.Q(source=""),
                name="dossier_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def stop_label(self) -> str:
        """The stop notice's number and symbol as printed: "12/TB-STTTT" (empty if none)."""
        return f"{self.stop_number}/{self.stop_symbol}" if self.stop_number else ""

    @property
    def slip_number(self) -> str:
        """The number printed on a slip (form 02/03) of a visit not received: "PT-2026-0001"."""
        return short_reference(self.reference) if self.reference else ""

    @property
    def is_external(self) -> bool:
        """Imported from its system of record: nothing is done to it here."""
        return bool(self.source)

    @property
    def national_status(self) -> int:
        return NATIONAL_CODE[Status(self.status)]


class StepKind(models.TextChoices):
    PROCESS = "process", _("Process step")
    REWORK = "rework", _("Sent back for rework")
    OPINION = "opinion", _("Opinion requested")


class DossierStep(TimeStampedModel):
    """One step of the internal process as it happened: who, when, due, outcome."""

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
            # "My work" lists the opinions still awaited without reading every step.
            models.Index(
                fields=["unit", "due_at"],
                condition=models.Q(kind="opinion", finished_at__isnull=True),
                name="dossierstep_open_opinion",
            )
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


class DossierEventManager(models.Manager["DossierEvent"]):
    def get_queryset(self) -> models.QuerySet[DossierEvent]:
        # The message and the data of most events are read from their audit event.
        return super().get_queryset().select_related("audit_event")


class DossierEvent(models.Model):
    """A line of the dossier's timeline (what happened, who, when, why).

    The message and the data of an event written by the services are not stored twice: they
    are the reason and the ``after`` (less its status) of the event's audit event, which the
    hash chain covers, and ``message`` and ``data`` read them from there. An event without an
    audit event of its own (the demo generator's, an external dossier's, one whose reason
    differs from its message) keeps them in its own columns.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=50)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    own_message = models.TextField(_("message"), blank=True, db_column="message")
    own_data = models.JSONField(default=dict, blank=True, db_column="data")
    # Audit events are never deleted (their table refuses it), so no constraint and no index:
    # the event is only ever read from here.
    audit_event = models.ForeignKey(
        AuditEvent,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    objects = DossierEventManager()

    class Meta:
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"

    @property
    def message(self) -> str:
        if self.audit_event_id is None:
            return self.own_message
        return self.audit_event.reason if self.audit_event else ""

    @message.setter
    def message(self, value: str) -> None:
        self.own_message = value

    @property
    def data(self) -> dict[str, Any]:
        if self.audit_event_id is None:
            return self.own_data
        after = (self.audit_event.after if self.audit_event else None) or {}
        return {key: value for key, value in after.items() if key != "status"}

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self.own_data = value


class DossierCounter(models.Model):
    """The last number given in one series of an agency: a day's dossier codes, a year's
    register lines, outgoing documents, slips or online submissions."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # "day:YYYY-MM-DD" (dossier codes), "register:YYYY", "outgoing:YYYY" (outgoing documents),
    # "slip:YYYY" and "online:YYYY" (references before receipt).
    scope = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "scope"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.scope} {self.last}"


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

"""The dossier (hồ sơ) itself: its statuses, applicant kinds, return methods and numbering."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.catalog.models import ProcedureChannel, ProcedureVersion
from isogov.core.models import VersionedModel

from ..codes import short_reference
from ..deadlines import Outcome
from ..transitions import NATIONAL_CODE, OPEN_STATUSES, Status
from ..uploads import get_private_storage

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
# A status's label by its value, built once (``Dossier.get_status_display``, the timeline).
STATUS_LABELS = dict(STATUS_CHOICES)
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
    # Not indexed alone: the overdue lists read it from ``dossier_open_due`` (issue 15 §4).
    due_at = models.DateTimeField(_("legal appointment"), null=True, blank=True)
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
    # When the dossier stopped (its first event into "stopped"), written with that event by the
    # services: the end of a stopped dossier's handling (indicators.md A 2.1, a withdrawal is an
    # end), read by the indicators without looking up its events.
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            # Indicators over a period (isogov/indicators/queries.py) read the dossiers received
            # in it, those ended in it and those still open, each through one of these. Partial,
            # so that a lookup by code (ordered by receipt, with no condition on these columns)
            # keeps using the code and reference indexes. The register line in the first one
            # lets the register page count a month and choose its page of lines from the index
            # alone (register.py), not from the table.
            models.Index(
                fields=["agency", "received_at", "register_line"],
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
            # The indicators' unfinished dossiers received before a period (queries._parts):
            # those never stopped, and those stopped since the period began, each apart from
            # the many stopped long ago.
            models.Index(
                fields=["agency", "received_at"],
                condition=models.Q(finished_at__isnull=True, stopped_at__isnull=True),
                name="dossier_agency_live",
            ),
            models.Index(
                fields=["agency", "stopped_at"],
                condition=models.Q(stopped_at__isnull=False),
                name="dossier_agency_stopped",
            ),
            # The register page's month in full (register.py): returned and late are counted as
            # the month's receipts minus those not returned, and those late, each read from its
            # own small index instead of every row of the month from the table.
            models.Index(
                fields=["agency", "received_at", "register_line"],
                condition=models.Q(returned_at__isnull=True),
                name="dossier_register_unreturned",
            ),
            models.Index(
                fields=["agency", "received_at", "register_line"],
                condition=models.Q(outcome="late"),
                name="dossier_register_late",
            ),
            # The officer's queue reads the open dossiers, a few per cent of them, without the
            # million finished ones that the (agency, status) statistics average over
            # (docs/benchmarks.md, "Officer queue").
            models.Index(
                fields=["agency", "status"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_by_status",
            ),
            # The leader's overdue list (listing.overdue_rows): only the open dossiers past
            # their appointment (per open status, those before now), not every open dossier;
            # the few whose appointment an apology moved by that moved appointment.
            models.Index(
                fields=["agency", "status", "due_at"],
                condition=models.Q(status__in=OPEN_STATUSES, finished_at__isnull=True),
                name="dossier_open_due",
            ),
            models.Index(
                fields=["agency", "status", "promised_due_at"],
                condition=models.Q(
                    status__in=OPEN_STATUSES, finished_at__isnull=True, appointment_moves__gt=0
                ),
                name="dossier_open_moved_due",
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

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # Django's, replaced
        """The status's label from ``STATUS_LABELS`` (Django's own builds the choices'
        dictionary again on every call; a page of 200 dossiers, an export of thousands felt it).
        Defined here, Django does not add its own."""
        return str(STATUS_LABELS.get(self.status, self.status))

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


class DossierCounter(models.Model):
    """The last number given in one series of an agency: a day's dossier codes, a year's
    register lines, outgoing documents, slips or online submissions."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # "day:YYYY-MM-DD" (dossier codes), "register:YYYY", "outgoing:YYYY" (outgoing documents),
    # "slip:YYYY" and "online:YYYY" (references before receipt), "register-moves:YYYY".
    scope = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "scope"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.scope} {self.last}"

    @staticmethod
    def register_scope(year: int) -> str:
        """The year's register lines: one per received dossier, taken as it is stored, so the
        year's register holds exactly this many dossiers (``register_months`` relies on it)."""
        return f"register:{year}"

    @staticmethod
    def register_moves_scope(year: int) -> str:
        """How many received dossiers an import moved out of or into one of the year's months."""
        return f"register-moves:{year}"

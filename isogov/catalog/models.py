"""The procedure catalogue: procedures, their effective-dated versions and internal processes.

A ``Procedure`` is the stable identity of an administrative procedure (thủ tục hành chính);
everything the law says about it lives on a ``ProcedureVersion``. A published version never
changes: a change is a new version with its own effective dates, so a dossier pinned to a
version keeps the rules it was received under.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit, User
from isogov.accounts.roles import Role
from isogov.core.models import TimeStampedModel, VersionedModel
from isogov.workcal.engine import Unit as TimeUnit

from .transitions import VersionStatus


class TimeUnitChoice(models.TextChoices):
    """The units a legal time is counted in (values of ``workcal.engine.Unit``)."""

    WORKING_DAYS = TimeUnit.WORKING_DAYS.value, _("working days")
    WORKING_HOURS = TimeUnit.WORKING_HOURS.value, _("working hours")
    CALENDAR_DAYS = TimeUnit.CALENDAR_DAYS.value, _("calendar days")
    SAME_DAY = TimeUnit.SAME_DAY.value, _("same day")


class AllowanceUnit(models.TextChoices):
    WORKING_DAYS = TimeUnit.WORKING_DAYS.value, _("working days")
    WORKING_HOURS = TimeUnit.WORKING_HOURS.value, _("working hours")


class ProcedureLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    MULTIPLE = "multiple", _("Several levels")


class ChannelKind(models.TextChoices):
    """Cách thức thực hiện: how an applicant may submit a dossier."""

    IN_PERSON = "in_person", _("In person")
    POSTAL = "postal", _("By post")
    ONLINE_PARTIAL = "online_partial", _("Online (partly)")
    ONLINE_FULL = "online_full", _("Online (fully)")


class OnlineLevel(models.TextChoices):
    """Mức độ dịch vụ công trực tuyến: toàn trình (fully) or một phần (partly)."""

    NONE = "none", _("Not online")
    PARTIAL = "partial", _("Partly online")
    FULL = "full", _("Fully online")


class Sector(TimeStampedModel):
    """A sector (lĩnh vực) that groups procedures, e.g. "Báo chí"."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """An administrative procedure (thủ tục hành chính): the identity every version shares.

    ``code`` is the national code (mã thủ tục, e.g. ``1.009374``), with a local suffix when a
    province publishes its own variant (``1.009374.H26``).
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    national_code = models.CharField(_("national procedure code"), max_length=32, db_index=True)
    local_suffix = models.CharField(_("local suffix"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ProcedureLevel.choices)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures"
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(VersionedModel):
    """One effective-dated version of a procedure with every component of its record.

    ``number`` counts versions of the procedure; ``version`` (inherited) guards concurrent
    edits of a draft. ``effective_to`` is the last day the version is in force.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    decision_number = models.CharField(_("publication decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("publication decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("publication decision issuer"), max_length=300, blank=True)
    steps_text = models.TextField(_("steps"), blank=True)
    applicants = models.TextField(_("who may apply"), blank=True)
    authority = models.CharField(_("competent authority"), max_length=500, blank=True)
    receiving_address = models.CharField(_("receiving address"), max_length=500, blank=True)
    delegated_agency = models.CharField(_("delegated agency"), max_length=500, blank=True)
    coordinating_agencies = models.CharField(_("coordinating agencies"), max_length=500, blank=True)
    result = models.TextField(_("result"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    online_level = models.CharField(
        _("online level"), max_length=20, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    related_codes = models.JSONField(_("related procedures"), default=list, blank=True)
    description = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="procedure_version_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(effective_from__isnull=False),
                name="procedure_version_published_has_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_from", "effective_to"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class ProcedureChannel(models.Model):
    """One way to submit (cách thức thực hiện) with its own legal processing time."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="channels",
    )
    kind = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    time_value = models.DecimalField(_("processing time"), max_digits=8, decimal_places=2)
    time_unit = models.CharField(_("time unit"), max_length=20, choices=TimeUnitChoice.choices)
    time_note = models.CharField(_("time note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="channel_kind_unique"),
            models.CheckConstraint(condition=Q(time_value__gte=0), name="channel_time_positive"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class FeeItem(models.Model):
    """A fee or charge (phí, lệ phí). No amount means "theo quy định" (see the note)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fees"
    )
    channel = models.ForeignKey(
        ProcedureChannel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fees",
        help_text=_("Empty: the fee applies to every channel."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    amount_vnd = models.BigIntegerField(_("amount (đồng)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["version", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__isnull=True) | Q(amount_vnd__gte=0),
                name="fee_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Paper(models.Model):
    """A paper of the dossier (thành phần hồ sơ) with its form template."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="papers",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    template = models.FileField(_("form template"), upload_to="catalog/templates/", blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    is_required = models.BooleanField(_("required"), default=True)
    condition = models.CharField(_("condition"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.Model):
    """A legal text the procedure rests on (căn cứ pháp lý)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="legal_bases",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number"), max_length=100)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.number


class InternalProcess(TimeStampedModel):
    """An internal process (quy trình nội bộ): a controlled ISO document.

    Similar procedures may share one process (Circular 26/2014 art. 41.6), hence ``versions``.
    """

    code = models.CharField(_("code"), max_length=100)
    issue_number = models.PositiveSmallIntegerField(_("issue number"), default=1)
    title = models.CharField(_("title"), max_length=500)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Generated for the demo; not a process an agency has approved."),
    )
    versions = models.ManyToManyField(
        ProcedureVersion,
        verbose_name=_("procedure versions"),
        related_name="processes",
        blank=True,
    )

    class Meta:
        verbose_name = _("internal process")
        verbose_name_plural = _("internal processes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ProcessStep(models.Model):
    """One step of an internal process with its time allowance."""

    process = models.ForeignKey(
        InternalProcess,
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("work"), max_length=500)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_label = models.CharField(_("unit or person"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    allowance_value = models.DecimalField(_("time allowance"), max_digits=6, decimal_places=2)
    allowance_unit = models.CharField(
        _("allowance unit"),
        max_length=20,
        choices=AllowanceUnit.choices,
        default=AllowanceUnit.WORKING_DAYS,
    )
    result_form = models.CharField(_("form or result"), max_length=300, blank=True)
    is_counted = models.BooleanField(
        _("counted"),
        default=True,
        help_text=_("The return step is not counted in the legal time."),
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="process_step_order_unique"),
            models.CheckConstraint(
                condition=Q(allowance_value__gte=0), name="process_step_allowance_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class AgencyProcedure(TimeStampedModel):
    """Which agency (and unit) carries out a procedure in this deployment."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="procedures"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="agencies"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The agency's own promise (cam kết rút ngắn thời gian giải quyết): a dossier gets it as
    # ``service_due_at`` when it falls before the legal appointment.
    promise_value = models.DecimalField(
        _("promised time"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The agency's own time, shorter than the legal one (optional)."),
    )
    promise_unit = models.CharField(
        _("promised time unit"),
        max_length=20,
        choices=AllowanceUnit.choices,
        default=AllowanceUnit.WORKING_DAYS,
    )

    class Meta:
        verbose_name = _("agency procedure")
        verbose_name_plural = _("agency procedures")
        constraints = [
            models.UniqueConstraint(fields=["agency", "procedure"], name="agency_procedure_unique"),
            models.CheckConstraint(
                condition=Q(promise_value__isnull=True) | Q(promise_value__gt=0),
                name="agency_procedure_promise_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} – {self.procedure.code}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("Keep")
    SIMPLIFY = "simplify", _("Simplify")
    ABOLISH = "abolish", _("Abolish")


class FindingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")


class ReviewCampaign(TimeStampedModel):
    """A procedure review campaign (đợt rà soát, đánh giá thủ tục hành chính)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="reviews"
    )
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


class ReviewFinding(TimeStampedModel):
    """The finding of a review for one procedure: keep, simplify or abolish it."""

    campaign = models.ForeignKey(
        ReviewCampaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="findings"
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReviewOutcome.choices, default=ReviewOutcome.KEEP
    )
    proposal = models.TextField(_("proposal"), blank=True)
    saved_days = models.DecimalField(_("days saved"), max_digits=8, decimal_places=2, default=0)
    saved_papers = models.PositiveSmallIntegerField(_("papers saved"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.PENDING
    )
    reviewer = models.ForeignKey(
        User,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        ordering = ["campaign", "procedure__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "procedure"], name="review_finding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.procedure}"


class IssuerLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    MINISTRY = "ministry", _("Ministry")


class LegalChange(TimeStampedModel):
    """A new legal text to watch: the procedures it affects must be republished and the
    internal processes updated in time."""

    number = models.CharField(_("number"), max_length=100)
    summary = models.CharField(_("summary"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("takes effect on"))
    publisher_level = models.CharField(
        _("publishing level"),
        max_length=20,
        choices=IssuerLevel.choices,
        default=IssuerLevel.PROVINCE,
    )
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("affected procedures"), related_name="legal_changes", blank=True
    )
    published_on = models.DateField(_("procedures published on"), null=True, blank=True)
    iso_updated_on = models.DateField(_("ISO processes updated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal change")
        verbose_name_plural = _("legal changes")
        ordering = ["effective_on"]

    def __str__(self) -> str:
        return self.number


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    CHECKING = "checking", _("Checking")
    STORING = "storing", _("Storing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing imported")


class ImportJob(TimeStampedModel):
    """A catalogue import run by the background worker, with its progress for the page."""

    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="catalog/imports/")
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    messages = models.JSONField(_("problems"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


class CatalogStamp(models.Model):
    """One row whose ``value`` the database replaces on every change to what an intake reads.

    Written only by triggers (migration 0004, ``isogov.catalog.intake``); keys the in-memory
    intake plans of every process.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("catalogue stamp")
        verbose_name_plural = _("catalogue stamps")

    def __str__(self) -> str:
        return self.value

"""Documented information (thông tin dạng văn bản, ISO 9001:2015 §7.5).

``qms`` owns document control: revisions, review, approval, publication, distribution and read
acknowledgements. A procedure's internal process in ``catalog`` is the *content* of a controlled
process document here; its revision is the process version (docs/decisions/0008-qms-boundaries.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit
from isogov.catalog.models import InternalProcess
from isogov.core.models import TimeStampedModel, VersionedModel

from ..transitions import RevisionStatus


class DocumentType(models.TextChoices):
    POLICY = "policy", _("Policy")
    MANUAL = "manual", _("Manual")
    PROCESS = "process", _("Process")
    INSTRUCTION = "instruction", _("Work instruction")
    FORM = "form", _("Form")
    RECORD_TEMPLATE = "record_template", _("Record template")
    EXTERNAL = "external", _("External document (laws, standards)")


class ControlledDocument(VersionedModel):
    """A controlled document (tài liệu được kiểm soát): its identity across revisions."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="qms_documents"
    )
    code = models.CharField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.TextField(_("scope"), blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("retention of its records (years)"), default=5
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("periodic review every (months)"), default=12
    )
    next_review_on = models.DateField(_("next review due on"), null=True, blank=True)
    internal_process = models.ForeignKey(
        InternalProcess,
        verbose_name=_("internal process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qms_documents",
        help_text=_("For a process document: the catalogue's process whose content it controls."),
    )

    class Meta:
        verbose_name = _("controlled document")
        verbose_name_plural = _("controlled documents")
        ordering = ["agency", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="qms_document_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class DocumentRevision(VersionedModel):
    """One revision (lần ban hành) of a document, from draft to obsolete.

    A change of scope, owner or applicability is a new revision too, not only a change of text.
    """

    document = models.ForeignKey(
        ControlledDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveSmallIntegerField(_("issue number"))
    status = models.CharField(
        _("status"), max_length=20, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    scope = models.TextField(_("scope"), blank=True)
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.TextField(_("content"), blank=True)
    change_summary = models.TextField(_("change summary"))
    # For a process document: the catalogue process as it stood when the revision was drafted.
    process_snapshot = models.JSONField(_("process content"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent for review at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    obsolete_at = models.DateTimeField(_("obsolete since"), null=True, blank=True)
    pdf = models.FileField(_("frozen PDF"), upload_to="qms/revisions/", blank=True)
    attachment = models.FileField(
        _("attachment (Word or PDF)"), upload_to="qms/attachments/", blank=True
    )
    distributed_units = models.ManyToManyField(
        Unit, verbose_name=_("distributed to"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document revision")
        verbose_name_plural = _("document revisions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="qms_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.code} – {self.number:02d}"


class ReadAcknowledgement(TimeStampedModel):
    """A staff member confirms having read a published revision (xác nhận đã đọc)."""

    revision = models.ForeignKey(
        DocumentRevision, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("read acknowledgement")
        verbose_name_plural = _("read acknowledgements")
        constraints = [models.UniqueConstraint(fields=["revision", "user"], name="qms_read_once")]

    def __str__(self) -> str:
        return f"{self.revision} – {self.user}"

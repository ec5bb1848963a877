"""Ratings of returned dossiers and feedback items (phản ánh, kiến nghị), with their settings.

Decree 61/2018/NĐ-CP art. 31 lists what citizens rate; Decision 766/QĐ-TTg indicators 5.1–5.4
(indicators.md A) read these rows through ``selectors``.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit, User
from isogov.core.models import TimeStampedModel, VersionedModel
from isogov.dossiers.models import Dossier

from .transitions import FeedbackStatus


def new_token() -> str:
    """An unguessable token (144 random bits) for a citizen's link."""
    return secrets.token_urlsafe(18)


class FeedbackSetting(models.Model):
    """A handling deadline (working days), in force from a date.

    Decision 766/QĐ-TTg indicator 5.2 (indicators.md A): refuse ≤ 2, request more information
    ≤ 5, answer ≤ 15, publish ≤ 2 working days. Like the indicator settings, the value in force
    on a day is the latest one whose ``effective_from`` is on or before it.
    """

    key = models.CharField(_("key"), max_length=80)
    effective_from = models.DateField(_("effective from"))
    value = models.PositiveSmallIntegerField(_("working days"))
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    is_assumption = models.BooleanField(_("assumption"), default=False)

    class Meta:
        verbose_name = _("feedback setting")
        verbose_name_plural = _("feedback settings")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="feedback_setting_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from:%d/%m/%Y})"


class FeedbackKind(models.TextChoices):
    """How the agency classifies an item (indicator 5.1)."""

    PROCEDURE = "procedure", _("About a procedure or a policy")
    CONDUCT = "conduct", _("About an officer's conduct")


class FeedbackSource(models.TextChoices):
    PUBLIC = "public", _("Sent on the public site")
    RATING = "rating", _("A dissatisfied rating")
    KIOSK = "kiosk", _("A dissatisfied rating at the counter")


class AnswerRating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied with the answer")
    DISSATISFIED = "dissatisfied", _("Not satisfied with the answer")


class FeedbackItem(VersionedModel):
    """A feedback item, petition or complaint (phản ánh, kiến nghị) about an agency's work.

    Deadline facts are stored (``received_at``, ``info_supplied_at``, ``answered_at``); the due
    times are derived from them with the working calendar and the settings in force on the day
    of receipt, and cached here (``services._set_due``).
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dossier_code = models.CharField(_("dossier code"), max_length=64, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=FeedbackSource.choices, default=FeedbackSource.PUBLIC
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.RECEIVED,
    )
    title = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"))
    submitter_name = models.CharField(_("your name"), max_length=200)
    submitter_phone = models.CharField(_("phone"), max_length=50, blank=True)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    consent_publish = models.BooleanField(_("the answer may be published"), default=False)
    received_at = models.DateTimeField(_("received at"))
    # Classification and routing (indicator 5.1).
    kind = models.CharField(
        _("classification"), max_length=10, choices=FeedbackKind.choices, blank=True
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    officer = models.ForeignKey(
        User,
        verbose_name=_("officer concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_repeat = models.BooleanField(
        _("repeated"),
        default=False,
        help_text=_("The same matter sent again after it was answered (indicator 5.3)."),
    )
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    # Refusal, request for more information, answer, publication (indicator 5.2).
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refuse_reason = models.TextField(_("reason for refusal"), blank=True)
    info_requested_at = models.DateTimeField(_("information requested at"), null=True, blank=True)
    info_request = models.TextField(_("information requested"), blank=True)
    info_supplied_at = models.DateTimeField(_("information supplied at"), null=True, blank=True)
    info_supplied = models.TextField(_("information supplied"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    answer_rating = models.CharField(
        _("rating of the answer"), max_length=15, choices=AnswerRating.choices, blank=True
    )
    answer_rated_at = models.DateTimeField(_("answer rated at"), null=True, blank=True)
    # Derived from the facts above (services._set_due).
    refuse_due_at = models.DateTimeField(_("refuse by"))
    info_due_at = models.DateTimeField(_("request information by"))
    answer_due_at = models.DateTimeField(_("answer by"))
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["agency", "received_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Satisfaction(models.TextChoices):
    """The four levels of the overall rating and of each rated criterion."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class TimeRating(models.TextChoices):
    """Decree 61/2018 art. 31.1.a; Circular 01/2018 art. 13 indicator 1."""

    EARLIER = "earlier", _("Earlier than the appointment")
    ON_TIME = "on_time", _("On the appointment")
    LATER = "later", _("Later than the appointment")


class CountRating(models.TextChoices):
    """Decree 61/2018 art. 31.1.b and c; Circular 01/2018 art. 13 indicators 3 and 4."""

    NONE = "none", _("None")
    ONE = "one", _("One")
    MORE = "more", _("More than one")


class RatingChannel(models.TextChoices):
    TOKEN = "token", _("The applicant's link")
    # A tablet at the counter, run by the officer being rated: lower trust in the figures.
    KIOSK = "kiosk", _("Counter tablet (lower trust)")


class Rating(TimeStampedModel):
    """A satisfaction rating (phiếu đánh giá) of a dossier's handling or of a desk officer.

    One per dossier through the dossier's one-time token (``Dossier.rating_token``, issued
    with the receipt, usable once the result has been returned; the row is made by the
    invitation or by the rating itself); any number from the counter tablet. The criteria are
    those of Decree 61/2018 art. 31.1 a–i.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    officer = models.ForeignKey(
        User,
        verbose_name=_("officer rated"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded on the tablet of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    overall = models.CharField(
        _("overall"), max_length=15, choices=Satisfaction.choices, blank=True
    )
    time_vs_legal = models.CharField(
        _("time of the result"), max_length=10, choices=TimeRating.choices, blank=True
    )
    agencies_contacted = models.CharField(
        _("other agencies contacted"), max_length=10, choices=CountRating.choices, blank=True
    )
    contacts_needed = models.CharField(
        _("extra contacts to complete the dossier"),
        max_length=10,
        choices=CountRating.choices,
        blank=True,
    )
    information = models.CharField(
        _("published information"), max_length=15, choices=Satisfaction.choices, blank=True
    )
    attitude = models.CharField(
        _("officers' attitude"), max_length=15, choices=Satisfaction.choices, blank=True
    )
    lawfulness = models.CharField(
        _("lawful result and costs"), max_length=15, choices=Satisfaction.choices, blank=True
    )
    unofficial_costs = models.BooleanField(_("asked for costs beyond the law"), default=False)
    complaint_handling = models.CharField(
        _("handling of feedback and complaints"),
        max_length=15,
        choices=Satisfaction.choices,
        blank=True,
    )
    online_service = models.CharField(
        _("online service"), max_length=15, choices=Satisfaction.choices, blank=True
    )
    comment = models.TextField(_("other comments"), blank=True)
    feedback_item = models.ForeignKey(
        FeedbackItem,
        verbose_name=_("feedback item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["agency", "rated_at"])]
        constraints = [
            # One token rating per dossier; the counter tablet may rate as often as it is used.
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(channel="token"), name="rating_one_per_dossier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.channel} {self.overall or '—'}"

    @property
    def token(self) -> str | None:
        """The dossier's one-time rating token; None for the counter tablet."""
        return self.dossier.rating_token if self.dossier is not None else None

    @property
    def is_lower_trust(self) -> bool:
        return self.channel == RatingChannel.KIOSK


# The questions of the criteria rated on the four levels (Decree 61/2018 art. 31.1 d, đ, e, g,
# h); a, b and c have their own answers (``TimeRating``, ``CountRating``), i is the comment.
CRITERIA_QUESTIONS = (
    ("information", _("Was the published information on the procedure accurate and complete?")),
    ("attitude", _("How did the officers who guided you and handled the dossier behave?")),
    ("lawfulness", _("Were the result and the costs in line with the law?")),
    ("complaint_handling", _("If you sent feedback or a complaint, how was it handled?")),
    ("online_service", _("If you used the online service, how good was it?")),
)

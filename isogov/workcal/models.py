"""An agency's working-calendar settings and overrides (lịch làm việc)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.core.models import TimeStampedModel, VersionedModel

from .engine import CountFrom, OverrideKind


def new_revision() -> str:
    return uuid.uuid4().hex


COUNT_FROM_CHOICES = [
    (CountFrom.NEXT_OPENING.value, _("at the next opening")),
    (
        CountFrom.NEXT_DAY_AFTER_CUTOFF.value,
        _("at the next opening; after 15:00 at the next working day"),
    ),
]


class AgencyCalendar(VersionedModel):
    """An agency's office hours and counting rules.

    ``revision`` changes with every change to the calendar (settings or overrides) and keys the
    compiled-calendar cache; a random value, so a rolled-back change can never be mistaken for
    a later committed one.

    Defaults are the civil-service day (vn-one-stop-rules.md §4 [A]): 07:30–11:30 and
    13:00–17:00, Monday to Friday.
    """

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="calendar"
    )
    morning_start = models.TimeField(_("morning opens"), default=dt.time(7, 30))
    morning_end = models.TimeField(_("morning closes"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=dt.time(13, 0))
    afternoon_end = models.TimeField(_("afternoon closes"), default=dt.time(17, 0))
    revision = models.CharField(max_length=32, default=new_revision, editable=False)
    count_from = models.CharField(
        _("clock starts"),
        max_length=30,
        choices=COUNT_FROM_CHOICES,
        default=CountFrom.NEXT_OPENING.value,
    )

    class Meta:
        verbose_name = _("agency calendar")
        verbose_name_plural = _("agency calendars")

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(
                _("Office hours must run in order: morning opens, closes, afternoon opens, closes.")
            )


class CalendarOverride(TimeStampedModel):
    """One date an agency decided differently from the national calendar.

    An extra day off (ngày nghỉ), a make-up working day (ngày làm bù) or special hours, each
    with the document that decided it.
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=[
            (OverrideKind.DAY_OFF.value, _("Day off")),
            (OverrideKind.MAKEUP_WORKING_DAY.value, _("Make-up working day")),
            (OverrideKind.SPECIAL_HOURS.value, _("Special hours")),
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    start_time = models.TimeField(_("opens"), null=True, blank=True)
    end_time = models.TimeField(_("closes"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("issued by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "date"], name="calendar_override_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="calendar_override_hours_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    def clean(self) -> None:
        if self.kind == OverrideKind.SPECIAL_HOURS and not (self.start_time and self.end_time):
            raise ValidationError(_("Special hours need an opening and a closing time."))
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError(_("The closing time must be after the opening time."))


class NationalDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday for every agency")
    WORKING_DAY = "working_day", _("Working day for every agency")


class NationalCalendar(VersionedModel):
    """The system's adjustments of the national calendar as a whole (a single row, id 1).

    ``version`` guards concurrent edits of the adjustments; ``revision`` changes with each of
    them and is part of every agency's compiled-calendar cache key, so one national change
    recompiles every agency's calendar.
    """

    SINGLETON_ID = 1

    revision = models.CharField(max_length=32, default=new_revision, editable=False)

    class Meta:
        verbose_name = _("national calendar")
        verbose_name_plural = _("national calendars")

    def __str__(self) -> str:
        return str(_("national calendar"))


class NationalDayOverride(TimeStampedModel):
    """A date the system administrator decides differently from the ``holidays`` package, for
    every agency at once (điều chỉnh lịch nghỉ lễ toàn quốc).

    E.g. 24/11 (Ngày Văn hóa Việt Nam), which the package lists as a holiday from 2026 while
    whether it is a day off depends on an amendment of the Labour Code 2019 (art. 112). An
    agency's own override of the same date still wins.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=NationalDayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(
        _("legal basis"),
        help_text=_("The law, decree or decision that makes the day a holiday or a working day."),
    )

    class Meta:
        verbose_name = _("national day override")
        verbose_name_plural = _("national day overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class CalendarReview(TimeStampedModel):
    """The record that an agency checked next year's calendar (due by 1 December)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="calendar_reviews"
    )
    year = models.PositiveIntegerField(_("year"))
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("reviewed by"), on_delete=models.PROTECT
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar review")
        verbose_name_plural = _("calendar reviews")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="calendar_review_once_a_year")
        ]

"""Effective-dated indicator settings and the stored snapshots of closed periods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency


class IndicatorSetting(models.Model):
    """A weight, threshold or band of an indicator (chỉ số), in force from a date.

    indicators.md: "Weights, thresholds and bands are configuration with effective dates, not
    constants in code." The value in force for a period is the latest one whose
    ``effective_from`` is on or before the period's last day.
    """

    key = models.CharField(_("key"), max_length=80)
    effective_from = models.DateField(_("effective from"))
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    is_assumption = models.BooleanField(
        _("assumption"),
        default=False,
        help_text=_("Not confirmed by a legal or official source [A]: review and configure."),
    )

    class Meta:
        verbose_name = _("indicator setting")
        verbose_name_plural = _("indicator settings")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="indicator_setting_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from:%d/%m/%Y})"


class IndicatorSnapshot(models.Model):
    """The figures of every indicator for one scope and one closed period, as they were then.

    A report for a closed period reads its snapshot, so it gives the same figures after its
    dossiers change later (a late return, a correction).
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    # "" for the whole agency; "statistics:<by>" for the periodic statistics report by sector,
    # procedure or unit (isogov/indicators/statistics.py).
    scope_key = models.CharField(_("scope"), max_length=120, blank=True)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    taken_at = models.DateTimeField(_("taken at"))
    figures = models.JSONField(_("figures"), default=list)
    # A day's snapshot (date_from == date_to): the exact counts and sums a longer period is
    # composed from (``rollup``); empty for other periods.
    parts = models.JSONField(_("parts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["agency", "-date_to", "date_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "scope_key", "date_from", "date_to"],
                name="indicator_snapshot_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.scope_key} {self.date_from}–{self.date_to}"

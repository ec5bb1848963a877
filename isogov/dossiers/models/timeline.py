"""The dossier's timeline: one event per thing that happened, read with its audit event."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from isogov.audit.models import AuditEvent

from .dossier import Dossier


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

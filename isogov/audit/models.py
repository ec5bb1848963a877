"""The audit trail (nhật ký kiểm tra): an append-only, hash-chained log of every action."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import DigestField


class AuditEvent(models.Model):
    """One recorded action (sự kiện nhật ký).

    Events are never updated or deleted: database triggers refuse both. Each event's hash covers
    its fields and the hash of the previous event of its chain (read from that event's row, not
    stored twice), so an edit made behind the application's back breaks the chain and
    ``isogov audit verify`` names the first broken link. There is one chain
    per agency and one for the events of no agency (the system chain, which also holds every
    event written before the chains were split); ``chain`` is the id of its ``AuditChainHead``
    and ``seq`` the event's number in that chain (ADR 0002). Actor and agency are copied as
    plain values (not foreign keys) so that nothing ever has to rewrite an event.
    """

    chain = models.BigIntegerField(_("chain"), default=1, editable=False)
    seq = models.BigIntegerField(_("sequence"), editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), editable=False)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, editable=False)
    actor_label = models.CharField(_("actor"), max_length=200, blank=True, editable=False)
    agency_code = models.CharField(_("agency"), max_length=64, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=100, editable=False)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=100, blank=True, editable=False)
    before = models.JSONField(_("before"), null=True, blank=True, editable=False)
    after = models.JSONField(_("after"), null=True, blank=True, editable=False)
    reason = models.TextField(_("reason"), blank=True, editable=False)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, editable=False)
    # SHA-256 over the hashed fields and the previous event's hash (``chain.event_hash``):
    # stored as 32 bytes, read and written in Python as 64 hex characters.
    hash = DigestField(_("hash"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        # Only (chain, seq) is indexed (its uniqueness): each chain is read in its order, and
        # nothing looks events up by time, agency, action, object or hash (issue 15 §4: each
        # index costs some 20-80 bytes an event, and there are about ten events a dossier).
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last link of one chain: the agency's (``agency_code``), or the system chain ("",
    id 1, which continues the single chain of before). Its row lock serialises the appends to
    that chain only, so writers for different agencies never wait for each other."""

    agency_code = models.CharField(max_length=64, unique=True, blank=True, default="")
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.agency_code or 'system'} #{self.last_seq} {self.last_hash[:12]}"

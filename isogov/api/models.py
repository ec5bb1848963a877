"""Stored answers to API writes sent with an ``Idempotency-Key``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with a key, replayed when the client retries it.

    ``scope`` names the caller (a hash of its token, or its user id) so that two clients' keys
    never meet. A row without ``status`` is a request still running.
    """

    scope = models.CharField(_("caller"), max_length=80)
    key = models.CharField(_("key"), max_length=200)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_hash = models.CharField(_("body hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    content = models.BinaryField(_("content"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="api_idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return self.key

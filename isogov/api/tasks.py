"""Forgetting old idempotency keys."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .idempotency import idempotency_purge


@db_periodic_task(crontab(minute="17"))
def idempotency_purge_periodic() -> int:
    return idempotency_purge()

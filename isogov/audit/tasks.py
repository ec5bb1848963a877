"""The periodic audit checkpoint (``checkpoints.py``)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .checkpoints import Checkpoint, checkpoint_write

_EVERY = max(1, settings.ISOGOV_AUDIT_CHECKPOINT_MINUTES)


@db_periodic_task(crontab(minute="0" if _EVERY >= 60 else f"*/{_EVERY}"))
def audit_checkpoint_periodic() -> list[Checkpoint]:
    return checkpoint_write()

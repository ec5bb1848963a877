"""Periodic jobs of the feedback app (Huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import rating_invitations_send

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))
def feedback_send_rating_invitations() -> int:
    """Invite the applicants of dossiers returned since the last run to rate them
    (ARCHITECTURE.md: rating invitations are a periodic job; the dossier engine knows nothing
    of ratings)."""
    count = rating_invitations_send()
    logger.info("rating invitations: %d", count)
    return count

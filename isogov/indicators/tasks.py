"""Periodic jobs of the indicators app."""

from __future__ import annotations

import logging

from django.db.models import Exists, OuterRef
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from isogov.accounts.models import Agency
from isogov.core import clock
from isogov.dossiers.models import Dossier

from .services import closed_periods, snapshot_take, statistics_snapshot_take

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="30", hour="0"))
def indicators_take_snapshots() -> int:
    """Store the closed periods' figures of every agency with dossiers (ARCHITECTURE.md: the
    daily statistics snapshot). Idempotent: a period already stored is left as it is."""
    taken = 0
    agencies = Agency.objects.filter(Exists(Dossier.objects.filter(agency=OuterRef("pk"))))
    for agency in agencies.order_by("pk"):
        for date_from, date_to in closed_periods(clock.today()):
            _snapshot, created = snapshot_take(agency=agency, date_from=date_from, date_to=date_to)
            taken += int(created)
            if date_from != date_to:  # the statistics report is sent up by month, quarter, year
                stored = statistics_snapshot_take(
                    agency=agency, date_from=date_from, date_to=date_to
                )
                taken += len(stored)
    logger.info("indicator snapshots taken: %d", taken)
    return taken

"""Periodic jobs of the dossier engine."""

import logging

from django.db.models import QuerySet
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from isogov.core import clock
from isogov.core.errors import ApplicationError

from . import register_months
from .models import Dossier
from .services import close_unanswered_due, dossier_close_unanswered, online_drafts_purge
from .transitions import Status

logger = logging.getLogger(__name__)


def awaiting_supplement() -> QuerySet[Dossier]:
    """The dossiers waiting for a supplement, in id order, read through their partial index
    (``dossier_awaiting_supplement``) rather than by a scan of every dossier."""
    return (
        Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED)
        .select_related("agency")
        .order_by("pk")
    )


@db_periodic_task(crontab(minute="15", hour="*"))
def dossiers_close_unanswered() -> int:
    """Decree 118/2025 art. 19.5: close dossiers whose supplement went unanswered 15 days.

    Runs every hour, holidays included; ``close_unanswered_due`` lets it close only once the
    period (counted in days, Civil Code arts. 147–148) has run and only in office time of a
    working day, so a closure is never dated on a day off.
    """
    now = clock.now()
    closed = 0
    for dossier in awaiting_supplement().iterator():
        if not close_unanswered_due(dossier, now):
            continue
        try:
            dossier_close_unanswered(code=dossier.code)
        except ApplicationError as error:  # changed meanwhile: the next run looks again
            logger.info("dossier %s not closed: %s", dossier.code, error)
        else:
            closed += 1
    return closed


@db_periodic_task(crontab(minute="40", hour="*"))
def dossiers_purge_online_drafts() -> int:
    """Delete the online drafts never confirmed for ``ISOGOV_ONLINE_DRAFT_RETENTION_DAYS`` [A]
    with their uploaded files (``services.online_drafts_purge``, which logs and audits)."""
    return online_drafts_purge().drafts


@db_task()
def register_export_task(job_id: int) -> str:
    """Build a register file queued from the register page (``register_jobs``)."""
    from .register_jobs import register_export_run

    return str(register_export_run(job_id=job_id).status)


@db_task()
def register_months_store(agency_id: int, year: int, counts: dict[int, int], moves: int) -> None:
    """Keep the register page's closed months' counts (``register_months.store``)."""
    register_months.store(agency_id, year, counts, moves)

"""Retention of what the applicant left unfinished: online-submission drafts never confirmed by
their one-time code (docs/online-submission.md, "Retention").

Such a draft holds the applicant's details and uploaded papers but is no dossier: nothing of it
is a record the agency must keep (Circular 01/2018 art. 12 keeps the dossier, not the draft).
After ``ISOGOV_ONLINE_DRAFT_RETENTION_DAYS`` [A] without a change it is deleted with its files.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from isogov.audit.services import audit_record
from isogov.core import clock

from ..models import DossierPaper, OnlineDraft, OnlineDraftPaper
from ..uploads import private_storage

logger = logging.getLogger(__name__)

BATCH = 200


@dataclass(frozen=True)
class Purged:
    drafts: int
    files: int


def online_drafts_purge(*, now: dt.datetime | None = None) -> Purged:
    """Delete the drafts never confirmed whose last change is older than the retention, in
    batches: each batch's rows and audit events in one transaction, its files after the
    commit (a rolled-back batch deletes no file). Run hourly by the worker and by
    ``isogov purge-online-drafts``."""
    days = settings.ISOGOV_ONLINE_DRAFT_RETENTION_DAYS
    cutoff = (now or clock.now()) - dt.timedelta(days=days)
    drafts = files = 0
    while True:
        batch = _purge_batch(cutoff)
        drafts += batch.drafts
        files += batch.files
        if batch.drafts < BATCH:
            break
    logger.info(
        "online drafts purged: %d drafts, %d files (unconfirmed for %d days)", drafts, files, days
    )
    return Purged(drafts=drafts, files=files)


@transaction.atomic
def _purge_batch(cutoff: dt.datetime) -> Purged:
    # Locked, and re-checked under the lock: a draft confirmed meanwhile is left alone, and one
    # being confirmed now is skipped until the next run.
    stale = list(
        OnlineDraft.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(dossier__isnull=True, updated_at__lt=cutoff)
        .select_related("agency")
        .order_by("pk")[:BATCH]
    )
    if not stale:
        return Purged(0, 0)
    papers = list(OnlineDraftPaper.objects.filter(draft__in=stale).values_list("draft_id", "file"))
    names = {name for _draft, name in papers if name}
    # Never a file a dossier holds (a confirmed draft's papers pass to its dossier).
    names -= set(DossierPaper.objects.filter(scan__in=names).values_list("scan", flat=True))
    for draft in stale:
        audit_record(
            actor=None,
            action="online_draft.purge",
            target=draft,
            agency=draft.agency,
            before={
                "procedure": draft.procedure_code,
                "created_at": draft.created_at.isoformat(),
                "updated_at": draft.updated_at.isoformat(),
                "papers": sum(1 for draft_id, _name in papers if draft_id == draft.pk),
            },
            reason=f"unconfirmed for {settings.ISOGOV_ONLINE_DRAFT_RETENTION_DAYS} days",
        )
    OnlineDraft.objects.filter(pk__in=[draft.pk for draft in stale]).delete()
    transaction.on_commit(lambda: _delete_files(sorted(names)))
    return Purged(len(stale), len(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            private_storage.delete(name)
        except OSError as error:  # left for a manual clean-up; the rows are gone already
            logger.warning("online draft file %s not deleted: %s", name, error)

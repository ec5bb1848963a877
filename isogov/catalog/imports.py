"""Catalogue imports as background jobs: the page polls the job row for progress.

The check of every row runs before anything is written, outside the import transaction, so
its progress is committed and visible while it runs. The writing itself is one transaction
(all or nothing); its progress becomes visible only when it ends, so the page shows it as
"storing" without a percentage.
"""

from __future__ import annotations

import dataclasses
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import User
from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from .exchange import CHECKING, catalog_import_file
from .models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


@transaction.atomic
def import_job_create(*, actor: User | None, name: str, content: bytes) -> ImportJob:
    """Store the uploaded file and queue its import (after commit)."""
    job = ImportJob(created_by=actor, file_name=name[:255])
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    audit_record(actor=actor, action="catalog_import.queue", target=job, after={"file": name})

    def enqueue() -> None:
        from .tasks import catalog_import_task

        catalog_import_task(job.pk)

    transaction.on_commit(enqueue)
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued import, recording progress and the outcome on the job row."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)

    def progress(phase: str, done: int, total: int) -> None:
        status = ImportStatus.CHECKING if phase == CHECKING else ImportStatus.STORING
        ImportJob.objects.filter(pk=job.pk).update(status=status, done=done, total=total)

    with job.file.open("rb") as handle:
        content = handle.read()
    try:
        result = catalog_import_file(
            actor=job.created_by, name=job.file_name, content=content, progress=progress
        )
    except ValidationFailed as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            messages=[str(m) for m in error.details.get("rows", [error.message])],
        )
    except Exception:
        # Nothing was stored (the writing is one transaction); say so instead of hanging.
        logger.exception("catalogue import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            messages=[_("The import stopped on an unexpected error; nothing was imported.")],
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, done=1, total=1, result=dataclasses.asdict(result)
        )
    job.refresh_from_db()
    return job

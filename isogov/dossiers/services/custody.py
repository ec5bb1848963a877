"""Papers in custody: scans, originals returned, incidents (ISO 9001 §8.5.3)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import (
    NotFound,
)

from ..models import (
    CustodyIncident,
    DossierPaper,
)
from ._kernel import DESK_ROLES, HANDLER_ROLES, _event, _lock, _require, _require_text, _save


# --- papers in custody ------------------------------------------------------------------------
@transaction.atomic
def dossier_return_originals(
    *, actor: User, code: str, version: int | None, paper_id: int
) -> DossierPaper:
    """Hand the applicant's original papers back (ISO 9001 §8.5.3)."""
    dossier = _lock(code=code, version=version)
    _require(actor, DESK_ROLES, dossier.agency)
    paper = dossier.papers.filter(pk=paper_id, originals_returned_at__isnull=True).first()
    if paper is None:
        raise NotFound()
    paper.originals_returned_at = clock.now()
    paper.save(update_fields=["originals_returned_at"])
    _event(dossier, actor=actor, action="return_originals", message=paper.name)
    _save(dossier)
    return paper


@transaction.atomic
def dossier_record_incident(
    *,
    actor: User,
    code: str,
    version: int | None,
    kind: str,
    description: str,
    paper_id: int | None = None,
) -> CustodyIncident:
    """Record the loss or damage of papers, or an error in the result (Decree 61/2018 art. 20)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    _require_text(description, "description")
    paper = dossier.papers.filter(pk=paper_id).first() if paper_id else None
    incident = CustodyIncident.objects.create(
        dossier=dossier,
        paper=paper,
        kind=kind,
        description=description,
        occurred_at=clock.now(),
        recorded_by=actor,
    )
    _event(dossier, actor=actor, action="incident", message=description, data={"kind": kind})
    _save(dossier)
    return incident


@transaction.atomic
def dossier_attach_scan(
    *, actor: User, code: str, version: int | None, paper_id: int, file: UploadedFile
) -> DossierPaper:
    """Store the scan of a submitted paper (Decree 61/2018 art. 17.1: papers are scanned)."""
    dossier = _lock(code=code, version=version)
    _require(actor, HANDLER_ROLES, dossier.agency)
    paper = dossier.papers.filter(pk=paper_id).first()
    if paper is None:
        raise NotFound()
    paper.scan.save(f"{dossier.code}-{paper.pk}-{file.name}", file, save=False)
    paper.save(update_fields=["scan"])
    _event(dossier, actor=actor, action="attach_scan", message=paper.name)
    _save(dossier)
    return paper

"""Papers in custody: scans, originals returned, incidents (ISO 9001 §8.5.3)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy

from isogov.accounts.models import User
from isogov.core import clock
from isogov.core.errors import ConflictError

from ..models import (
    CustodyIncident,
    DossierPaper,
)
from ..uploads import check_file
from ._kernel import _begin, _event, _save

ORIGINALS_RETURNED = gettext_lazy("The originals of this paper were already returned.")


# --- papers in custody ------------------------------------------------------------------------
@transaction.atomic
def dossier_return_originals(
    *, actor: User, code: str, version: int | None, paper_id: int
) -> DossierPaper:
    """Hand the applicant's original papers back (ISO 9001 §8.5.3)."""
    dossier, values = _begin(
        "return_originals", actor=actor, code=code, version=version, data={"paper_id": paper_id}
    )
    paper: DossierPaper = values["paper_id"]
    if paper.originals_returned_at is not None:
        raise ConflictError(ORIGINALS_RETURNED, code="originals_returned")
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
    dossier, values = _begin(
        "record_incident",
        actor=actor,
        code=code,
        version=version,
        data={"kind": kind, "description": description, "paper_id": paper_id},
    )
    kind, description, paper = values["kind"], values["description"], values.get("paper_id")
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
    dossier, values = _begin(
        "attach_scan",
        actor=actor,
        code=code,
        version=version,
        data={"paper_id": paper_id, "file": file},
    )
    paper, file = values["paper_id"], values["file"]
    # Checked from its content like an applicant's upload, stored privately (uploads.py).
    checked = check_file(file, label=paper.name, field="file")
    paper.scan.save(f"{dossier.code}-{paper.pk}.{checked.extension}", file, save=False)
    paper.save(update_fields=["scan"])
    _event(dossier, actor=actor, action="attach_scan", message=paper.name)
    _save(dossier)
    return paper

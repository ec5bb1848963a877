"""The sentence the public lookup shows for each dossier status, and the agency's own wording.

The defaults speak the action table's vocabulary (``dossiers.transitions.Status``, the national
portal's TrangThaiHoSo codes, vn-one-stop-rules.md §2) in the applicant's words; an agency may
replace any of them (``StatusText``), edited by its administrator in the in-app administration.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency
from isogov.dossiers.transitions import Status

from .models import StatusText

S = Status
DEFAULTS: dict[str, Promise] = {
    S.SUBMITTED_ONLINE: _(
        "Your online submission has arrived. The desk checks it and receives it or tells you "
        "what to complete."
    ),
    S.INCOMPLETE_AT_INTAKE: _(
        "Your dossier is not complete yet: bring or send the papers listed below."
    ),
    S.NOT_RECEIVED: _("Your dossier was not received, for the reason below."),
    S.RECEIVED: _("Your dossier was received and handed to the handling unit."),
    S.IN_PROCESS: _("Your dossier is being handled."),
    S.SUPPLEMENT_REQUESTED: _(
        "Your dossier needs more papers. The time is counted again once they arrive."
    ),
    S.PAYMENT_REQUESTED: _("Fees are due before your dossier can go on."),
    S.WITHDRAWAL_REQUESTED: _("Your request to withdraw the dossier is being handled."),
    S.STOPPED: _("Handling of your dossier has stopped."),
    S.REFUSED: _("Your dossier was refused, for the reason below."),
    S.FINISHED: _("The result is ready: you may collect it."),
    S.RETURNED: _("The result was handed over."),
}


def status_text(*, agency: Agency, status: str) -> str:
    """The agency's sentence for a status, else the default in the current language."""
    row = StatusText.objects.filter(agency=agency, status=status).only("text").first()
    return row.text if row is not None else str(DEFAULTS[status])


def status_text_rows(*, agency: Agency) -> list[tuple[str, str, str, int]]:
    """Every status of the agency: (status, its label, the sentence shown, version; 0 = default)."""
    from isogov.dossiers.models import STATUS_CHOICES

    rows = {row.status: row for row in StatusText.objects.filter(agency=agency)}
    result = []
    for status, label in STATUS_CHOICES:
        row = rows.get(status)
        text = row.text if row is not None else str(DEFAULTS[status])
        result.append((status, str(label), text, row.version if row is not None else 0))
    return result

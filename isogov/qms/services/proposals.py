"""Nonconformity proposals read from the dossiers (§8.7): late results, apologies issued, and
lost or damaged papers; and from the feedback items answered late (Decision 766/QĐ-TTg
indicator 5.2, docs/feedback.md). Grouped per source, procedure and month, never one per
dossier; run daily by a Huey task, and safe to run again (a group is proposed once and only grows).

``qms`` reads the dossiers and the feedback items; neither knows anything of it (no signals).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency
from isogov.catalog.models import Procedure
from isogov.core import clock
from isogov.dossiers.deadlines import Outcome
from isogov.dossiers.models import CustodyIncident, Dossier, Extension
from isogov.feedback.selectors import feedback_late_list

from ..models import NcSource, NcStatus, Nonconformity
from ..rules import period_bounds
from .nonconformities import nc_open

# How far back a run looks: a missed day is caught up on the next run.
LOOK_BACK_DAYS = 62


@dataclass(frozen=True)
class ProposalRun:
    created: int
    extended: int


def _month(value: dt.datetime | None) -> dt.date:
    assert value is not None  # filtered on it
    return clock.to_local(value).date().replace(day=1)


def _groups(agency: Agency, since: dt.datetime) -> dict[tuple[str, str, dt.date], set[str]]:
    groups: dict[tuple[str, str, dt.date], set[str]] = defaultdict(set)
    late = Dossier.objects.filter(
        agency=agency, outcome=Outcome.LATE, finished_at__gte=since
    ).values_list("procedure_code", "code", "finished_at")
    for procedure_code, code, at in late:
        groups[(NcSource.LATE_DOSSIER, procedure_code, _month(at))].add(code)
    apologies = Extension.objects.filter(dossier__agency=agency, created_at__gte=since).values_list(
        "dossier__procedure_code", "dossier__code", "created_at"
    )
    for procedure_code, code, at in apologies:
        groups[(NcSource.APOLOGY, procedure_code, _month(at))].add(code)
    incidents = CustodyIncident.objects.filter(
        dossier__agency=agency, occurred_at__gte=since
    ).values_list("dossier__procedure_code", "dossier__code", "occurred_at")
    for procedure_code, code, at in incidents:
        groups[(NcSource.CUSTODY, procedure_code, _month(at))].add(code)
    # Feedback answered late, or unanswered past its deadline: grouped by the month the
    # deadline passed, under the complaints source (no procedure).
    for code, due_at in feedback_late_list(agency=agency, since=since):
        groups[(NcSource.COMPLAINT, "", _month(due_at))].add(code)
    return groups


def _title(source: str, count: int, procedure: str, month: dt.date) -> str:
    if source == NcSource.LATE_DOSSIER:
        text = _("%(count)s late dossier(s) of %(procedure)s in %(month)s")
    elif source == NcSource.COMPLAINT:
        text = _("%(count)s feedback item(s) answered late in %(month)s")
    elif source == NcSource.APOLOGY:
        text = _("%(count)s apology letter(s) for %(procedure)s in %(month)s")
    else:
        text = _("%(count)s custody incident(s) in %(procedure)s in %(month)s")
    return text % {"count": count, "procedure": procedure, "month": month.strftime("%m/%Y")}


@transaction.atomic
def nonconformities_propose(*, agency: Agency) -> ProposalRun:
    """Propose (or extend) one nonconformity per source, procedure and month."""
    since = clock.now() - dt.timedelta(days=LOOK_BACK_DAYS)
    created = extended = 0
    for (source, procedure_code, month), codes in sorted(_groups(agency, since).items()):
        key = f"{source}:{procedure_code}:{month:%Y-%m}"
        existing = (
            Nonconformity.objects.select_for_update()
            .filter(agency=agency, proposal_key=key)
            .first()
        )
        if existing is not None:
            merged = sorted(set(existing.dossier_codes) | codes)
            if merged != existing.dossier_codes and existing.status == NcStatus.PROPOSED:
                existing.dossier_codes = merged
                existing.title = _title(source, len(merged), procedure_code, month)
                existing.version += 1
                existing.save(update_fields=["dossier_codes", "title", "version", "updated_at"])
                extended += 1
            continue
        _first, last = period_bounds("monthly", month)
        nc_open(
            actor=None,
            agency=agency,
            source=source,
            title=_title(source, len(codes), procedure_code, month),
            description=_("Proposed from the dossier records; confirm or dismiss it.")
            if source != NcSource.COMPLAINT
            else _("Proposed from the feedback items answered late; confirm or dismiss it."),
            procedure=Procedure.objects.filter(code=procedure_code).first()
            if procedure_code
            else None,
            status=NcStatus.PROPOSED,
            period_start=month,
            period_end=last,
            dossier_codes=sorted(codes),
            proposal_key=key,
        )
        created += 1
    return ProposalRun(created=created, extended=extended)

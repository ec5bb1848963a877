"""Reads of the QMS: what a user may see, the clause coverage matrix, the management review
pack, and each person's ISO tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.accounts.selectors import agency_get, agency_list, user_has_role, user_primary_agency
from isogov.catalog.models import AgencyProcedure, LegalChange
from isogov.core import clock
from isogov.core.errors import NotFound
from isogov.dossiers.models import Dossier

from .clauses import CLAUSES
from .models import (
    ActionStatus,
    Audit,
    AuditStatus,
    ConformityAnnouncement,
    ContextIssue,
    ControlledDocument,
    CorrectiveAction,
    DocumentRevision,
    EffectivenessCheck,
    ManagementReview,
    NcSource,
    NcStatus,
    Nonconformity,
    ObjectiveMeasurement,
    QmsRecord,
    QmsScope,
    QualityObjective,
    QualityPolicy,
    ReadAcknowledgement,
    Risk,
    RiskStatus,
    SteeringMember,
)
from .services._common import QMS_MANAGERS
from .transitions import RevisionStatus

# Decision 19/2014: internal audit and management review at least once a year ([A] article not
# confirmed).
YEARLY_CLAUSES = frozenset({"9.2", "9.3"})


def qms_agency(*, user: User, code: str | None = None) -> Agency:
    """The agency whose QMS the user works on: the one asked for, else their own."""
    if code:
        return agency_get(user=user, code=code)
    agency = user_primary_agency(user=user)
    if agency is None or not agency_list(user=user).filter(pk=agency.pk).exists():
        raise NotFound()
    return agency


def is_manager(*, user: User, agency: Agency) -> bool:
    return user_has_role(user=user, roles=QMS_MANAGERS, agency=agency)


# --- the clause coverage matrix -------------------------------------------------------------


@dataclass
class Evidence:
    label: Any
    count: int
    latest: dt.date | None


@dataclass
class CoverageRow:
    clause: str
    title: str
    evidence: list[Evidence] = field(default_factory=list)
    latest: dt.date | None = None
    is_gap: bool = True


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return clock.to_local(value).date()
    return value


def _ev(label: Any, qs: QuerySet[Any], date_field: str) -> Evidence:
    found = qs.aggregate(count=Count("pk"), latest=Max(date_field))
    return Evidence(label, found["count"], _date(found["latest"]))


def _published_revisions(agency: Agency) -> QuerySet[DocumentRevision]:
    return DocumentRevision.objects.filter(
        document__agency=agency,
        status__in=[RevisionStatus.PUBLISHED, RevisionStatus.OBSOLETE],
    )


def _evidence(agency: Agency) -> dict[str, list[Evidence]]:
    records = QmsRecord.objects.filter(agency=agency)
    dossiers = Dossier.objects.filter(agency=agency)
    revisions = _published_revisions(agency)
    reviews = ManagementReview.objects.filter(agency=agency)
    ncs = Nonconformity.objects.filter(agency=agency).exclude(
        status__in=[NcStatus.PROPOSED, NcStatus.DISMISSED]
    )
    context = ContextIssue.objects.filter(agency=agency)

    def rec(clause: str, label: Any) -> Evidence:
        return _ev(label, records.filter(clause=clause), "recorded_on")

    return {
        "4.1": [
            _ev(_("Internal and external issues"), context.exclude(kind="party"), "reviewed_on")
        ],
        "4.2": [_ev(_("Interested parties"), context.filter(kind="party"), "reviewed_on")],
        "4.3": [
            _ev(_("Scope statement"), QmsScope.objects.filter(agency=agency), "approved_on"),
            _ev(
                _("Conformity announcement decisions"),
                ConformityAnnouncement.objects.filter(agency=agency),
                "signed_on",
            ),
        ],
        "4.4": [
            _ev(
                _("Published internal processes"),
                revisions.filter(document__doc_type="process"),
                "effective_on",
            )
        ],
        "5.1": [
            _ev(
                _("The leader's confirmation that the system is effective"),
                reviews.filter(system_effective=True),
                "held_on",
            )
        ],
        "5.2": [
            _ev(_("Quality policy"), QualityPolicy.objects.filter(agency=agency), "published_on")
        ],
        "5.3": [
            _ev(
                _("ISO steering committee"),
                SteeringMember.objects.filter(agency=agency),
                "appointed_on",
            )
        ],
        "6.1": [
            _ev(
                _("Risk and opportunity register"), Risk.objects.filter(agency=agency), "updated_at"
            )
        ],
        "6.2": [
            _ev(
                _("Quality objective measurements"),
                ObjectiveMeasurement.objects.filter(objective__agency=agency).exclude(
                    status="no_data"
                ),
                "period_end",
            )
        ],
        "6.3": [
            _ev(_("Revised controlled documents"), revisions.filter(number__gt=1), "effective_on"),
            _ev(
                _("Legal changes reflected in processes"),
                LegalChange.objects.filter(
                    iso_updated_on__isnull=False,
                    procedures__agencies__agency=agency,
                ).distinct(),
                "iso_updated_on",
            ),
        ],
        "7.1": [rec("7.1", _("Resources and organisational knowledge"))],
        "7.2": [rec("7.2", _("Training and competence records"))],
        "7.3": [
            _ev(
                _("Read acknowledgements"),
                ReadAcknowledgement.objects.filter(revision__document__agency=agency),
                "read_at",
            )
        ],
        "7.4": [rec("7.4", _("Communication plan"))],
        "7.5": [_ev(_("Published documents"), revisions, "effective_on")],
        "8.1": [_ev(_("Dossiers handled through the process"), dossiers, "received_at")],
        "8.2": [
            _ev(
                _("Procedures assigned and published"),
                AgencyProcedure.objects.filter(agency=agency, is_active=True),
                "updated_at",
            )
        ],
        "8.5": [
            _ev(
                _("Dossiers whose result was returned"),
                dossiers.filter(returned_at__isnull=False),
                "returned_at",
            )
        ],
        "8.6": [
            _ev(
                _("Results approved before return"),
                dossiers.filter(result_approved_at__isnull=False),
                "result_approved_at",
            )
        ],
        "8.7": [
            _ev(
                _("Nonconforming outputs handled"),
                ncs.filter(source__in=[NcSource.LATE_DOSSIER, NcSource.APOLOGY, NcSource.CUSTODY]),
                "opened_on",
            )
        ],
        "9.1": [rec("9.1", _("Satisfaction surveys and data analysis"))],
        "9.2": [
            _ev(
                _("Internal audit reports"),
                Audit.objects.filter(
                    agency=agency, status__in=[AuditStatus.REPORTED, AuditStatus.CLOSED]
                ),
                "reported_on",
            )
        ],
        "9.3": [_ev(_("Management review minutes"), reviews, "held_on")],
        "10.1": [
            _ev(
                _("Management review outputs"),
                CorrectiveAction.objects.filter(review__agency=agency),
                "created_at",
            )
        ],
        "10.2": [
            _ev(
                _("Effectiveness checks"),
                EffectivenessCheck.objects.filter(nonconformity__agency=agency),
                "checked_on",
            )
        ],
        "10.3": [rec("10.3", _("Improvement proposals and results"))],
    }


def coverage_matrix(*, agency: Agency) -> list[CoverageRow]:
    """Every clause 4–10 with the records that evidence it and the latest date; gaps flagged.

    A clause is a gap when nothing evidences it; 9.2 and 9.3 also when their latest record is
    more than a year old (Decision 19/2014: at least once a year).
    """
    evidence = _evidence(agency)
    year_ago = clock.today() - dt.timedelta(days=366)
    rows = []
    for clause in CLAUSES:
        items = evidence[clause.number]
        dates = [item.latest for item in items if item.count and item.latest]
        latest = max(dates) if dates else None
        gap = not any(item.count for item in items)
        if clause.number in YEARLY_CLAUSES and (latest is None or latest < year_ago):
            gap = True
        rows.append(CoverageRow(clause.number, clause.title, items, latest, gap))
    return rows


# --- the management review pack (§9.3.2) -----------------------------------------------------


def review_pack(*, agency: Agency, until: dt.date) -> dict[str, Any]:
    """The review's inputs a–f from live data, as plain JSON (stored on the review)."""
    since = until - dt.timedelta(days=366)
    previous = ManagementReview.objects.filter(agency=agency, held_on__lt=until).first()
    previous_actions = (
        list(CorrectiveAction.objects.filter(review=previous).values("description", "status"))
        if previous
        else []
    )
    dossiers = Dossier.objects.filter(agency=agency, finished_at__date__gte=since)
    outcomes = dict(
        dossiers.order_by()
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    finished = sum(outcomes.values())
    on_time = outcomes.get("early", 0) + outcomes.get("on_time", 0)
    objectives = []
    for objective in QualityObjective.objects.filter(agency=agency).order_by("title"):
        last = objective.measurements.exclude(status="no_data").order_by("-period_start").first()
        objectives.append(
            {
                "title": objective.title,
                "target": str(objective.target),
                "value": str(last.value) if last and last.value is not None else None,
                "status": last.status if last else "no_data",
            }
        )
    ncs = Nonconformity.objects.filter(agency=agency, opened_on__gte=since).exclude(
        status=NcStatus.DISMISSED
    )
    audits = Audit.objects.filter(agency=agency, starts_on__gte=since)
    return {
        "period": [since.isoformat(), until.isoformat()],
        "a_previous_actions": previous_actions,
        "b_context_changes": list(
            ContextIssue.objects.filter(agency=agency, reviewed_on__gte=since).values_list(
                "title", flat=True
            )
        ),
        "c_performance": {
            "dossiers_finished": finished,
            "on_time": on_time,
            "on_time_rate": round(100 * on_time / finished, 1) if finished else None,
            "objectives": objectives,
            "nonconformities": ncs.count(),
            "nonconformities_open": ncs.exclude(status=NcStatus.CLOSED).count(),
            "audits": audits.count(),
            "findings": [
                {"clause": f.clause, "grade": f.grade}
                for audit in audits
                for f in audit.findings.all()
            ],
            "complaints": Nonconformity.objects.filter(
                agency=agency, source=NcSource.COMPLAINT, opened_on__gte=since
            ).count(),
        },
        "d_resources": list(
            QmsRecord.objects.filter(agency=agency, clause__in=["7.1", "7.2"]).values_list(
                "title", flat=True
            )
        ),
        "e_risks": [
            {"code": r.code, "title": r.title, "level": r.residual_level or r.inherent_level}
            for r in Risk.objects.filter(agency=agency).exclude(status=RiskStatus.CLOSED)
        ],
        "f_improvements": list(
            QmsRecord.objects.filter(agency=agency, clause__in=["10.1", "10.3"]).values_list(
                "title", flat=True
            )
        ),
    }


# --- "Việc ISO của tôi" ----------------------------------------------------------------------


@dataclass
class Task:
    kind: str
    label: str
    due_on: dt.date | None
    url: str


def revisions_to_read(*, user: User) -> QuerySet[DocumentRevision]:
    """Published revisions distributed to the user's units that the user has not read."""
    unit_ids = user.role_assignments.exclude(unit=None).values("unit_id")
    return (
        DocumentRevision.objects.filter(
            status=RevisionStatus.PUBLISHED, distributed_units__in=unit_ids
        )
        .exclude(acknowledgements__user=user)
        .select_related("document")
        .distinct()
    )


def my_tasks(*, user: User) -> list[Task]:
    """Everything waiting for ``user`` in the QMS, earliest due first."""
    from django.urls import reverse

    tasks: list[Task] = []

    def doc_url(revision: DocumentRevision) -> str:
        return reverse("qms:document", args=[revision.document_id])

    waiting = DocumentRevision.objects.select_related("document").filter(
        Q(author=user, status__in=[RevisionStatus.DRAFT, RevisionStatus.CHANGES_REQUESTED])
        | Q(reviewer=user, status=RevisionStatus.IN_REVIEW)
        | Q(approver=user, status__in=[RevisionStatus.IN_REVIEW, RevisionStatus.APPROVED])
    )
    for revision in waiting:
        tasks.append(
            Task(
                "revision",
                f"{revision.document.code} ({revision.number:02d}): "
                f"{revision.get_status_display()}",
                None,
                doc_url(revision),
            )
        )
    for revision in revisions_to_read(user=user):
        tasks.append(
            Task(
                "read",
                _("Read document %(code)s") % {"code": revision.document.code},
                revision.effective_on,
                doc_url(revision),
            )
        )
    for action in CorrectiveAction.objects.filter(owner=user, status=ActionStatus.OPEN):
        url = (
            reverse("qms:nonconformity", args=[action.nonconformity_id])
            if action.nonconformity_id
            else reverse("qms:reviews")
        )
        tasks.append(Task("action", action.description, action.due_on, url))
    for nc in Nonconformity.objects.filter(owner=user, status=NcStatus.IN_PROGRESS).exclude(
        effectiveness_due_on=None
    ):
        tasks.append(
            Task(
                "effectiveness",
                nc.code,
                nc.effectiveness_due_on,
                reverse("qms:nonconformity", args=[nc.pk]),
            )
        )
    for risk in Risk.objects.filter(owner=user, status=RiskStatus.PLANNED):
        tasks.append(Task("risk", risk.code, risk.review_on, reverse("qms:risks")))
    for audit in Audit.objects.filter(team=user, status=AuditStatus.PLANNED):
        tasks.append(
            Task("audit", audit.title, audit.starts_on, reverse("qms:audit", args=[audit.pk]))
        )
    far = dt.date.max
    return sorted(tasks, key=lambda t: (t.due_on or far, t.label))


def secretary_overview(*, agency: Agency) -> dict[str, Any]:
    """The ISO secretary's counts: what is late or waiting across the agency."""
    today = clock.today()
    last_review = ManagementReview.objects.filter(agency=agency).aggregate(m=Max("held_on"))["m"]
    scope = QmsScope.objects.filter(agency=agency).first()
    return {
        "proposed": Nonconformity.objects.filter(agency=agency, status=NcStatus.PROPOSED).count(),
        "open_ncs": Nonconformity.objects.filter(
            agency=agency, status__in=[NcStatus.OPEN, NcStatus.IN_PROGRESS]
        ).count(),
        "overdue_actions": CorrectiveAction.objects.filter(
            Q(nonconformity__agency=agency) | Q(review__agency=agency),
            status=ActionStatus.OPEN,
            due_on__lt=today,
        ).count(),
        "reviews_due": ControlledDocument.objects.filter(
            agency=agency, next_review_on__lte=today
        ).count(),
        "revisions_pending": DocumentRevision.objects.filter(document__agency=agency)
        .exclude(status__in=[RevisionStatus.PUBLISHED, RevisionStatus.OBSOLETE])
        .count(),
        "last_review": last_review,
        "needs_reannouncement": bool(scope and scope.needs_reannouncement),
    }


def yearly_report_data(*, agency: Agency, year: int) -> dict[str, Any]:
    """The figures of the yearly report (appendix II of Decision 19/2014) from live data."""
    scope = QmsScope.objects.filter(agency=agency).first()
    announcement = ConformityAnnouncement.objects.filter(agency=agency).first()
    ncs = Nonconformity.objects.filter(agency=agency, opened_on__year=year).exclude(
        status__in=[NcStatus.PROPOSED, NcStatus.DISMISSED]
    )
    measured = [
        objective.measurements.exclude(status="no_data").order_by("-period_start").first()
        for objective in QualityObjective.objects.filter(agency=agency, year=year)
    ]
    reviews = ManagementReview.objects.filter(agency=agency, held_on__year=year)
    return {
        "procedures": scope.procedures.count() if scope else 0,
        "announcement": (
            f"Quyết định số {announcement.number} ngày {announcement.signed_on:%d/%m/%Y}"
            if announcement
            else "Chưa công bố"
        ),
        "documents": _published_revisions(agency).filter(status=RevisionStatus.PUBLISHED).count(),
        "audits": Audit.objects.filter(agency=agency, starts_on__year=year).count(),
        "reviews": ", ".join(f"{r.held_on:%d/%m/%Y}" for r in reviews) or "Chưa thực hiện",
        "ncs": ncs.count(),
        "ncs_closed": ncs.filter(status=NcStatus.CLOSED).count(),
        "legal_updates": _published_revisions(agency)
        .filter(effective_on__year=year, number__gt=1)
        .count(),
        "objectives": len(measured),
        "objectives_met": sum(1 for m in measured if m is not None and m.status == "met"),
    }


def document_list(*, agency: Agency) -> list[dict[str, Any]]:
    """Each document with its latest revision and the one in force."""
    rows = []
    documents = ControlledDocument.objects.filter(agency=agency).select_related("owner_unit")
    for document in documents.prefetch_related("revisions"):
        revisions = sorted(document.revisions.all(), key=lambda r: r.number, reverse=True)
        latest = revisions[0] if revisions else None
        in_force = next((r for r in revisions if r.status == RevisionStatus.PUBLISHED), None)
        rows.append({"document": document, "latest": latest, "in_force": in_force})
    return rows


def document_get(*, user: User, pk: int) -> ControlledDocument:
    """One document of an agency the user may see, else ``NotFound``."""
    document = (
        ControlledDocument.objects.select_related("agency", "owner_unit", "internal_process")
        .filter(pk=pk, agency__in=agency_list(user=user))
        .first()
    )
    if document is None:
        raise NotFound()
    return document


def quality_policy_public(*, agency: Agency) -> QualityPolicy | None:
    """The agency's quality policy in force (the latest signed version), for the public pages
    (§5.2.2); ``None`` if it has none yet."""
    return QualityPolicy.objects.filter(agency=agency).order_by("-number").first()

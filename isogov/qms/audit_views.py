"""Internal audit and nonconformity pages: plans, findings tracked to closure, the report PDF,
nonconformities with their actions and effectiveness checks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import User
from isogov.accounts.roles import Role
from isogov.catalog.models import InternalProcess
from isogov.core import clock
from isogov.core.errors import NotFound

from .clauses import CLAUSES
from .models import Audit, Grade, NcSource, NcStatus, Nonconformity
from .pdf import audit_report_pdf
from .services import audits as audit_svc
from .services import nonconformities as nc_svc
from .views import Handler, _post
from .views_common import (
    agency_of,
    bad,
    base_context,
    date,
    integer,
    pdf_response,
    person,
    text,
    unit_of,
)


def _units(request: AuthenticatedHttpRequest, agency: Any) -> list[Any]:
    ids = [v for v in request.POST.getlist("units") if v.isdigit()]
    return list(agency.units.filter(pk__in=ids))


def _team(request: AuthenticatedHttpRequest, agency: Any) -> list[User]:
    ids = [v for v in request.POST.getlist("team") if v.isdigit()]
    return list(User.objects.filter(pk__in=ids))


AUDIT_HANDLERS: dict[str, Handler] = {
    "plan": lambda r, a: audit_svc.audit_plan(
        actor=r.user,
        agency=a,
        title=text(r, "title"),
        scope=text(r, "scope"),
        units=_units(r, a),
        processes=list(
            InternalProcess.objects.filter(
                pk__in=[v for v in r.POST.getlist("processes") if v.isdigit()]
            )
        ),
        clauses=r.POST.getlist("clauses"),
        starts_on=date(r, "starts_on"),
        ends_on=date(r, "ends_on"),
        lead_auditor=person(r, a, "lead_auditor"),
        team=_team(r, a),
    ),
    "programme": lambda r, a: audit_svc.programme_build(
        actor=r.user, agency=a, year=integer(r, "year")
    ),
}


@login_required
def audits(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    if request.method == "POST":
        return _post(request, agency, AUDIT_HANDLERS, reverse("qms:audits"))
    context = base_context(request, agency)
    rows = (
        Audit.objects.filter(agency=agency)
        .select_related("lead_auditor")
        .annotate(
            finding_count=Count("findings"),
            open_ncs=Count(
                "findings__nonconformity",
                filter=~Q(
                    findings__nonconformity__status__in=[NcStatus.CLOSED, NcStatus.DISMISSED]
                ),
            ),
        )
    )
    from .models import AuditProgrammeEntry

    context.update(
        audits=rows,
        clauses=CLAUSES,
        processes=InternalProcess.objects.order_by("code"),
        auditors=User.objects.filter(
            role_assignments__agency=agency, role_assignments__role=Role.INTERNAL_AUDITOR
        ).distinct(),
        programme=AuditProgrammeEntry.objects.filter(
            agency=agency, year=clock.today().year
        ).select_related("process"),
        year=clock.today().year,
        metrics=audit_metrics(agency=agency),
    )
    return render(request, "qms/audits.html", context)


def audit_metrics(*, agency: Any) -> dict[str, Any]:
    """Days to close, overdue, by auditor and by auditee (from the audits' nonconformities)."""
    today = clock.today()
    ncs = Nonconformity.objects.filter(agency=agency, source=NcSource.AUDIT_FINDING).select_related(
        "finding__auditor", "unit"
    )
    closed = [nc for nc in ncs if nc.closed_on]
    by_auditor: dict[str, int] = {}
    by_unit: dict[str, int] = {}
    for nc in ncs:
        if nc.finding is not None:
            name = nc.finding.auditor.display_name
            by_auditor[name] = by_auditor.get(name, 0) + 1
        label = nc.unit.name if nc.unit else "—"
        by_unit[label] = by_unit.get(label, 0) + 1
    return {
        "days_to_close": round(
            sum((nc.closed_on - nc.opened_on).days for nc in closed if nc.closed_on) / len(closed),
            1,
        )
        if closed
        else None,
        "overdue": sum(1 for nc in ncs if nc.due_on and nc.due_on < today and not nc.closed_on),
        "by_auditor": sorted(by_auditor.items()),
        "by_unit": sorted(by_unit.items()),
    }


def _audit(request: AuthenticatedHttpRequest, pk: int) -> Audit:
    agency = agency_of(request)
    audit = (
        Audit.objects.filter(agency=agency, pk=pk).select_related("agency", "lead_auditor").first()
    )
    if audit is None:
        raise NotFound()
    return audit


@login_required
def audit_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    if request.method == "POST":
        handlers: dict[str, Handler] = {
            "finding": lambda r, a: audit_svc.finding_record(
                actor=r.user,
                audit_id=audit.pk,
                grade=text(r, "grade"),
                clause=text(r, "clause"),
                description=text(r, "description"),
                evidence=text(r, "evidence"),
                unit=unit_of(r, a, "unit"),
            ),
            "report": lambda r, a: audit_svc.audit_report(
                actor=r.user,
                audit_id=audit.pk,
                version=r.POST.get("version"),
                summary=text(r, "summary"),
            ),
        }
        return _post(request, audit.agency, handlers, reverse("qms:audit", args=[audit.pk]))
    context = base_context(request, audit.agency)
    context.update(
        audit=audit,
        findings=audit.findings.select_related("unit", "auditor", "nonconformity"),
        checklist=audit.checklist.select_related("process"),
        grades=Grade.choices,
        in_team=audit.team.filter(pk=request.user.pk).exists(),
        team=audit.team.all(),
        audit_units=audit.units.all(),
    )
    return render(request, "qms/audit.html", context)


@login_required
def audit_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    if audit.report_pdf:  # the report as issued, frozen
        with audit.report_pdf.open("rb") as stored:
            return pdf_response(stored.read(), f"bao-cao-danh-gia-noi-bo-{audit.pk}.pdf")
    return pdf_response(audit_report_pdf(audit), f"bao-cao-danh-gia-noi-bo-{audit.pk}-du-thao.pdf")


NC_LIST_HANDLERS: dict[str, Handler] = {
    "open": lambda r, a: nc_svc.nc_open(
        actor=r.user,
        agency=a,
        source=text(r, "source"),
        title=text(r, "title"),
        description=text(r, "description"),
        owner=person(r, a, "owner"),
        due_on=date(r, "due_on", required=False),
        unit=unit_of(r, a, "unit"),
    ),
}


@login_required
def nonconformities(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    if request.method == "POST":
        return _post(request, agency, NC_LIST_HANDLERS, reverse("qms:nonconformities"))
    context = base_context(request, agency)
    context.update(
        ncs=Nonconformity.objects.filter(agency=agency).select_related("owner", "procedure"),
        sources=NcSource.choices,
    )
    return render(request, "qms/nonconformities.html", context)


@login_required
def nonconformity_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = agency_of(request)
    nc = (
        Nonconformity.objects.filter(agency=agency, pk=pk)
        .select_related("owner", "finding")
        .first()
    )
    if nc is None:
        raise NotFound()
    if request.method == "POST":
        version = request.POST.get("version")
        handlers: dict[str, Handler] = {
            "accept": lambda r, a: nc_svc.nc_accept_proposal(
                actor=r.user, nc_id=nc.pk, version=version, owner=person(r, a, "owner")
            ),
            "dismiss": lambda r, a: nc_svc.nc_dismiss(
                actor=r.user, nc_id=nc.pk, version=version, reason=text(r, "reason")
            ),
            "analyse": lambda r, a: nc_svc.nc_analyse(
                actor=r.user,
                nc_id=nc.pk,
                version=version,
                correction=text(r, "correction", required=False),
                whys=[r.POST.get(f"why{i}", "") for i in range(1, 6)],
                root_cause=text(r, "root_cause"),
            ),
            "action": lambda r, a: nc_svc.nc_action_add(
                actor=r.user,
                nc_id=nc.pk,
                description=text(r, "description"),
                owner=person(r, a, "owner"),
                due_on=date(r, "due_on"),
            ),
            "start": lambda r, a: nc_svc.nc_start(actor=r.user, nc_id=nc.pk, version=version),
            "done": lambda r, a: nc_svc.action_complete(
                actor=r.user, action_id=integer(r, "action"), result=text(r, "result")
            ),
            "check": lambda r, a: nc_svc.effectiveness_check_record(
                actor=r.user,
                nc_id=nc.pk,
                checked_on=date(r, "checked_on"),
                is_effective=r.POST.get("is_effective") == "on",
                note=text(r, "note"),
            ),
            "close": lambda r, a: nc_svc.nc_close(actor=r.user, nc_id=nc.pk, version=version),
        }
        if request.POST.get("op") not in handlers:
            raise bad("op", _("Unknown action."))
        return _post(request, agency, handlers, reverse("qms:nonconformity", args=[nc.pk]))
    context = base_context(request, agency)
    context.update(
        nc=nc,
        actions=nc.actions.select_related("owner"),
        checks=nc.checks.select_related("checked_by"),
        whys=[*nc.whys, *[""] * (5 - len(nc.whys))],
    )
    return render(request, "qms/nonconformity.html", context)

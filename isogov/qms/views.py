"""QMS pages: my ISO tasks, the coverage matrix, scope and policy, objectives, risks, reviews,
the conformity announcement, and the printed documents. Thin: parse, call one service, render.
Audits and nonconformities are in ``audit_views``, documents in ``document_views``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.selectors import agency_get_public
from isogov.catalog.models import InternalProcess, Procedure
from isogov.core import clock
from isogov.core.errors import NotFound

from .measures import measure_codes
from .models import (
    ConformityAnnouncement,
    ContextIssue,
    Direction,
    ExternalInspection,
    Frequency,
    ManagementReview,
    QmsRecord,
    QmsScope,
    QualityObjective,
    QualityPolicy,
    Risk,
    RiskKind,
    SteeringMember,
    Treatment,
    YearlyReport,
)
from .pdf import announcement_pdf, review_pack_pdf, yearly_report_pdf
from .selectors import (
    coverage_matrix,
    is_manager,
    my_tasks,
    secretary_overview,
    yearly_report_data,
)
from .services import review as review_svc
from .services import risks as risk_svc
from .services import system as system_svc
from .services.risks import matrix_for
from .views_common import (
    agency_of,
    attempt,
    bad,
    base_context,
    date,
    integer,
    number,
    pdf_response,
    person,
    text,
    unit_of,
)

Handler = Callable[[AuthenticatedHttpRequest, Any], object]


def _post(
    request: AuthenticatedHttpRequest, agency: Any, handlers: dict[str, Handler], back: str
) -> HttpResponse:
    handler = handlers.get(request.POST.get("op", ""))

    def work() -> None:
        if handler is None:
            raise bad("op", _("Unknown action."))
        handler(request, agency)

    return attempt(request, work, done=_("Saved."), back=back)


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Việc ISO của tôi, and for the secretary an overview of the agency."""
    agency = agency_of(request)
    context = base_context(request, agency)
    context["tasks"] = my_tasks(user=request.user)
    if context["manager"]:
        context["overview"] = secretary_overview(agency=agency)
    return render(request, "qms/home.html", context)


@login_required
def coverage(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    context = base_context(request, agency)
    context["rows"] = coverage_matrix(agency=agency)
    context["gaps"] = sum(row.is_gap for row in context["rows"])
    return render(request, "qms/coverage.html", context)


def _scope(request: AuthenticatedHttpRequest, agency: Any) -> None:
    ids = [value for value in request.POST.getlist("procedures") if value.isdigit()]
    system_svc.scope_set(
        actor=request.user,
        agency=agency,
        statement=text(request, "statement"),
        procedures=list(Procedure.objects.filter(pk__in=ids)),
        units=list(
            agency.units.filter(pk__in=[v for v in request.POST.getlist("units") if v.isdigit()])
        ),
    )


SYSTEM_HANDLERS: dict[str, Handler] = {
    "policy": lambda r, a: system_svc.policy_publish(actor=r.user, agency=a, text=text(r, "text")),
    "scope": _scope,
    "steering": lambda r, a: system_svc.steering_member_add(
        actor=r.user,
        agency=a,
        user=person(r, a, "user"),
        position=text(r, "position"),
        decision=text(r, "decision", required=False),
    ),
    "context": lambda r, a: system_svc.context_issue_add(
        actor=r.user,
        agency=a,
        kind=text(r, "kind"),
        title=text(r, "title"),
        requirements=text(r, "requirements", required=False),
    ),
    "record": lambda r, a: system_svc.qms_record_add(
        actor=r.user,
        agency=a,
        clause=text(r, "clause"),
        title=text(r, "title"),
        note=text(r, "note", required=False),
    ),
    "announce": lambda r, a: review_svc.announcement_issue(
        actor=r.user, agency=a, number=text(r, "number"), signed_on=date(r, "signed_on")
    ),
    "mark": lambda r, a: review_svc.announcement_mark(
        actor=r.user,
        announcement_id=integer(r, "announcement"),
        which=text(r, "which"),
        on=date(r, "on"),
    ),
    "yearly": lambda r, a: review_svc.yearly_report_submit(
        actor=r.user, agency=a, year=integer(r, "year"), on=date(r, "submitted_on")
    ),
    "inspection": lambda r, a: review_svc.inspection_record(
        actor=r.user,
        agency=a,
        inspector=text(r, "inspector"),
        record_number=text(r, "record_number"),
        record_on=date(r, "record_on"),
        findings=text(r, "findings"),
    ),
}


@login_required
def system(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Context, scope, policy, steering committee, records, announcement and inspections."""
    agency = agency_of(request)
    if request.method == "POST":
        return _post(request, agency, SYSTEM_HANDLERS, reverse("qms:system"))
    context = base_context(request, agency)
    scope = QmsScope.objects.filter(agency=agency).first()
    context.update(
        scope=scope,
        covered=list(scope.procedures.order_by("code")) if scope else [],
        procedures=Procedure.objects.filter(agencies__agency=agency).order_by("code"),
        policy=QualityPolicy.objects.filter(agency=agency).first(),
        steering=SteeringMember.objects.filter(agency=agency).select_related("user"),
        positions=SteeringMember.Position.choices,
        issues=ContextIssue.objects.filter(agency=agency),
        kinds=ContextIssue.Kind.choices,
        records=QmsRecord.objects.filter(agency=agency),
        announcements=ConformityAnnouncement.objects.filter(agency=agency),
        inspections=ExternalInspection.objects.filter(agency=agency),
        yearly_reports=YearlyReport.objects.filter(agency=agency).order_by("-year"),
        year=clock.today().year,
    )
    return render(request, "qms/system.html", context)


OBJECTIVE_HANDLERS: dict[str, Handler] = {
    "create": lambda r, a: system_svc.objective_create(
        actor=r.user,
        agency=a,
        year=integer(r, "year"),
        title=text(r, "title"),
        target=number(r, "target"),
        direction=text(r, "direction"),
        frequency=text(r, "frequency"),
        owner=person(r, a, "owner"),
        measure_code=text(r, "measure_code", required=False),
        unit=unit_of(r, a, "unit"),
    ),
    "plan": lambda r, a: system_svc.objective_plan_add(
        actor=r.user,
        objective=_objective(r, a),
        what=text(r, "what"),
        who=person(r, a, "who"),
        due_on=date(r, "due_on"),
        resources=text(r, "resources", required=False),
        evaluation=text(r, "evaluation", required=False),
    ),
    "enter": lambda r, a: system_svc.objective_enter_value(
        actor=r.user, objective=_objective(r, a), day=date(r, "day"), value=number(r, "value")
    ),
}


def _objective(request: AuthenticatedHttpRequest, agency: Any) -> QualityObjective:
    found = QualityObjective.objects.filter(agency=agency, pk=integer(request, "objective")).first()
    if found is None:
        raise bad("objective", _("Choose an objective from the list."))
    return found


@login_required
def objectives(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    if request.method == "POST":
        return _post(request, agency, OBJECTIVE_HANDLERS, reverse("qms:objectives"))
    context = base_context(request, agency)
    rows = []
    for objective in QualityObjective.objects.filter(agency=agency).select_related("owner"):
        history = list(objective.measurements.order_by("period_start"))
        values = [float(m.value) for m in history if m.value is not None]
        top = max([*values, float(objective.target), 1.0])
        rows.append(
            {
                "objective": objective,
                "history": history,
                "bars": [
                    {"m": m, "height": 0 if m.value is None else round(60 * float(m.value) / top)}
                    for m in history[-12:]
                ],
                "plan": objective.plan_items.select_related("who"),
            }
        )
    context.update(
        rows=rows,
        measures=measure_codes(),
        directions=Direction.choices,
        frequencies=Frequency.choices,
        year=clock.today().year,
    )
    return render(request, "qms/objectives.html", context)


def _risk(request: AuthenticatedHttpRequest, agency: Any) -> Risk:
    found = Risk.objects.filter(agency=agency, pk=integer(request, "risk")).first()
    if found is None:
        raise bad("risk", _("Choose a risk from the list."))
    return found


def _process(request: AuthenticatedHttpRequest) -> InternalProcess | None:
    raw = request.POST.get("process", "")
    return InternalProcess.objects.filter(pk=raw).first() if raw.isdigit() else None


RISK_HANDLERS: dict[str, Handler] = {
    "create": lambda r, a: risk_svc.risk_create(
        actor=r.user,
        agency=a,
        code=text(r, "code"),
        kind=text(r, "kind"),
        title=text(r, "title"),
        owner=person(r, a, "owner"),
        likelihood=integer(r, "likelihood"),
        impact=integer(r, "impact"),
        review_on=date(r, "review_on"),
        process=_process(r),
    ),
    "action": lambda r, a: risk_svc.risk_action_add(
        actor=r.user,
        risk=_risk(r, a),
        description=text(r, "description"),
        owner=person(r, a, "owner"),
        due_on=date(r, "due_on"),
    ),
    "plan": lambda r, a: risk_svc.risk_plan_treatment(
        actor=r.user,
        risk_id=_risk(r, a).pk,
        version=r.POST.get("version"),
        treatment=text(r, "treatment"),
        residual_likelihood=integer(r, "residual_likelihood"),
        residual_impact=integer(r, "residual_impact"),
        accepted_until=date(r, "accepted_until", required=False),
    ),
    "matrix": lambda r, a: risk_svc.matrix_set(actor=r.user, agency=a, size=integer(r, "size")),
    "approve": lambda r, a: risk_svc.risk_approve(
        actor=r.user, risk_id=_risk(r, a).pk, version=r.POST.get("version")
    ),
}


@login_required
def risks(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    if request.method == "POST":
        return _post(request, agency, RISK_HANDLERS, reverse("qms:risks"))
    context = base_context(request, agency)
    levels = matrix_for(agency)
    context.update(
        risks=Risk.objects.filter(agency=agency)
        .select_related("owner", "process")
        .prefetch_related("actions"),
        matrix=[
            {"likelihood": i + 1, "cells": row} for i, row in reversed(list(enumerate(levels)))
        ],
        scale=list(range(1, len(levels) + 1)),
        kinds=RiskKind.choices,
        treatments=Treatment.choices,
        processes=InternalProcess.objects.order_by("code"),
    )
    return render(request, "qms/risks.html", context)


REVIEW_HANDLERS: dict[str, Handler] = {
    "record": lambda r, a: review_svc.management_review_record(
        actor=r.user,
        agency=a,
        held_on=date(r, "held_on"),
        chair=person(r, a, "chair"),
        attendees=text(r, "attendees", required=False),
        conclusions=text(r, "conclusions", required=False),
        system_effective=r.POST.get("system_effective") == "on",
    ),
    "output": lambda r, a: review_svc.review_output_add(
        actor=r.user,
        review=_review(r, a),
        description=text(r, "description"),
        owner=person(r, a, "owner"),
        due_on=date(r, "due_on"),
    ),
    "delete": lambda r, a: review_svc.management_review_delete(
        actor=r.user, review_id=_review(r, a).pk
    ),
}


def _review(request: AuthenticatedHttpRequest, agency: Any) -> ManagementReview:
    found = ManagementReview.objects.filter(agency=agency, pk=integer(request, "review")).first()
    if found is None:
        raise bad("review", _("Choose a review from the list."))
    return found


@login_required
def reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = agency_of(request)
    if request.method == "POST":
        return _post(request, agency, REVIEW_HANDLERS, reverse("qms:reviews"))
    context = base_context(request, agency)
    context["reviews"] = (
        ManagementReview.objects.filter(agency=agency)
        .prefetch_related("actions__owner")
        .select_related("chair")
    )
    return render(request, "qms/reviews.html", context)


@login_required
def review_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = agency_of(request)
    review = ManagementReview.objects.filter(agency=agency, pk=pk).first()
    if review is None:
        raise NotFound()
    return pdf_response(review_pack_pdf(review), f"xem-xet-lanh-dao-{review.held_on:%Y%m%d}.pdf")


@login_required
def announcement_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = agency_of(request)
    announcement = ConformityAnnouncement.objects.filter(agency=agency, pk=pk).first()
    if announcement is None:
        raise NotFound()
    return pdf_response(announcement_pdf(announcement), "quyet-dinh-cong-bo-iso.pdf")


@login_required
def yearly_report_pdf_view(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    agency = agency_of(request)
    if not is_manager(user=request.user, agency=agency) or not 2014 <= year <= 2100:
        raise NotFound()
    review_svc.yearly_report_open(agency=agency, year=year)
    data = yearly_report_data(agency=agency, year=year)
    return pdf_response(
        yearly_report_pdf(agency=agency, year=year, data=data), f"bao-cao-iso-{year}.pdf"
    )


def public_policy(request: HttpRequest, code: str) -> HttpResponse:
    """The quality policy in force, published on the public pages (§5.2.2)."""
    agency = agency_get_public(code=code)
    policy = QualityPolicy.objects.filter(agency=agency).first()
    if policy is None:
        raise NotFound()
    return render(request, "qms/public_policy.html", {"agency": agency, "policy": policy})

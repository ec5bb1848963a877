"""Project-level pages that gather from several apps (the composition root, like urls.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency, RoleAssignment, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import (
    agency_descendant_ids,
    agency_get,
    user_has_role,
    user_primary_agency,
)
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound
from isogov.dossiers.models import Dossier
from isogov.dossiers.selectors import dossier_queue_tabs
from isogov.dossiers.services import dossier_calendar_preview, dossier_calendar_recompute
from isogov.workcal import views as calendar_views
from isogov.workcal.forms import OverrideForm
from isogov.workcal.selectors import calendar_review_reminder
from isogov.workcal.services import calendar_override_create
from isogov.workcal.views import calendar_page, moved_message

from .dashboards import city_dashboard, leader_dashboard


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = user_primary_agency(user=request.user)
    reminder = (
        calendar_review_reminder(agency=agency, today=clock.today()) if agency is not None else None
    )
    assignments = RoleAssignment.objects.filter(user=request.user).select_related("unit")
    # The user's work at a glance: the queue's tabs with their counts, no rows.
    queue = dossier_queue_tabs(user=request.user, limit=0)
    context: dict[str, object] = {
        "agency": agency,
        "reminder": reminder,
        "assignments": assignments,
        "queue": queue,
    }
    # The agency leader's figures (docs/dashboards.md).
    if agency is not None and any(
        a.role == Role.AGENCY_LEADER and a.agency_id == agency.pk for a in assignments
    ):
        context["leader"] = leader_dashboard(agency)
    # The city leader's ranking of the agencies below the city (docs/dashboards.md).
    city_roots = [a.agency for a in assignments if a.role == Role.CITY_LEADER]
    if city_roots:
        context["city"] = city_dashboard(city_roots[0], _city_agencies(city_roots[0]))
    return render(request, "dashboard.html", context)


def _city_agencies(city: Agency) -> list[Agency]:
    """The agencies below the city (any depth) that have received dossiers."""
    ids = agency_descendant_ids(root_ids={city.pk}) - {city.pk}
    return list(
        Agency.objects.filter(pk__in=ids)
        .filter(Exists(Dossier.objects.filter(agency=OuterRef("pk"))))
        .order_by("name")
    )


@login_required
def agency_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One agency's leader dashboard, for its leaders and for a city leader above it (the city
    dashboard's drill-down); any other agency is 404."""
    agency = agency_get(user=request.user, code=code)
    cities = set(
        RoleAssignment.objects.filter(user=request.user, role=Role.CITY_LEADER).values_list(
            "agency_id", flat=True
        )
    )
    below_a_city = bool(cities) and agency.pk in agency_descendant_ids(root_ids=cities)
    is_leader = user_has_role(user=request.user, roles={Role.AGENCY_LEADER}, agency=agency)
    if not (below_a_city or is_leader):
        raise NotFound()
    context = {"agency": agency, "leader": leader_dashboard(agency)}
    return render(request, "agency_dashboard.html", context)


@login_required
@require_POST
def calendar_override_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a day off, make-up day or special hours; first show the appointments it moves.

    Here, not in ``workcal``: the calendar may not import the dossiers (import-linter), and the
    dossiers should not serve the calendar page. Without ``confirm`` and with open dossiers
    whose appointment would move, the list is shown with a confirm button; once saved, their
    due times are recomputed and the applicants told (docs/calendar.md)."""
    agency = user_primary_agency(user=request.user)
    if agency is None:
        raise NotFound(_("Your account is not attached to an agency."))
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return calendar_page(request, form=form)
    data = form.cleaned_data

    def change() -> object:
        return calendar_override_create(actor=request.user, agency=agency, **data)

    try:
        if request.POST.get("confirm") != "1":
            moved = dossier_calendar_preview(agency=agency, date=data["date"], change=change)
            if moved:
                context = {"agency": agency, "form": form, "moved": moved, "date": data["date"]}
                return render(request, "calendar_preview.html", context)
        with transaction.atomic():
            change()
            moved = dossier_calendar_recompute(actor=request.user, agency=agency, date=data["date"])
    except ApplicationError as error:
        form.add_error(None, str(error.message))
        return calendar_page(request, form=form)
    messages.success(request, _("The calendar was updated."))
    moved_message(request, len(moved))
    return redirect(f"{reverse('workcal:calendar')}?year={data['date'].year}")


def _recompute(actor: User, agency: Agency | None, date: dt.date | None) -> int:
    """The dossiers' side of a calendar change (``workcal.views.Recompute``)."""
    return len(dossier_calendar_recompute(actor=actor, agency=agency, date=date))


def calendar_override_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove an agency's day: the appointments that cross it are recomputed and told."""
    return calendar_views.override_delete(request, pk, recompute=_recompute)


def calendar_office_hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change the agency's office hours: its open appointments are recomputed and told."""
    return calendar_views.office_hours_update(request, recompute=_recompute)


def calendar_national_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set a national day: every agency's appointments that cross it are recomputed and told."""
    return calendar_views.national_override_save(request, recompute=_recompute)


def calendar_national_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove a national day's override: the same, for the day as the law has it again."""
    return calendar_views.national_override_remove(request, pk, recompute=_recompute)

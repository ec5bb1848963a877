"""Project-level pages that gather from several apps (the composition root, like urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import RoleAssignment
from isogov.accounts.selectors import user_primary_agency
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound
from isogov.dossiers.services import dossier_calendar_preview, dossier_calendar_recompute
from isogov.workcal.forms import OverrideForm
from isogov.workcal.selectors import calendar_review_reminder
from isogov.workcal.services import calendar_override_create
from isogov.workcal.views import calendar_page


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("accounts:login")


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = user_primary_agency(user=request.user)
    reminder = (
        calendar_review_reminder(agency=agency, today=clock.today()) if agency is not None else None
    )
    assignments = RoleAssignment.objects.filter(user=request.user).select_related("unit")
    return render(
        request,
        "dashboard.html",
        {"agency": agency, "reminder": reminder, "assignments": assignments},
    )


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
    if moved:
        messages.info(
            request,
            ngettext(
                "%(count)d appointment moved; the applicant was notified.",
                "%(count)d appointments moved; the applicants were notified.",
                len(moved),
            )
            % {"count": len(moved)},
        )
    return redirect(f"{reverse('workcal:calendar')}?year={data['date'].year}")

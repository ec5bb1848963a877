"""Project-level pages that gather from several apps (the composition root, like urls.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import RoleAssignment
from isogov.accounts.selectors import user_primary_agency
from isogov.core import clock
from isogov.workcal.selectors import calendar_review_reminder


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

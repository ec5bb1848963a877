"""The working-calendar page where an agency maintains its days off and make-up days.

Every change may move the appointments of open dossiers. The calendar may not import the
dossiers (import-linter), so the views that change it take the recompute as an argument
(``Recompute``) and the composition root (``isogov/views.py``) routes them with the dossiers'
one (docs/calendar.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency, User
from isogov.accounts.roles import CALENDAR_MANAGERS, Role
from isogov.accounts.selectors import user_has_role, user_primary_agency, user_scope
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound, PermissionDenied

from .engine import DayType
from .forms import (
    DeleteNationalOverrideForm,
    DeleteOverrideForm,
    NationalOverrideForm,
    OfficeHoursForm,
    OverrideForm,
)
from .models import AgencyCalendar, CalendarOverride, NationalDayOverride
from .selectors import (
    calendar_for,
    calendar_review_reminder,
    national_calendar_version,
    national_override_list,
    override_list,
)
from .services import (
    NOT_SYSTEM_ADMIN,
    calendar_override_delete,
    calendar_review_mark,
    calendar_settings_update,
    national_override_delete,
    national_override_set,
)

# After a change of the calendar of an agency (None: every agency, a national day) on a date
# (None: every day, the office hours), by a user: recompute what depends on it, in the change's
# transaction; how many appointments moved.
Recompute = Callable[[User, Agency | None, dt.date | None], int]


def _no_recompute(actor: User, agency: Agency | None, date: dt.date | None) -> int:
    return 0


def moved_message(request: AuthenticatedHttpRequest, count: int) -> None:
    """Say how many appointments a saved change moved (nothing when none did)."""
    if count:
        messages.info(
            request,
            ngettext(
                "%(count)d appointment moved; the applicant was notified.",
                "%(count)d appointments moved; the applicants were notified.",
                count,
            )
            % {"count": count},
        )


def _agency(request: AuthenticatedHttpRequest) -> Agency:
    agency = user_primary_agency(user=request.user)
    if agency is None:
        raise NotFound(_("Your account is not attached to an agency."))
    return agency


def _office_hours_initial(agency: Agency) -> dict[str, object]:
    row = AgencyCalendar(agency=agency)
    stored = AgencyCalendar.objects.filter(agency=agency).first()
    row = stored or row
    return {
        "version": row.version,
        "morning_start": row.morning_start,
        "morning_end": row.morning_end,
        "afternoon_start": row.afternoon_start,
        "afternoon_end": row.afternoon_end,
        "count_from": row.count_from,
    }


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workcal:calendar')}?year={year}")


def _year(request: AuthenticatedHttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    calendar = calendar_for(agency=None)
    return min(max(year, calendar.spec.first_year), calendar.spec.last_year)


@login_required
def calendar_page(
    request: AuthenticatedHttpRequest,
    form: OverrideForm | None = None,
    national_form: NationalOverrideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    agency = _agency(request)
    year = _year(request)
    national_overrides = national_override_list(year=year)
    calendar = calendar_for(agency=agency)
    days = list(calendar.iter_days(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    special = [
        (date, day_type, name)
        for date, day_type, name in days
        if day_type != DayType.WEEKEND and (day_type != DayType.WORKING or name)
    ]
    working_days = sum(
        1 for _d, t, _n in days if t in (DayType.WORKING, DayType.MAKEUP_WORKING_DAY)
    )
    can_manage = user_has_role(user=request.user, roles=CALENDAR_MANAGERS, agency=agency)
    context = {
        "agency": agency,
        "year": year,
        "years": range(year - 1, year + 3),
        "special_days": special,
        "working_days": working_days,
        "overrides": override_list(agency=agency, year=year),
        "can_manage": can_manage,
        "form": form or OverrideForm(),
        "delete_form": DeleteOverrideForm(),
        "hours_form": OfficeHoursForm(initial=_office_hours_initial(agency)),
        "reminder": calendar_review_reminder(agency=agency, today=clock.today()),
        "national_overrides": national_overrides,
        "national_dates": {o.date for o in national_overrides},
        "can_manage_national": user_scope(user=request.user).has_role(Role.SYSTEM_ADMIN),
        "national_form": national_form
        or NationalOverrideForm(initial={"version": national_calendar_version()}),
        "national_delete_form": DeleteNationalOverrideForm(
            initial={"version": national_calendar_version()}
        ),
        "periods": [
            (
                f"{s // 3_600_000_000:02d}:{s // 60_000_000 % 60:02d}",
                f"{e // 3_600_000_000:02d}:{e // 60_000_000 % 60:02d}",
            )
            for s, e in calendar.spec.periods
        ],
    }
    return render(request, "workcal/calendar.html", context, status=status)


@login_required
@require_POST
def override_delete(
    request: AuthenticatedHttpRequest, pk: int, recompute: Recompute = _no_recompute
) -> HttpResponse:
    """Remove an agency's day; the appointments it held back or moved are recomputed."""
    agency = _agency(request)
    override = CalendarOverride.objects.filter(pk=pk, agency=agency).first()
    if override is None:
        raise NotFound()
    form = DeleteOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for removing the day."))
    else:
        with transaction.atomic():
            calendar_override_delete(
                actor=request.user, override=override, reason=form.cleaned_data["reason"]
            )
            moved = recompute(request.user, agency, override.date)
        messages.success(request, _("The calendar was updated."))
        moved_message(request, moved)
    return _back(override.date.year)


@login_required
@require_POST
def office_hours_update(
    request: AuthenticatedHttpRequest, recompute: Recompute = _no_recompute
) -> HttpResponse:
    """Change the agency's office hours; every open appointment is recomputed."""
    agency = _agency(request)
    form = OfficeHoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the office hours: every time is required."))
    else:
        try:
            with transaction.atomic():
                calendar_settings_update(actor=request.user, agency=agency, **form.cleaned_data)
                moved = recompute(request.user, agency, None)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The calendar was updated."))
            moved_message(request, moved)
    return _back(_year(request))


@login_required
@require_POST
def review_mark(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency(request)
    year = _year(request)
    calendar_review_mark(
        actor=request.user, agency=agency, year=year, note=request.POST.get("note", "")
    )
    messages.success(
        request, _("The calendar for %(year)d is marked as reviewed.") % {"year": year}
    )
    return _back(year)


@login_required
@require_POST
def national_override_save(
    request: AuthenticatedHttpRequest, recompute: Recompute = _no_recompute
) -> HttpResponse:
    """Make a national day a holiday or a working day for every agency (system administrator);
    the open appointments of every agency that cross it are recomputed."""
    form = NationalOverrideForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                national_override_set(actor=request.user, **form.cleaned_data)
                moved = recompute(request.user, None, form.cleaned_data["date"])
        except PermissionDenied:
            raise
        except ApplicationError as error:
            for field, problems in error.details.items():
                if field in form.fields and isinstance(problems, list):
                    form.add_error(field, problems)
            if not form.errors:
                form.add_error(None, str(error.message))
            return calendar_page(request, national_form=form, status=error.status_code)
        messages.success(request, _("The national calendar was updated."))
        moved_message(request, moved)
        return _back(form.cleaned_data["date"].year)
    # Refuse a non-administrator before telling them what was wrong with the form.
    _require_national_admin(request)
    return calendar_page(request, national_form=form, status=400)


def _require_national_admin(request: AuthenticatedHttpRequest) -> None:
    if not user_scope(user=request.user).has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied(NOT_SYSTEM_ADMIN)


@login_required
@require_POST
def national_override_remove(
    request: AuthenticatedHttpRequest, pk: int, recompute: Recompute = _no_recompute
) -> HttpResponse:
    """Remove a national override; the open appointments that cross the day are recomputed."""
    override = NationalDayOverride.objects.filter(pk=pk).first()
    if override is None:
        raise NotFound()
    form = DeleteNationalOverrideForm(request.POST)
    if not form.is_valid():
        _require_national_admin(request)
        messages.error(request, _("Give a reason for removing the day."))
    else:
        try:
            with transaction.atomic():
                national_override_delete(actor=request.user, override=override, **form.cleaned_data)
                moved = recompute(request.user, None, override.date)
        except PermissionDenied:
            raise
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The national calendar was updated."))
            moved_message(request, moved)
    return _back(override.date.year)

"""Administration of the agency tree, units and predecessors."""

from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import forms, selectors, services
from ..http import AuthenticatedHttpRequest
from ..models import Agency, Unit
from ._kernel import _attempt, active_flag, admin_required


@admin_required
def admin_agency_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/admin/agency_list.html",
        {"tree": selectors.agency_tree(user=request.user)},
    )


@admin_required
def admin_agency_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.AgencyForm(request.POST or None, agencies=selectors.agency_list(user=request.user))
    status = 200
    if request.method == "POST":
        agency, status = _attempt(
            form, lambda: services.agency_create(actor=request.user, **form.cleaned_data)
        )
        if agency is not None:
            messages.success(request, _("The agency was created."))
            return redirect("accounts:admin-agency", pk=agency.pk)
    return render(request, "accounts/admin/agency_create.html", {"form": form}, status=status)


def _agency_page(
    request: AuthenticatedHttpRequest, agency: Agency, *, status: int = 200, **bound: Form
) -> HttpResponse:
    others = selectors.agency_list(user=request.user).exclude(pk=agency.pk)
    initial = {field: getattr(agency, field) for field in services.AGENCY_FIELDS}
    initial.update(parent=agency.parent_id, version=agency.version)
    context = {
        "agency": agency,
        "units": selectors.unit_list(user=request.user, agency=agency).order_by("name"),
        "predecessors": selectors.agency_predecessor_list(agency=agency),
        "successors": agency.successor_links.select_related("successor"),
        "edit_form": bound.get("edit_form")
        or forms.AgencyEditForm(agencies=others, initial=initial),
        "unit_form": bound.get("unit_form") or forms.UnitForm(),
        "predecessor_form": bound.get("predecessor_form") or forms.PredecessorForm(agencies=others),
    }
    return render(request, "accounts/admin/agency_detail.html", context, status=status)


def _agency(request: AuthenticatedHttpRequest, pk: int) -> Agency:
    return selectors.admin_agency_get(user=request.user, pk=pk)


@admin_required
def admin_agency_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _agency_page(request, _agency(request, pk))


@admin_required
@require_POST
def admin_agency_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = _agency(request, pk)
    others = selectors.agency_list(user=request.user).exclude(pk=agency.pk)
    form = forms.AgencyEditForm(request.POST, agencies=others)
    result, status = _attempt(
        form,
        lambda: services.agency_update(actor=request.user, agency=agency, **form.cleaned_data),
    )
    if result is None:
        return _agency_page(request, agency, status=status, edit_form=form)
    messages.success(request, _("The agency was saved."))
    return redirect("accounts:admin-agency", pk=pk)


@admin_required
@require_POST
def admin_unit_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = _agency(request, pk)
    form = forms.UnitForm(request.POST)
    result, status = _attempt(
        form, lambda: services.unit_create(actor=request.user, agency=agency, **form.cleaned_data)
    )
    if result is None:
        return _agency_page(request, agency, status=status, unit_form=form)
    messages.success(request, _("The unit was created."))
    return redirect("accounts:admin-agency", pk=pk)


@admin_required
@require_POST
def admin_predecessor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = _agency(request, pk)
    others = selectors.agency_list(user=request.user).exclude(pk=agency.pk)
    form = forms.PredecessorForm(request.POST, agencies=others)
    result, status = _attempt(
        form,
        lambda: services.agency_predecessor_add(
            actor=request.user, agency=agency, **form.cleaned_data
        ),
    )
    if result is None:
        return _agency_page(request, agency, status=status, predecessor_form=form)
    messages.success(request, _("The predecessor was recorded."))
    return redirect("accounts:admin-agency", pk=pk)


@admin_required
@require_POST
def admin_predecessor_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = selectors.agency_predecessor_get(user=request.user, pk=pk)
    services.agency_predecessor_remove(actor=request.user, link=link)
    messages.success(request, _("The predecessor was removed."))
    return redirect("accounts:admin-agency", pk=link.successor_id)


def _unit_page(
    request: AuthenticatedHttpRequest,
    unit: Unit,
    *,
    status: int = 200,
    form: Form | None = None,
    active_form: Form | None = None,
) -> HttpResponse:
    context = {
        "unit": unit,
        "form": form
        or forms.UnitEditForm(
            initial={
                "version": unit.version,
                "code": unit.code,
                "name": unit.name,
                "is_one_stop": unit.is_one_stop,
            }
        ),
        "active_form": active_form or forms.VersionForm(initial={"version": unit.version}),
    }
    return render(request, "accounts/admin/unit_detail.html", context, status=status)


@admin_required
def admin_unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = selectors.admin_unit_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _unit_page(request, unit)
    form = forms.UnitEditForm(request.POST)
    result, status = _attempt(
        form, lambda: services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
    )
    if result is None:
        return _unit_page(request, unit, status=status, form=form)
    messages.success(request, _("The unit was saved."))
    return redirect("accounts:admin-agency", pk=unit.agency_id)


@admin_required
@require_POST
def admin_unit_set_active(request: AuthenticatedHttpRequest, pk: int, active: int) -> HttpResponse:
    unit = selectors.admin_unit_get(user=request.user, pk=pk)
    form = forms.VersionForm(request.POST)
    result, status = _attempt(
        form,
        lambda: services.unit_set_active(
            actor=request.user,
            unit=unit,
            version=form.cleaned_data["version"],
            is_active=active_flag(active),
        ),
    )
    if result is None:
        return _unit_page(request, unit, status=status, active_form=form)
    messages.success(
        request, _("The unit was reactivated.") if active else _("The unit was deactivated.")
    )
    return redirect("accounts:admin-agency", pk=unit.agency_id)

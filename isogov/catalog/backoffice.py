"""Back-office pages for catalogue managers: drafts, diff, publish, retire, import/export,
the legal change watch and procedure reviews."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency, Unit
from isogov.accounts.selectors import agency_list, user_primary_agency
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound, PermissionDenied

from . import forms
from .exchange import catalog_export, catalog_export_xlsx
from .imports import import_job_create
from .models import AllowanceUnit, LegalChange, Procedure, ReviewCampaign, VersionStatus
from .selectors import (
    import_job_get,
    import_job_list,
    legal_change_watch,
    procedure_assignments,
    procedure_get_for_manager,
    procedure_list_for_user,
    process_as_record,
    review_campaign_list,
    user_can_manage_catalog,
    version_actions,
    version_as_record,
    version_diff,
    version_get_for_manager,
    version_in_force,
    version_process,
)
from .services import (
    agency_procedure_assign,
    legal_change_mark_done,
    legal_change_register,
    process_save_for_draft,
    review_campaign_create,
    review_finding_record,
    version_create_draft,
    version_publish,
    version_retire,
    version_update_draft,
)
from .transitions import VersionAction


def _error_lines(error: ApplicationError) -> list[str]:
    lines: list[str] = []
    for field, problems in (error.details or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            lines.append(f"{field}: {problem}" if field not in ("rows", "steps") else str(problem))
    return lines or [str(error.message)]


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not user_can_manage_catalog(user=request.user):
        raise PermissionDenied(_("Only catalogue managers may change the catalogue."))


@login_required
def catalog_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    today = clock.today()
    rows = []
    for procedure in procedure_list_for_user(user=request.user, q=q)[:500]:
        versions = list(procedure.versions.all())
        in_force = next(
            (
                v
                for v in sorted(versions, key=lambda v: v.effective_from or today, reverse=True)
                if v.status != VersionStatus.DRAFT
                and v.effective_from
                and v.effective_from <= today
                and (v.effective_to is None or v.effective_to >= today)
            ),
            None,
        )
        draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
        latest = max(versions, key=lambda v: v.number) if versions else None
        rows.append(
            {"procedure": procedure, "in_force": in_force, "draft": draft, "latest": latest}
        )
    return render(
        request,
        "catalog/backoffice_list.html",
        {"rows": rows, "q": q, "can_manage": user_can_manage_catalog(user=request.user)},
    )


@login_required
def procedure_manage(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    procedure = procedure_get_for_manager(user=request.user, code=code)
    versions = list(procedure.versions.order_by("-number"))
    in_force = version_in_force(procedure=procedure)
    # The buttons are the action table's: each version offers what its status and the user's
    # roles allow.
    actions = {v.pk: version_actions(user=request.user, version=v) for v in versions}
    to_publish = next((v for v in versions if VersionAction.PUBLISH in actions[v.pk]), None)
    to_retire = in_force if in_force and VersionAction.RETIRE in actions[in_force.pk] else None
    return render(
        request,
        "catalog/procedure_manage.html",
        {
            "procedure": procedure,
            "versions": [(v, actions[v.pk]) for v in versions],
            "in_force": in_force,
            "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            "to_publish": to_publish,
            "to_retire": to_retire,
            "publish_form": forms.action_form(
                VersionAction.PUBLISH,
                forms.PublishForm,
                initial={"version": to_publish.version if to_publish else None},
            ),
            "retire_form": forms.action_form(VersionAction.RETIRE, forms.RetireForm),
            "process": version_process(version=in_force) if in_force else None,
            "assignments": procedure_assignments(procedure=procedure),
            "assign_form": _assign_form(request),
        },
    )


def _assign_form(request: AuthenticatedHttpRequest, data: Any = None) -> forms.AssignForm:
    agencies = [
        a
        for a in agency_list(user=request.user)
        if user_can_manage_catalog(user=request.user, agency=a)
    ]
    ids = [a.pk for a in agencies]
    return forms.AssignForm(
        data,
        agencies=Agency.objects.filter(pk__in=ids).order_by("name"),
        units=Unit.objects.filter(agency_id__in=ids).select_related("agency"),
    )


@login_required
@require_POST
def procedure_assign(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    procedure = procedure_get_for_manager(user=request.user, code=code)
    form = _assign_form(request, request.POST)
    if not form.is_valid():
        if "agency" in form.errors:
            messages.error(request, _("Choose an agency you manage."))
        else:
            for name, problems in form.errors.items():
                text = " ".join(str(problem) for problem in problems)
                messages.error(request, f"{form.fields[name].label}: {text}")
        return redirect("catalog:procedure", code=code)
    try:
        agency_procedure_assign(
            actor=request.user,
            agency=form.cleaned_data["agency"],
            procedure=procedure,
            unit=form.cleaned_data["unit"],
            is_active=form.cleaned_data["is_active"],
            promise_value=form.cleaned_data["promise_value"],
            promise_unit=form.cleaned_data["promise_unit"] or AllowanceUnit.WORKING_DAYS,
        )
        messages.success(request, _("Assignment saved."))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("catalog:procedure", code=code)


@login_required
@require_POST
def draft_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    procedure = procedure_get_for_manager(user=request.user, code=code)
    try:
        draft = version_create_draft(actor=request.user, procedure=procedure)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("catalog:procedure", code=code)
    messages.success(request, _("Draft version %(number)s created.") % {"number": draft.number})
    return redirect("catalog:version-edit", code=code, number=draft.number)


def _formsets(
    data: Any = None, files: Any = None, initial: dict[str, Any] | None = None
) -> dict[str, Any]:
    initial = initial or {
        "version": None,
        "channels": [],
        "fees": [],
        "papers": [],
        "legal_bases": [],
    }
    return {
        "form": forms.VersionForm(data, initial=initial["version"]),
        "channels": forms.ChannelFormSet(data, prefix="ch", initial=initial["channels"]),
        "fees": forms.FeeFormSet(data, prefix="fee", initial=initial["fees"]),
        "papers": forms.PaperFormSet(data, files, prefix="paper", initial=initial["papers"]),
        "bases": forms.LegalBasisFormSet(data, prefix="lb", initial=initial["legal_bases"]),
    }


@login_required
def version_edit(request: AuthenticatedHttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get_for_manager(user=request.user, code=code, number=number)
    if VersionAction.EDIT not in version_actions(user=request.user, version=version):
        messages.error(
            request, _("A published version cannot be changed. Create a new draft version instead.")
        )
        return redirect("catalog:procedure", code=code)
    initial = forms.initial_from_record(version_as_record(version=version))
    errors: list[str] = []
    if request.method == "POST":
        bound = _formsets(request.POST, request.FILES, initial)
        if all(f.is_valid() for f in bound.values()):
            uploaded = {}
            for i, paper_form in enumerate(bound["papers"].forms):
                upload = paper_form.cleaned_data.get("upload")
                if upload:
                    uploaded[i] = default_storage.save(f"catalog/templates/{upload.name}", upload)
            record = forms.record_from_forms(
                bound["form"],
                bound["channels"],
                bound["fees"],
                bound["papers"],
                bound["bases"],
                uploaded,
            )
            try:
                version_update_draft(
                    actor=request.user,
                    version=version,
                    sent_version=request.POST.get("lock"),
                    data=record,
                )
            except ApplicationError as error:
                errors = _error_lines(error)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("catalog:procedure", code=code)
        else:
            errors = [_("Check the highlighted fields.")]
        context = bound
    else:
        context = _formsets(initial=initial)
    return render(
        request,
        "catalog/version_edit.html",
        {**context, "version": version, "procedure": version.procedure, "errors": errors},
    )


@login_required
def version_process_edit(request: AuthenticatedHttpRequest, code: str, number: int) -> HttpResponse:
    """The internal process of a draft version: edit it, or make a new issue for the draft."""
    version = version_get_for_manager(user=request.user, code=code, number=number)
    process = version_process(version=version)
    header_initial, steps_initial = forms.process_initial(
        process_as_record(process=process) if process else None
    )
    header = forms.ProcessForm(request.POST or None, initial=header_initial)
    steps = forms.StepFormSet(request.POST or None, prefix="step", initial=steps_initial)
    errors: list[str] = []
    if request.method == "POST":
        if header.is_valid() and steps.is_valid():
            try:
                process_save_for_draft(
                    actor=request.user,
                    version=version,
                    data=forms.process_record(header, steps),
                )
            except ApplicationError as error:
                errors = _error_lines(error)
            else:
                messages.success(request, _("Internal process saved."))
                return redirect("catalog:procedure", code=code)
        else:
            errors = [_("Check the highlighted fields.")]
    return render(
        request,
        "catalog/process_edit.html",
        {
            "version": version,
            "procedure": version.procedure,
            "process": process,
            "header": header,
            "steps": steps,
            "errors": errors,
            "channels": version.channels.all(),
        },
    )


@login_required
def version_diff_page(request: AuthenticatedHttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get_for_manager(user=request.user, code=code, number=number)
    in_force = version_in_force(procedure=version.procedure)
    rows = version_diff(old=in_force if in_force != version else None, new=version)
    return render(
        request,
        "catalog/version_diff.html",
        {
            "version": version,
            "procedure": version.procedure,
            "in_force": in_force,
            "rows": rows,
            "changed": sum(1 for r in rows if r.changed),
        },
    )


@login_required
@require_POST
def version_publish_view(request: AuthenticatedHttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get_for_manager(user=request.user, code=code, number=number)
    form = forms.action_form(VersionAction.PUBLISH, forms.PublishForm, data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the effective date and confirm."))
    else:
        try:
            version_publish(
                actor=request.user,
                version=version,
                effective_from=form.cleaned_data["effective_from"],
                sent_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Version published."))
        except ApplicationError as error:
            messages.error(request, str(error.message))
    return redirect("catalog:procedure", code=code)


@login_required
@require_POST
def version_retire_view(request: AuthenticatedHttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get_for_manager(user=request.user, code=code, number=number)
    form = forms.action_form(VersionAction.RETIRE, forms.RetireForm, data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day in force and the reason, and confirm."))
    else:
        try:
            version_retire(
                actor=request.user,
                version=version,
                effective_to=form.cleaned_data["effective_to"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Version retired."))
        except ApplicationError as error:
            messages.error(request, str(error.message))
    return redirect("catalog:procedure", code=code)


@login_required
def catalog_import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(actor=request.user, name=upload.name, content=upload.read())
        return redirect("catalog:import-job", pk=job.pk)
    jobs = list(import_job_list(user=request.user)[:10])
    # While a listed import runs, htmx refreshes the list until every one has ended.
    running = any(not job.is_finished for job in jobs)
    return render(request, "catalog/import.html", {"form": form, "jobs": jobs, "running": running})


@login_required
def import_job_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress of one import; htmx polls the same URL for the progress fragment."""
    _require_manager(request)
    job = import_job_get(user=request.user, pk=pk)
    polled = request.headers.get("HX-Request") == "true"
    template = "catalog/_import_job.html" if polled else "catalog/import_job.html"
    return render(request, template, {"job": job})


@login_required
def catalog_export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(
        json.dumps(catalog_export(), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="catalog.json"'
    return response


@login_required
def catalog_export_xlsx_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(
        catalog_export_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="catalog.xlsx"'
    return response


def _procedures_by_codes(text: str) -> tuple[list[Procedure], list[str]]:
    codes = [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]
    found = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


@login_required
def legal_changes_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.LegalChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedures, unknown = _procedures_by_codes(data["procedures"])
        if unknown:
            form.add_error(
                "procedures", _("Unknown codes: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        else:
            legal_change_register(
                actor=request.user,
                number=data["number"],
                summary=data["summary"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                effective_on=data["effective_on"],
                publisher_level=data["publisher_level"],
                procedures=procedures,
            )
            messages.success(request, _("Legal change registered."))
            return redirect("catalog:legal-changes")
    return render(
        request, "catalog/legal_changes.html", {"rows": legal_change_watch(), "form": form}
    )


@login_required
@require_POST
def legal_change_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    change = LegalChange.objects.filter(pk=pk).first()
    if change is None:
        raise NotFound()
    today = clock.today()
    which = request.POST.get("which")
    legal_change_mark_done(
        actor=request.user,
        change=change,
        published_on=today if which == "published" else None,
        iso_updated_on=today if which == "iso" else None,
    )
    return redirect("catalog:legal-changes")


@login_required
def reviews_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    agency = user_primary_agency(user=request.user)
    form = forms.ReviewCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and agency is not None:
        campaign = review_campaign_create(actor=request.user, agency=agency, **form.cleaned_data)
        return redirect("catalog:review", pk=campaign.pk)
    return render(
        request,
        "catalog/reviews.html",
        {"campaigns": review_campaign_list(user=request.user), "form": form},
    )


@login_required
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    campaign: ReviewCampaign | None = review_campaign_list(user=request.user).filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    form = forms.ReviewFindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedures, unknown = _procedures_by_codes(data["procedure"])
        if unknown or not procedures:
            form.add_error(
                "procedure", _("Unknown codes: %(codes)s") % {"codes": data["procedure"]}
            )
        else:
            try:
                review_finding_record(
                    actor=request.user,
                    campaign=campaign,
                    procedure=procedures[0],
                    outcome=data["outcome"],
                    proposal=data["proposal"],
                    saved_days=data["saved_days"] or Decimal(0),
                    saved_papers=data["saved_papers"] or 0,
                )
                messages.success(request, _("Finding recorded."))
                return redirect("catalog:review", pk=pk)
            except ApplicationError as error:
                form.add_error(None, str(error.message))
    findings = list(campaign.findings.all())
    return render(
        request,
        "catalog/review_detail.html",
        {
            "campaign": campaign,
            "findings": findings,
            "form": form,
            "saved_days": sum(f.saved_days for f in findings),
            "saved_papers": sum(f.saved_papers for f in findings),
        },
    )

"""The dossier page's panel (``dossiers.panels``): its sync state with the portal and a retry,
or, for an external dossier, its source system; and the in-app administration of the
integration (mapping tables, unmapped codes, file imports with their progress)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.core.errors import NotFound, ValidationFailed
from isogov.dossiers.models import STATUS_CHOICES
from isogov.dossiers.permissions import held_roles
from isogov.dossiers.selectors import dossier_get_detail

from . import conf, mappings, wire
from .files import inbound_job_create
from .models import DossierSync, InboundImport, ProcedureCodeMap, UnmappedCode
from .outbound.sync import sync_retry


@login_required
def dossier_panel(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    dossier = dossier_get_detail(user=request.user, code=code)
    enabled = conf.portal()["ENABLED"]
    if not dossier.source and not enabled:
        return HttpResponse("")
    sync = DossierSync.objects.filter(dossier=dossier).first()
    context = {
        "dossier": dossier,
        "sync": sync,
        "may_retry": bool(held_roles(user=request.user, agency=dossier.agency)),
    }
    return render(request, "integrations/_dossier_panel.html", context)


@require_POST
@login_required
def dossier_sync_retry(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    dossier = dossier_get_detail(user=request.user, code=code)
    if dossier.source or not held_roles(user=request.user, agency=dossier.agency):
        return HttpResponse(status=403)
    sync_retry(actor=request.user, dossier=dossier)
    return redirect("dossiers:detail", code=dossier.code)


# --- the in-app administration: mapping tables, unmapped codes, file imports ----------------
def _manager(request: AuthenticatedHttpRequest) -> None:
    mappings.require_manager(request.user)


@login_required
def mapping_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        post = request.POST
        try:
            if action == "procedure":
                mappings.procedure_code_map(
                    actor=request.user,
                    procedure_code=post.get("procedure_code", ""),
                    portal_code=post.get("portal_code", ""),
                )
            elif action == "unmap":
                mappings.procedure_code_unmap(actor=request.user, pk=_int(post.get("pk")))
            elif action == "agency" and request.user.agency is not None:
                mappings.agency_code_map(
                    actor=request.user,
                    agency=request.user.agency,
                    portal_code=post.get("portal_code", ""),
                )
            elif action == "status":
                mappings.status_code_map(
                    actor=request.user,
                    status=post.get("status", ""),
                    portal_code=post.get("portal_code", ""),
                )
        except ValidationFailed as error:
            errors = {k: [str(m) for m in v] for k, v in error.details.items()}
        else:
            return redirect("integrations:mappings")
    maps = wire.Maps.load()
    agency = request.user.agency
    context = {
        "procedure_maps": ProcedureCodeMap.objects.select_related("procedure").all(),
        "unmapped": UnmappedCode.objects.all(),
        "agency": agency,
        "agency_code": maps.agency_code(agency) if agency is not None else "",
        "statuses": [(value, label, maps.statuses[value]) for value, label in STATUS_CHOICES],
        "codes": range(1, 11),
        "errors": errors,
    }
    return render(request, "integrations/mappings.html", context, status=400 if errors else 200)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise NotFound() from None


class ImportForm(forms.Form):
    source = forms.CharField(label=_("Source system"), max_length=64)
    file = forms.FileField(
        label=_("File (JSON, CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,.xlsx"}),
    )


@login_required
def import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    agency = request.user.agency
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and agency is not None:
        upload = form.cleaned_data["file"]
        try:
            job = inbound_job_create(
                actor=request.user,
                agency=agency,
                source=form.cleaned_data["source"],
                name=upload.name,
                content=upload.read(),
            )
        except ValidationFailed as error:
            for field, messages in error.details.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("integrations:import-job", pk=job.pk)
    jobs = InboundImport.objects.filter(agency=agency).order_by("-created_at")[:20]
    return render(
        request,
        "integrations/import.html",
        {"form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


@login_required
def import_job_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress of one import; htmx polls the same URL for the progress fragment."""
    _manager(request)
    job = InboundImport.objects.filter(pk=pk, agency=request.user.agency).first()
    if job is None:
        raise NotFound()
    polled = request.headers.get("HX-Request") == "true"
    template = "integrations/_import_job.html" if polled else "integrations/import_job.html"
    return render(request, template, {"job": job})

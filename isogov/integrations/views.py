"""The dossier page's panel (``dossiers.panels``): its sync state with the portal and a retry,
or, for an external dossier, its source system."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.dossiers.permissions import held_roles
from isogov.dossiers.selectors import dossier_get_detail

from . import conf
from .models import DossierSync
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

"""The public home ``/`` (issue 12 item 1): search, the most used procedures, the lookup, the
agency's address, contact and opening hours, its quality policy and the transparency link.

Signed-in staff who open ``/`` go on to their dashboard, as before the portal existed: ``/`` is
their bookmark, and the public pages stay one click away (docs/portal.md).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from isogov.catalog.models import ProcedureVersion
from isogov.catalog.selectors import in_force_filter, procedure_search
from isogov.core import clock
from isogov.dossiers.selectors import procedure_usage
from isogov.qms.selectors import quality_policy_public
from isogov.workcal.selectors import office_hours

from ..agency import portal_agency, public_agencies

MOST_USED = 8
USAGE_DAYS = 365
USAGE_CACHE_SECONDS = 3600


def most_used(agency_id: int, agency: object) -> list[ProcedureVersion]:
    """The versions in force of the agency's most used procedures (dossiers of the last year),
    counted at most once an hour (the count reads a year of dossiers)."""
    key = f"portal:most-used:{agency_id}:{clock.today():%Y%m%d}"
    codes = cache.get(key)
    if codes is None:
        since = clock.now() - dt.timedelta(days=USAGE_DAYS)
        codes = procedure_usage(agency=agency, since=since, limit=MOST_USED)  # type: ignore[arg-type]
        cache.set(key, codes, USAGE_CACHE_SECONDS)
    versions: dict[str, ProcedureVersion] = {}
    for version in (
        ProcedureVersion.objects.filter(in_force_filter(), procedure__code__in=codes)
        .select_related("procedure")
        .order_by("-effective_from")
    ):
        versions.setdefault(version.procedure.code, version)
    found = [versions[code] for code in codes if code in versions]
    if not found:  # no dossier yet: the agency's first procedures
        found = list(procedure_search(agency=agency)[:MOST_USED])  # type: ignore[arg-type]
    return found


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    agencies = public_agencies()
    agency = portal_agency(request, agencies)
    context: dict[str, object] = {"agencies": agencies, "agency": agency, "nav_current": ""}
    if agency is not None:
        context.update(
            {
                "most_used": most_used(agency.pk, agency),
                "hours": office_hours(agency=agency),
                "policy": quality_policy_public(agency=agency),
            }
        )
    return render(request, "portal/home.html", context)

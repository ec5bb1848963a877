"""Public catalogue pages ``/thu-tuc/`` (no sign-in): the list with filters and search, the
detail page and the form templates. The catalogue app gives the selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from isogov.catalog.models import ChannelKind, OnlineLevel, Paper, ProcedureLevel
from isogov.catalog.selectors import (
    agencies_with_procedures,
    procedure_agencies,
    procedure_get_public,
    procedure_search,
    sector_list,
    version_in_force_detail,
    version_process,
)
from isogov.core.errors import NotFound

ONLINE_KINDS = frozenset({ChannelKind.ONLINE_PARTIAL, ChannelKind.ONLINE_FULL})

PAGE_SIZE = 50


def procedure_list_public(request: HttpRequest) -> HttpResponse:
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "sector", "level", "channel", "online_level", "agency")
    }
    results = procedure_search(
        q=filters["q"],
        sector=filters["sector"],
        level=filters["level"],
        channel=filters["channel"],
        online_level=filters["online_level"],
        agency_code=filters["agency"],
    ).prefetch_related("channels")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/procedure_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "sectors": sector_list(),
            "agencies": agencies_with_procedures(),
            "levels": ProcedureLevel.choices,
            "channels": ChannelKind.choices,
            "online_levels": OnlineLevel.choices,
            "nav_current": "procedures",
        },
    )


def procedure_detail_public(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_get_public(code=code)
    version = version_in_force_detail(procedure=procedure)
    channels = list(version.channels.all())
    common_fees = list(version.fees.all())
    agencies = procedure_agencies(procedure=procedure)
    online = any(channel.kind in ONLINE_KINDS for channel in channels)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "version": version,
            "channels": [(channel, [*channel.fees.all(), *common_fees]) for channel in channels],
            "process": version_process(version=version),
            "agencies": agencies,
            # Offered online: submit it from here (docs/online-submission.md).
            "submit_agencies": agencies if online else [],
            "nav_current": "procedures",
        },
    )


def paper_template_download(request: HttpRequest, code: str, paper_id: int) -> FileResponse:
    procedure = procedure_get_public(code=code)
    paper = Paper.objects.filter(pk=paper_id, version__procedure=procedure).first()
    if paper is None or not paper.template:
        raise NotFound()
    return FileResponse(
        paper.template.open("rb"),
        as_attachment=True,
        filename=paper.template.name.rsplit("/", 1)[-1],
    )

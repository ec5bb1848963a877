"""The register (sổ theo dõi hồ sơ) pages: a month of the year on the page, the year's files
built in the background and their progress."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.core import clock
from isogov.core.errors import NotFound, ValidationFailed

from . import exports, register_jobs, register_months, selectors
from . import register as dossier_register
from .models import Dossier, RegisterExport, RegisterExportStatus
from .views import request_agency

# A register up to this many rows is still built inside the request; a larger one goes to the
# background worker (``register_jobs``).
REGISTER_DIRECT_ROWS = 2000


@login_required
def register(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The register (sổ theo dõi hồ sơ) of the user's agency for one year: the page shows one
    month, 50 rows a page, with the months' totals counted in SQL; the year's PDF and XLSX are
    built in the background (a small one at once); CSV is streamed."""
    agency = request_agency(request)
    # A year that is no number, absurd or before the first rule set is a 400 naming it.
    year = dossier_register.register_year(request.GET.get("year"))
    form_set = dossier_register.register_form_set(year)
    q = request.GET.get("q", "")[:200]
    listed = selectors.dossier_register(user=request.user, agency=agency, year=year, q=q)
    export = request.GET.get("format", "")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in ("pdf", "xlsx"):
            message = _("Choose PDF or XLSX.")
            raise ValidationFailed(message, details={"kind": [message]})
        job = register_jobs.register_export_request(
            actor=request.user, agency=agency, year=year, kind=kind, q=q
        )
        return redirect("dossiers:register-export", pk=job.pk)
    if export == "csv":
        rows = dossier_register.register_rows(agency=agency, dossiers=listed)
        body = dossier_register.register_csv_stream(rows=rows)
        return exports.streaming_download(body, export=export, filename=f"so-theo-doi-{year}")
    if export in ("xlsx", "pdf"):
        if listed[: REGISTER_DIRECT_ROWS + 1].count() > REGISTER_DIRECT_ROWS:
            job = register_jobs.register_export_request(
                actor=request.user, agency=agency, year=year, kind=export, q=q
            )
            return redirect("dossiers:register-export", pk=job.pk)
        if export == "xlsx":
            rows = dossier_register.register_rows(agency=agency, dossiers=listed)
            body = dossier_register.register_xlsx_stream(
                agency_name=agency.name, year=year, rows=rows, form_set=form_set
            )
            return exports.streaming_download(body, export=export, filename=f"so-theo-doi-{year}")
        data = dossier_register.register_data(agency=agency, year=year, dossiers=list(listed))
        body_pdf = dossier_register.render_register_pdf(data, form_set=form_set)
        response = HttpResponse(body_pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{year}.pdf"'
        return response

    def month_of(month: int) -> QuerySet[Dossier]:
        return selectors.dossier_register(
            user=request.user, agency=agency, year=year, q=q, month=month
        )

    totals = (  # without a search, the whole register: the closed months as stored
        register_months.agency_month_totals(agency, year, month_of)
        if not q
        else dossier_register.register_month_totals(month_of)
    )
    month = dossier_register.register_number(
        request.GET.get("month"), field="month", low=1, high=12
    )
    if month is None:
        # The latest month with dossiers (the current one, in a year under way).
        filled = [m for m, t in totals.items() if t.received]
        month = filled[-1] if filled else min(clock.today().month, 12)
    # The month on the page is counted in full (finished, returned, late); the others by receipt.
    chosen = totals[month] = dossier_register.register_month_details(
        month_of(month), month, totals[month].received
    )
    page = (
        dossier_register.register_number(
            request.GET.get("page"), field="page", low=1, high=chosen.pages
        )
        or 1
    )
    dossiers = dossier_register.register_month_page(month_of(month), page)
    data = dossier_register.register_data(agency=agency, year=year, dossiers=dossiers)
    first = max(clock.today().year - 3, dossier_register.FIRST_REGISTER_YEAR)
    return render(
        request,
        "dossiers/register.html",
        {
            "agency": agency,
            "year": year,
            "q": q,
            "month": month,
            "page": page,
            "pages": dossier_register.page_window(page, chosen.pages),
            "page_query": urlencode({"year": year, "q": q, "month": month}),
            "totals": list(totals.values()),
            "chosen": chosen,
            "year_total": sum(t.received for t in totals.values()),
            "rows": zip(dossiers, data.rows, strict=True),
            "years": range(first, clock.today().year + 1),
            "jobs": RegisterExport.objects.filter(agency=agency, year=year)[:5],
        },
    )


@login_required
def register_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """A register file being built: its progress (htmx polls the fragment), then its link;
    ``?download=1`` sends the file."""
    agency = request_agency(request)
    job = RegisterExport.objects.filter(pk=pk, agency=agency).first()
    if job is None:
        raise NotFound()
    if request.GET.get("download") == "1":
        if job.status != RegisterExportStatus.DONE or not job.file:
            raise NotFound()
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=f"so-theo-doi-{job.year}.{job.kind}"
        )
    polled = request.headers.get("HX-Request") == "true"
    template = "dossiers/_register_export.html" if polled else "dossiers/register_export.html"
    return render(request, template, {"job": job})

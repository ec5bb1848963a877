"""The leaders' report pages: the periodic statistics report (issue 10 item 4) and the
bottlenecks (item 5). Scoped like ``/api/v1/indicators/``: an agency the user may not see is
404; any bad parameter answers 400 naming it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.core import clock
from isogov.core.errors import ValidationFailed

from . import bottlenecks
from .report_documents import report_pdf, report_xlsx
from .selectors import indicator_scope_get
from .statistics import BY, BY_LABELS, COLUMNS, PERIOD_KINDS, Report, period_bounds
from .statistics import statistics_report as build_report

OLDEST_YEAR = 2018  # the one-stop rules of Decree 61/2018 start then
NOT_A_CHOICE = gettext_lazy("“%(value)s” is not one of: %(choices)s.")
NOT_A_YEAR = gettext_lazy("The year must be a number from %(first)s to %(last)s.")
NOT_A_NUMBER = gettext_lazy("The number must be from 1 to %(last)s.")
PERIOD_LABELS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}


def _bad(name: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={name: [str(message)]})


def choice(params: Any, name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(name, "").strip() or default
    if value not in choices:
        raise _bad(name, NOT_A_CHOICE % {"value": value[:30], "choices": ", ".join(choices)})
    return value


def _integer(params: Any, name: str, default: int, low: int, high: int, message: Any) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise _bad(name, message)
    return int(text)


def period_from_params(params: Any, today: dt.date) -> tuple[str, int, int]:
    """(kind, year, number) from ``period``, ``year`` and ``number``, every one range-checked."""
    kind = choice(params, "period", PERIOD_KINDS, "month")
    year = _integer(
        params,
        "year",
        today.year,
        OLDEST_YEAR,
        today.year,
        NOT_A_YEAR % {"first": OLDEST_YEAR, "last": today.year},
    )
    last = {"month": 12, "quarter": 4, "year": 1}[kind]
    default = {"month": today.month, "quarter": (today.month - 1) // 3 + 1, "year": 1}[kind]
    number = _integer(params, "number", default, 1, last, NOT_A_NUMBER % {"last": last})
    return kind, year, number


def period_label(kind: str, year: int, number: int) -> str:
    if kind == "year":
        return f"{PERIOD_LABELS[kind]} {year}"
    return f"{PERIOD_LABELS[kind]} {number}/{year}"


def cell_url(report: Report, category: str, code: str) -> str:
    """The dossier list behind one count (``dossiers.listing`` ``stat`` filter)."""
    query = {
        "stat": category,
        "stat_from": report.date_from.isoformat(),
        "stat_to": report.date_to.isoformat(),
        "agency": report.agency.code,
    }
    if code:
        query[report.by] = code
    return f"{reverse('dossiers:search')}?{urlencode(query)}"


@login_required
def statistics_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The report for a month, quarter or year, by sector, procedure or unit; ``format=xlsx``
    or ``pdf`` downloads it in the table layout."""
    params = request.GET
    today = clock.today()
    scope = indicator_scope_get(user=request.user, agency=params.get("agency", "").strip())
    kind, year, number = period_from_params(params, today)
    by = choice(params, "by", BY, "sector")
    export = params.get("format", "").strip()
    if export and export not in ("xlsx", "pdf"):
        raise _bad("format", NOT_A_CHOICE % {"value": export[:30], "choices": "xlsx, pdf"})
    date_from, date_to = period_bounds(kind, year, number)
    if date_from > today:
        raise _bad("number", _("The period has not started yet."))
    date_to = min(date_to, today)
    report = build_report(scope.agency, date_from, date_to, by)
    label = period_label(kind, year, number)
    if export:
        filename = f"bao-cao-thong-ke-{scope.agency.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
        if export == "pdf":
            body, content_type = report_pdf(report, label), "application/pdf"
        else:
            body = report_xlsx(report, label)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{export}"'
        return response
    rows = [
        (
            row,
            [
                (key, heading, row.counts[key], cell_url(report, key, row.code))
                for key, heading in COLUMNS
            ],
        )
        for row in [*report.rows, report.total]
    ]
    query = {"agency": scope.agency.code, "period": kind, "year": year, "number": number}
    return render(
        request,
        "indicators/statistics.html",
        {
            "report": report,
            "rows": rows,
            "columns": COLUMNS,
            "label": label,
            "kind": kind,
            "year": year,
            "number": number,
            "by": by,
            "by_choices": [(value, BY_LABELS[value]) for value in BY],
            "period_choices": [(value, PERIOD_LABELS[value]) for value in PERIOD_KINDS],
            "xlsx_url": "?" + urlencode({**query, "by": by, "format": "xlsx"}),
            "pdf_url": "?" + urlencode({**query, "by": by, "format": "pdf"}),
            "years": list(range(today.year, OLDEST_YEAR - 1, -1)),
        },
    )


@login_required
def bottlenecks_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per procedure, each step's average and 90th-percentile time at its unit against its
    allowance; and the steps that made dossiers late, ranked (issue 10 item 5)."""
    params = request.GET
    today = clock.today()
    scope = indicator_scope_get(user=request.user, agency=params.get("agency", "").strip())
    kind, year, number = period_from_params(params, today)
    date_from, date_to = period_bounds(kind, year, number)
    if date_from > today:
        raise _bad("number", _("The period has not started yet."))
    date_to = min(date_to, today)
    procedures = bottlenecks.procedures_with_steps(scope.agency, date_from, date_to)
    code = params.get("procedure", "").strip()[:64]
    if code and code not in {c for c, _n in procedures}:
        raise _bad("procedure", _("No step of this procedure finished in the period."))
    code = code or (procedures[0][0] if procedures else "")
    return render(
        request,
        "indicators/bottlenecks.html",
        {
            "agency": scope.agency,
            "label": period_label(kind, year, number),
            "date_from": date_from,
            "date_to": date_to,
            "kind": kind,
            "year": year,
            "number": number,
            "period_choices": [(value, PERIOD_LABELS[value]) for value in PERIOD_KINDS],
            "years": list(range(today.year, OLDEST_YEAR - 1, -1)),
            "procedures": procedures,
            "procedure": code,
            "steps": bottlenecks.step_times(scope.agency, code, date_from, date_to) if code else [],
            "late_steps": bottlenecks.late_steps(scope.agency, date_from, date_to),
        },
    )

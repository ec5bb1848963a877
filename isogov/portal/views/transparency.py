"""The public transparency page ``/minh-bach/`` (issue 10 item 7, no sign-in).

Every figure comes from the indicators registry (docs/indicators.md); the catalogue gives only
the legal times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency
from isogov.catalog.models import ChannelKind, Procedure, ProcedureChannel, TimeUnitChoice
from isogov.catalog.selectors import in_force_filter
from isogov.core import clock
from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import Status
from isogov.indicators.registry import Result, Scope, evaluate_all, evaluate_by_procedure

from ..agency import public_agencies

PERIOD_CODES = ["count.received", "count.finished", "2.1", "2.2", "5.4"]


@dataclass(frozen=True)
class ProcedureTime:
    procedure: Procedure
    name: str  # of the version in force
    legal: str  # the legal processing time of the version in force, per channel
    month: Result
    year: Result


@dataclass(frozen=True)
class Period:
    label: str
    date_from: dt.date
    date_to: dt.date
    received: Result
    finished: Result
    on_time: Result  # 2.1: numerator = on time, denominator − numerator = late
    average: Result
    satisfaction: Result

    @property
    def late(self) -> int | None:
        if self.on_time.denominator is None or self.on_time.numerator is None:
            return None
        return int(self.on_time.denominator) - int(self.on_time.numerator)


def _period(agency: Agency, label: str, date_from: dt.date, date_to: dt.date) -> Period:
    r = {
        x.code: x for x in evaluate_all(Scope(agency=agency), date_from, date_to, only=PERIOD_CODES)
    }
    return Period(
        label,
        date_from,
        date_to,
        r["count.received"],
        r["count.finished"],
        r["2.1"],
        r["2.2"],
        r["5.4"],
    )


def _legal_times(procedure_ids: list[int], today: dt.date) -> dict[int, tuple[str, str]]:
    """Procedure id → the name and the legal processing time(s) of its version in force."""
    channels = (
        ProcedureChannel.objects.filter(
            in_force_filter(today, prefix="version__"), version__procedure_id__in=procedure_ids
        )
        .order_by("version__procedure_id", "kind")
        .values_list("version__procedure_id", "version__name", "kind", "time_value", "time_unit")
    )
    found: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    kinds, units = dict(ChannelKind.choices), dict(TimeUnitChoice.choices)
    for procedure_id, name, kind, value, unit in channels:
        names[procedure_id] = name
        item = f"{kinds.get(kind, kind)}: {value.normalize():f} {units.get(unit, unit)}"
        if item not in found.setdefault(procedure_id, []):
            found[procedure_id].append(item)
    return {pk: (names[pk], "; ".join(items)) for pk, items in found.items()}


def _compute(agency: Agency) -> tuple[list[Period], list[ProcedureTime]]:
    today = clock.today()
    month = _period(agency, _("This month"), today.replace(day=1), today)
    year = _period(agency, _("This year"), today.replace(month=1, day=1), today)
    year_start = dt.datetime.combine(year.date_from, dt.time(), tzinfo=clock.LOCAL_TZ)
    # The procedures with a dossier finished this year: their 2.2, month and year.
    ids = sorted(
        set(
            Dossier.objects.filter(agency=agency, finished_at__gte=year_start)
            .exclude(status=Status.STOPPED)
            .values_list("procedure_version__procedure_id", flat=True)
        )
    )
    legal = _legal_times(ids, today)
    # 2.2 of every procedure in one grouped query per period (not a few queries per procedure).
    whole = Scope(agency=agency)
    by_month = evaluate_by_procedure(whole, ids, month.date_from, month.date_to)
    by_year = evaluate_by_procedure(whole, ids, year.date_from, year.date_to)
    rows = [
        ProcedureTime(
            procedure,
            *legal.get(procedure.pk, (procedure.code, "—")),
            by_month[procedure.pk],
            by_year[procedure.pk],
        )
        for procedure in Procedure.objects.filter(pk__in=ids).order_by("code")
    ]
    return [month, year], rows


def _figures(agency: Agency) -> tuple[list[Period], list[ProcedureTime]]:
    """The figures, computed at most once per ``ISOGOV_TRANSPARENCY_CACHE_SECONDS`` per agency and
    language: the registry reads every dossier of the year (seconds for a busy agency), a public
    page may not (docs/portal.md). 0: computed at each request."""
    seconds = settings.ISOGOV_TRANSPARENCY_CACHE_SECONDS
    if seconds <= 0:
        return _compute(agency)
    key = f"portal:transparency:{agency.pk}:{clock.today():%Y%m%d}:{get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute(agency)
        cache.set(key, figures, seconds)
    return figures


def transparency(request: HttpRequest) -> HttpResponse:
    """Per agency, this month and this year: the counts, the average processing time per
    procedure against its legal time, and the satisfaction score once ratings exist."""
    agencies = public_agencies()
    code = request.GET.get("co_quan", "").strip()[:64]
    agency = next((a for a in agencies if a.code == code), None)
    context: dict[str, object] = {
        "agencies": agencies,
        "agency": agency,
        "code": code,
        "nav_current": "transparency",
    }
    status = 200
    if code and agency is None:
        context["error"] = _("There is no agency with the code “%(code)s”.") % {"code": code}
        status = 404
    if agency is not None:
        periods, rows = _figures(agency)
        context.update({"periods": periods, "procedures": rows})
    return render(request, "portal/transparency.html", context, status=status)

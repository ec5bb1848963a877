"""The agency leader's dashboard (issue 10 item 6): every figure from the indicators registry.

Here, in the composition root: it reads ``indicators`` for the figures and ``dossiers`` for the
overdue list and the links to the dossier list behind each number (``dossiers.listing``, whose
filters mean what the registry counts). docs/dashboards.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, Unit
from isogov.core import clock
from isogov.dossiers.listing import overdue_rows
from isogov.dossiers.models import Dossier
from isogov.indicators.registry import Result, Scope, codes, evaluate_all, evaluate_units
from isogov.indicators.rollup import today_read_once

COUNTS = ["count.received", "count.finished", "count.overdue_at_end"]


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The month of ``day`` from its first day to ``day``; the previous month whole."""
    first = day.replace(day=1)
    return first, day


def previous_month(day: dt.date) -> tuple[dt.date, dt.date]:
    last = day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def dossier_list_url(**params: object) -> str:
    """The dossier list behind a number (``dossiers.listing`` filters)."""
    query = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items() if v}
    return f"{reverse('dossiers:search')}?{urlencode(query)}"


@dataclass(frozen=True)
class Group:
    number: str
    points: Decimal | None
    max_points: Decimal
    results: list[Result]


def _groups(results: list[Result]) -> list[Group]:
    by_group: dict[str, list[Result]] = {}
    for result in results:
        by_group.setdefault(result.code.split(".")[0], []).append(result)
    groups = []
    for number, rows in by_group.items():
        scored = [r.points for r in rows if r.points is not None]
        groups.append(
            Group(
                number=number,
                points=sum(scored, Decimal(0)) if scored else None,
                max_points=sum((r.max_points or Decimal(0) for r in rows), Decimal(0)),
                results=rows,
            )
        )
    return groups


def leader_dashboard(agency: Agency, today: dt.date | None = None) -> dict[str, object]:
    """This month (to today) against last month, the overdue list, units ranked by the
    timeliness of their own steps this month, and the Decision 766 groups for the year to
    date."""
    # This month and the year to date both end today: today's live part is read once.
    with today_read_once():
        return _leader_dashboard(agency, today)


def _leader_dashboard(agency: Agency, today: dt.date | None) -> dict[str, object]:
    today = today or clock.today()
    month_from, month_to = month_bounds(today)
    last_from, last_to = previous_month(today)
    scope = Scope(agency=agency)
    this = {r.code: r for r in evaluate_all(scope, month_from, month_to, only=["2.1", *COUNTS])}
    last = {r.code: r for r in evaluate_all(scope, last_from, last_to, only=["2.1", *COUNTS])}
    links = {
        "count.received": (
            dossier_list_url(agency=agency.code, received_from=month_from, received_to=month_to),
            dossier_list_url(agency=agency.code, received_from=last_from, received_to=last_to),
        ),
        "count.finished": (
            dossier_list_url(agency=agency.code, finished_from=month_from, finished_to=month_to),
            dossier_list_url(agency=agency.code, finished_from=last_from, finished_to=last_to),
        ),
        # Last month's overdue are those still open at its end: no list can show them now.
        "count.overdue_at_end": (dossier_list_url(agency=agency.code, overdue=1), ""),
    }
    comparison = [(this[c], last[c], *links[c]) for c in COUNTS]
    units = []
    unit_rows = list(Unit.objects.filter(agency=agency, is_active=True).order_by("name"))
    # Every unit by its own steps (docs/indicators.md, "Units ranked by their steps"): composed
    # from the daily parts, today live.
    by_unit = evaluate_units(
        agency,
        unit_rows,
        month_from,
        month_to,
        only=["steps.on_time", "steps.handled", "steps.overdue_at_end"],
    )
    for unit in unit_rows:
        rate, handled, overdue = by_unit[unit.pk]
        units.append(
            {
                "unit": unit,
                "rate": rate,
                "handled": handled,
                "overdue": overdue,
                "handled_url": dossier_list_url(
                    agency=agency.code,
                    step_unit=unit.code,
                    step="handled",
                    step_from=month_from,
                    step_to=month_to,
                ),
                "overdue_url": dossier_list_url(
                    agency=agency.code, step_unit=unit.code, step="overdue"
                ),
            }
        )
    # Ranked: the best on-time rate first; a unit with nothing to rate last.
    units.sort(key=lambda u: (u["rate"].value is None, -(u["rate"].value or 0)))  # type: ignore[attr-defined]
    year_from = today.replace(month=1, day=1)
    year = evaluate_all(scope, year_from, today, only=codes("766"))
    overdue_list = overdue_rows(Dossier.objects.filter(agency=agency))
    groups = _groups(year)
    return {
        "agency": agency,
        # The charts' data (json_script, drawn by static/isogov/js/charts.js); the same figures
        # are in the tables.
        "unit_chart": {
            "labels": [u["unit"].name for u in units],  # type: ignore[attr-defined]
            "series": [
                {
                    "label": str(_("On-time rate (%)")),
                    "values": [_number(u["rate"].value) for u in units],  # type: ignore[attr-defined]
                }
            ],
            "max": 100,
        },
        "group_chart": {
            "labels": [str(_("Group %(n)s") % {"n": g.number}) for g in groups],
            "series": [
                {"label": str(_("Points")), "values": [_number(g.points) for g in groups]},
                {"label": str(_("Maximum")), "values": [_number(g.max_points) for g in groups]},
            ],
            "max": None,
        },
        "month_from": month_from,
        "month_to": month_to,
        "last_from": last_from,
        "last_to": last_to,
        "year_from": year_from,
        "on_time": this["2.1"],
        "on_time_last": last["2.1"],
        "comparison": comparison,
        "overdue_rows": overdue_list,
        "overdue_url": links["count.overdue_at_end"][0],
        "units": units,
        "groups": groups,
        "total_points": sum((r.points for r in year if r.points is not None), Decimal(0)),
        "total_max": sum((r.max_points for r in year if r.max_points is not None), Decimal(0)),
    }


def city_dashboard(
    city: Agency, agencies: list[Agency], today: dt.date | None = None
) -> dict[str, object]:
    """Every agency of the city (``agencies``: those below ``city`` with dossiers) ranked by its
    Decision 766 total for the year to date and by its on-time rate (2.1), each opening the
    agency's own dashboard."""
    today = today or clock.today()
    year_from = today.replace(month=1, day=1)
    rows = []
    for agency in agencies:
        year = evaluate_all(Scope(agency=agency), year_from, today, only=codes("766"))
        by_code = {r.code: r for r in year}
        rows.append(
            {
                "agency": agency,
                "total": sum((r.points for r in year if r.points is not None), Decimal(0)),
                "max": sum((r.max_points for r in year if r.max_points is not None), Decimal(0)),
                "rate": by_code["2.1"],
                "url": reverse("agency-dashboard", args=[agency.code]),
                "overdue_url": dossier_list_url(overdue=1, agency=agency.code),
            }
        )
    by_rate = sorted(rows, key=lambda r: (r["rate"].value is None, -(r["rate"].value or 0)))  # type: ignore[attr-defined]
    for rank, row in enumerate(by_rate, start=1):
        row["rate_rank"] = rank
    rows.sort(key=lambda r: -r["total"])  # type: ignore[operator]
    for rank, row in enumerate(rows, start=1):
        row["total_rank"] = rank
    chart = {
        "labels": [r["agency"].name for r in rows],  # type: ignore[attr-defined]
        "series": [
            {"label": str(_("Decision 766 total")), "values": [_number(r["total"]) for r in rows]},  # type: ignore[arg-type]
            {
                "label": str(_("On-time rate (%)")),
                "values": [_number(r["rate"].value) for r in rows],  # type: ignore[attr-defined]
            },
        ],
        "max": 100,
    }
    return {"city": city, "year_from": year_from, "today": today, "rows": rows, "chart": chart}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)

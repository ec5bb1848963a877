"""Benchmark: what people wait for on a large database (issues 10 and 15 at 1,000,000 dossiers).

``.venv/bin/python bench/at_scale.py --db PATH`` (a SQLite file left by ``bench/generate.py
--keep``) or ``--database-url postgres://…/NAME`` (a PostgreSQL database filled by ``isogov demo
generate``), ``[--runs R]`` (default 9), ``[--only KINDS]`` (a comma-separated subset of search,
queue, register, leader, city). Reads only (apart from the sign-in sessions of the
test client). For each page, through Django's test client as the demo user it is for, one
warm-up then R runs, median and p95 in milliseconds, and the median CPU time of the
process (what a shared machine's load does not inflate; on PostgreSQL without the server's):

- search by a whole code, a folded full name (the middle dossier's, and an organisation's that
  tens of thousands of dossiers bear) and a phone as typed (the one-stop officer), target
  ≤ 100 ms median (issue 15);
- the officer queue for the desk officer, the specialist and the agency leader, ≤ 200 ms;
- the register page for the last full month, ≤ 200 ms;
- the leader dashboard and the full Decision 766 set for the year to the end of last month
  (``GET /api/v1/indicators/``), ≤ 300 ms median and p95 (issue 10);
- the city dashboard (the city leader's home page), ≤ 500 ms;

and, in the same run, that year's on-time count as one hand-written ``GROUP BY`` over the
dossier table, with the ratio of the 766 set to it. Prints the load average. Not a timed test.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable

from _large_db import option, timed, use_database

DB, URL, RUNS = use_database(
    "bench/at_scale.py (--db PATH | --database-url URL) [--runs R] [--only KINDS]",
    "isogov-bench-at-scale-",
)
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from isogov.accounts.models import Agency, User  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE  # noqa: E402
from isogov.core import clock  # noqa: E402
from isogov.core.text import search_terms  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402

TARGETS = {"search": 100, "queue": 200, "register": 200, "leader": 300, "city": 500}


def page(username: str, path: str, params: dict[str, str] | None = None) -> Callable[[], object]:
    client = Client()
    client.force_login(User.objects.get(username=username))

    def get() -> object:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code)
        return response

    return get


def main() -> None:
    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    first, last = (
        Dossier.objects.order_by("id").values_list("id", flat=True).first(),
        Dossier.objects.order_by("-id").values_list("id", flat=True).first(),
    )
    assert first is not None and last is not None, "no dossiers: generate them first"
    middle = Dossier.objects.filter(id__gte=(first + last) // 2).order_by("id").first()
    other = Dossier.objects.filter(id__gte=first + (last - first) // 3).order_by("id").first()
    assert middle is not None and other is not None
    today = clock.today()
    year_to = today.replace(day=1) - dt.timedelta(days=1)
    year_from = (year_to + dt.timedelta(days=1)).replace(year=year_to.year - 1)
    month_from = year_to.replace(day=1)
    print(
        f"{connection.vendor}: about {last - first + 1:,} dossiers (ids {first:,}–{last:,}); "
        f"{RUNS} runs each after one warm-up; year {year_from}–{year_to}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    # An organisation: the generator's few organisation names are each borne by tens of
    # thousands of dossiers, the hardest name to search (every one matches the text index).
    organisation = (
        Dossier.objects.filter(id__gte=middle.id, applicant_name__startswith="Công ty")
        .order_by("id")
        .values_list("applicant_name", flat=True)
        .first()
    ) or middle.applicant_name
    phone = other.applicant_phone
    checks: list[tuple[str, str, Callable[[], object]]] = [
        ("search", "a whole code", page("motcua", "/dossiers/search/", {"q": middle.code})),
        (
            "search",
            "a full name, folded",
            page(
                "motcua", "/dossiers/search/", {"q": " ".join(search_terms(middle.applicant_name))}
            ),
        ),
        (
            "search",
            "an organisation's name, folded",
            page("motcua", "/dossiers/search/", {"q": " ".join(search_terms(organisation))}),
        ),
        (
            "search",
            "a phone as typed",
            page("motcua", "/dossiers/search/", {"q": f"{phone[:4]} {phone[4:]}"}),
        ),
        ("queue", "queue: desk officer", page("motcua", "/dossiers/")),
        ("queue", "queue: specialist", page("chuyenvien", "/dossiers/")),
        ("queue", "queue: agency leader", page("lanhdao", "/dossiers/")),
        (
            "register",
            f"register page, {month_from:%m/%Y}",
            page(
                "motcua",
                "/dossiers/register/",
                {"year": str(month_from.year), "month": str(month_from.month)},
            ),
        ),
        ("leader", "leader dashboard", page("lanhdao", "/dashboard/")),
        (
            "leader",
            "Decision 766 set for the year (API)",
            page(
                "lanhdao",
                "/api/v1/indicators/",
                {"from": year_from.isoformat(), "to": year_to.isoformat()},
            ),
        ),
        ("city", "city dashboard", page("thanhpho", "/dashboard/")),
    ]
    start = dt.datetime.combine(year_from, dt.time(), tzinfo=clock.LOCAL_TZ)
    end = dt.datetime.combine(year_to + dt.timedelta(days=1), dt.time(), tzinfo=clock.LOCAL_TZ)

    def group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT agency_id, COUNT(*) FROM dossiers_dossier WHERE agency_id = %s "
                "AND finished_at >= %s AND finished_at < %s AND finished_at <= due_at "
                "GROUP BY agency_id",
                [agency.pk, start, end],
            )
            cursor.fetchall()

    only = [name for name in option("--only").split(",") if name]
    base, base_p95, base_cpu = timed(group_by, RUNS)
    print("| page | median ms | p95 ms | CPU ms (median) | target ms | ratio to the GROUP BY |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| the year's on-time count, one GROUP BY | {base:,.1f} | {base_p95:,.1f} "
        f"| {base_cpu:,.1f} | — | 1 |"
    )
    for kind, label, call in checks:
        if only and kind not in only:
            continue
        median, p95, cpu = timed(call, RUNS)
        print(
            f"| {label} | {median:,.1f} | {p95:,.1f} | {cpu:,.1f} | {TARGETS[kind]} "
            f"| {median / base:,.1f} |"
        )
        sys.stdout.flush()
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()

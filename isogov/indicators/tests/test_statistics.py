"""The periodic statistics report (issue 10 item 4): hand-computed on the crafted March, and
reconciled over generated history, every cell's count equal to the dossier list it opens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from isogov.dossiers.generator import demo_generate
from isogov.dossiers.listing import STAT_CATEGORIES, ListFilters, apply_filters
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import at
from isogov.indicators.models import IndicatorSnapshot
from isogov.indicators.services import statistics_snapshot_take
from isogov.indicators.statistics import (
    BY,
    compute_report,
    period_bounds,
    statistics_report,
    unbalanced_rows,
)

from .conftest import March, finish

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
DISPOSITIONS = ("resolved", "in_process", "withdrawn", "refused", "stopped")


def test_period_bounds() -> None:
    assert period_bounds("month", 2026, 2) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_bounds("month", 2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert period_bounds("quarter", 2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_bounds("quarter", 2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert period_bounds("year", 2025) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_a_period_without_dossiers_is_all_zeros(desk: Any) -> None:
    for by in BY:
        report = compute_report(desk.department, dt.date(2025, 1, 1), dt.date(2025, 12, 31), by)
        assert report.rows == [] and set(report.total.counts.values()) == {0}
        assert report.total.balanced


def test_march_by_hand(march: March, desk: Any) -> None:
    # A finished at its appointment (on time, same day), B one minute late, D1 open within its
    # appointment, D2 open past it, E withdrawn and stopped; F (February) is not carried over.
    with time_machine.travel(at(4, 2, 8), tick=False):
        report = compute_report(desk.department, *MARCH, "procedure")
    (row,) = report.rows
    expected = {
        "received": 5,
        "carried_over": 0,
        "new": 5,
        "new_in_person": 5,
        "new_online": 0,
        "new_postal": 0,
        "resolved": 2,
        "resolved_early": 0,
        "resolved_on_time": 1,
        "resolved_late": 1,
        "in_process": 2,
        "in_process_within": 1,
        "in_process_overdue": 1,
        "withdrawn": 1,
        "refused": 0,
        "stopped": 0,
        "returned": 0,
    }
    assert row.counts == expected
    assert report.total.counts == expected and row.balanced
    # April: D1 and D2 carried over (both still open), nothing new.
    with time_machine.travel(at(4, 2, 8), tick=False):
        april = compute_report(desk.department, dt.date(2026, 4, 1), dt.date(2026, 4, 2), "sector")
    assert (april.total.counts["carried_over"], april.total.counts["new"]) == (2, 0)
    assert april.total.counts["in_process_overdue"] == 1  # D2; D1 is due 2/4 09:00, later


def test_march_by_unit_by_hand(march: March, desk: Any) -> None:
    """A unit counts the dossiers that reached one of its steps, once each however many of its
    steps they went through: D1, D2 and E (stopped or open at the desk) reached only the
    first step's unit; A and B every unit of the process."""
    with time_machine.travel(at(4, 2, 8), tick=False):
        report = compute_report(desk.department, *MARCH, "unit")
    steps = list(march.at_appointment.steps.order_by("order"))
    first_unit = steps[0].unit
    assert first_unit is not None
    # A step without a unit (the leader's) makes a row of its own, without a code.
    later_units = {step.unit.code if step.unit else "" for step in steps[1:]} - {first_unit.code}
    assert later_units  # the process goes through other units
    assert march.open_within.current_step.unit == first_unit  # type: ignore[union-attr]
    rows = {row.code: row.counts for row in report.rows}
    assert set(rows) == {first_unit.code, *later_units}
    all_five = {
        **dict.fromkeys(STAT_CATEGORIES, 0),
        "received": 5,
        "new": 5,
        "new_in_person": 5,
        "resolved": 2,
        "resolved_on_time": 1,
        "resolved_late": 1,
        "in_process": 2,
        "in_process_within": 1,
        "in_process_overdue": 1,
        "withdrawn": 1,
    }
    a_and_b = {
        **dict.fromkeys(STAT_CATEGORIES, 0),
        "received": 2,
        "new": 2,
        "new_in_person": 2,
        "resolved": 2,
        "resolved_on_time": 1,
        "resolved_late": 1,
    }
    assert rows[first_unit.code] == all_five
    for code in later_units:
        assert rows[code] == a_and_b, code
    # The total counts each dossier once, not once per unit.
    assert report.total.counts == all_five


def test_a_stored_month_keeps_its_report_after_a_dossier_finishes(march: March, desk: Any) -> None:
    agency = desk.department
    with time_machine.travel(at(4, 1, 0, 30), tick=False):
        stored = statistics_snapshot_take(agency=agency, date_from=MARCH[0], date_to=MARCH[1])
        again = statistics_snapshot_take(agency=agency, date_from=MARCH[0], date_to=MARCH[1])
    assert {s.scope_key for s in stored} == {f"statistics:{by}" for by in BY} and again == []
    finish(march.open_overdue)  # recorded after the fact, at its due time in March
    with time_machine.travel(at(4, 2, 8), tick=False):
        live = compute_report(agency, *MARCH, "sector")
        kept = statistics_report(agency, *MARCH, "sector")
    assert live.total.counts["in_process"] == 1 and live.total.counts["resolved"] == 3
    assert kept.total.counts["in_process"] == 2 and kept.total.counts["resolved"] == 2
    assert kept.taken_at == at(4, 1, 0, 30) and live.taken_at is None
    assert IndicatorSnapshot.objects.filter(scope_key__startswith="statistics:").count() == 3


def _listed(agency: Any, category: str, period: tuple[dt.date, dt.date], **narrow: str) -> set[int]:
    filters = ListFilters(stat=category, stat_from=period[0], stat_to=period[1], **narrow)
    qs = apply_filters(Dossier.objects.filter(agency=agency), filters)
    return set(qs.values_list("pk", flat=True))


def test_the_report_reconciles_over_generated_history(desk: Any) -> None:
    agency = desk.department
    until = at(5, 29, 17)
    demo_generate(agency=agency, dossiers=400, months=5, seed=11, until=until)
    with time_machine.travel(until, tick=False):
        for period in (period_bounds("month", 2026, 4), period_bounds("quarter", 2026, 2)):
            reports = {by: compute_report(agency, *period, by) for by in BY}
            total = reports["sector"].total.counts
            assert total["new"] > 0 and total["carried_over"] > 0 and total["resolved"] > 0
            assert total["withdrawn"] > 0 and total["resolved_late"] > 0
            for by, report in reports.items():
                assert not unbalanced_rows(report), by
                assert report.total.counts == total, by  # the same dossiers, however split
            for by in ("sector", "procedure"):  # each dossier in exactly one row
                for key in total:
                    assert sum(r.counts[key] for r in reports[by].rows) == total[key]
            # Every dossier counted once: the lists behind the dispositions are disjoint and
            # together are exactly the received (carried over + new) ones.
            lists = {c: _listed(agency, c, period) for c in STAT_CATEGORIES}
            for category, pks in lists.items():
                assert len(pks) == total[category], category
            received = lists["carried_over"] | lists["new"]
            assert not lists["carried_over"] & lists["new"]
            assert len(received) == total["received"]
            union: set[int] = set()
            for category in DISPOSITIONS:
                assert not union & lists[category], category
                union |= lists[category]
            assert union == received
            parts = ("resolved_early", "resolved_on_time", "resolved_late")
            assert set().union(*(lists[p] for p in parts)) == lists["resolved"]
            # A row's count is the list of its sector.
            row = reports["sector"].rows[0]
            assert (
                len(_listed(agency, "resolved", period, sector=row.code))
                == (row.counts["resolved"])
            )


def _get(client: Any, url: str) -> Any:
    with time_machine.travel(at(4, 2, 8), tick=False):
        return client.get(url)


def test_the_page_and_its_downloads(client: Any, march: March, desk: Any) -> None:
    client.force_login(desk.user("lanhdao"))
    base = "/reports/statistics/?period=month&year=2026&number=3"
    page = _get(client, f"{base}&by=procedure")
    assert page.status_code == 200
    total = {key: count for key, _h, count, _u in page.context["rows"][-1][1]}
    assert (total["received"], total["resolved_late"], total["withdrawn"]) == (5, 1, 1)
    # Each count opens exactly its dossiers.
    for key, _heading, count, url in page.context["rows"][0][1]:
        listed = _get(client, url)
        assert listed.status_code == 200, url
        assert listed.context["total"] == count, key
    late_url = next(u for k, _h, _c, u in page.context["rows"][-1][1] if k == "resolved_late")
    assert {d.code for d in _get(client, late_url).context["results"]} == {
        march.late_one_minute.code
    }

    from io import BytesIO

    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf = _get(client, f"{base}&by=sector&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "BÁO CÁO THỐNG KÊ TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "Tổng cộng" in text and "THỦ TRƯỞNG CƠ QUAN" in text
    xlsx = _get(client, f"{base}&by=unit&format=xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    heading = next(i for i, row in enumerate(values) if row and row[0] == "STT")
    total_row = next(row for row in values if row and row[1] == "Tổng cộng")
    assert total_row[2] == 5 and values[heading][2] == "Tổng số hồ sơ tiếp nhận"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=week", "period"),
        ("period=month&number=13", "number"),
        ("period=quarter&number=0", "number"),
        ("year=1999", "year"),
        ("year=20x6", "year"),
        ("by=officer", "by"),
        ("format=docx", "format"),
        ("period=month&year=2026&number=12", "number"),  # not started on 2/4/2026
    ],
)
def test_bad_parameters_answer_400_naming_them(
    client: Any, desk: Any, query: str, field: str
) -> None:
    client.force_login(desk.user("lanhdao"))
    response = _get(client, f"/reports/statistics/?{query}")
    assert response.status_code == 400, query
    assert response.context["message"]


def test_an_agency_outside_the_users_scope_is_404(client: Any, desk: Any) -> None:
    client.force_login(desk.user("lanhdao"))
    assert _get(client, f"/reports/statistics/?agency={desk.other.code}").status_code == 404
    client.force_login(desk.user("thanhpho"))  # the city sees its departments
    assert _get(client, f"/reports/statistics/?agency={desk.other.code}").status_code == 200

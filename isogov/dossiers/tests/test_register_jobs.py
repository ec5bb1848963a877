"""The register by month and page, and the year's files built by the background job
(issue 15 §3): a year of a few thousand rows, read back."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client
from pypdf import PdfReader

from isogov.core import clock
from isogov.dossiers import register_jobs
from isogov.dossiers.generator import demo_generate
from isogov.dossiers.models import Dossier, RegisterExport

# The year's rows are a seed layer (the root conftest's ``register_year``), generated once and
# rolled back to before each test; the group keeps the tests on one pytest-xdist worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("register_year")]

CODE_LINK = r'<a href="/dossiers/(\d{3}\.[^/"]+)/">'  # a dossier's own page, not the menu's
UNTIL = dt.datetime(2026, 5, 29, 17, 0, tzinfo=clock.LOCAL_TZ)
ROWS = 2800  # about 2,200 of them in 2026: more than one PDF part of 2,000 rows


def seed_year() -> None:
    """A 2026 register of a few thousand rows (the generator), one applicant named like a
    formula (the ``register_year`` layer, on the demo and the catalogue)."""
    from isogov.accounts.models import Agency
    from isogov.catalog.demo import DEPARTMENT_CODE

    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    demo_generate(agency=agency, dossiers=ROWS, months=6, seed=3, until=UNTIL)
    first = _listed(agency).first()
    assert first is not None
    Dossier.objects.filter(pk=first.pk).update(applicant_name="=HYPERLINK(1)")


def _listed(agency: Any) -> Any:
    return Dossier.objects.filter(
        agency=agency, register_line__isnull=False, received_at__year=2026
    ).order_by("register_line")


@pytest.fixture
def register_year(desk: Any) -> Any:
    return desk


@pytest.fixture
def year(register_year: Any) -> list[str]:
    """The seeded year's codes in register order."""
    listed = _listed(register_year.department)
    assert listed.values_list("applicant_name", flat=True)[0] == "=HYPERLINK(1)"
    return list(listed.values_list("code", flat=True))


def _build(client: Client, kind: str, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dossiers/register/?year=2026", {"kind": kind})
    assert response.status_code == 302
    job = RegisterExport.objects.get(pk=int(re.findall(r"/files/(\d+)/", response.url)[0]))
    assert (job.status, job.done, job.total) == ("done", job.total, job.total)
    page = client.get(response.url).content.decode()
    assert "Tải sổ theo dõi năm 2026" in page and "?download=1" in page
    download = client.get(response.url, {"download": "1"})
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)


def test_the_years_xlsx_is_built_by_the_job_with_formulas_as_text(
    client: Client, desk: Any, year: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(desk.user("motcua"))
    job, body = _build(client, "xlsx", django_capture_on_commit_callbacks)
    assert job.total == len(year) > 2000
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    codes = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert codes == year
    first = next(sheet.iter_rows(min_row=4, max_row=4))
    assert first[4].value == "'=HYPERLINK(1)" and first[4].data_type == "s"
    # Another agency's officer cannot see the file.
    client.force_login(desk.user("tuphap"))
    assert client.get(f"/dossiers/register/files/{job.pk}/", {"download": "1"}).status_code == 404


def test_the_years_pdf_is_built_in_parts_with_pages_numbered_on(
    client: Client,
    desk: Any,
    year: list[str],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(register_jobs, "PDF_CHUNK_ROWS", 700)  # four parts
    client.force_login(desk.user("motcua"))
    _job, body = _build(client, "pdf", django_capture_on_commit_callbacks)
    reader = PdfReader(io.BytesIO(body))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 40
    numbers = [int(re.findall(r"Trang (\d+)", text)[-1]) for text in pages]
    assert numbers == list(range(1, len(pages) + 1))
    assert "SỔ THEO DÕI HỒ SƠ" in pages[0] and "(tiếp theo)" in pages[1]
    text = re.sub(r"\s+", "", "".join(pages))
    assert all(code in text for code in (year[0], year[700], year[-1]))


def test_the_page_shows_a_month_fifty_rows_at_a_time_with_sql_totals(
    client: Client, desk: Any, year: list[str]
) -> None:
    client.force_login(desk.user("motcua"))
    page = client.get("/dossiers/register/", {"year": 2026, "month": 3}).content.decode()
    march = Dossier.objects.filter(
        register_line__isnull=False,
        received_at__gte=dt.datetime(2026, 3, 1, tzinfo=clock.LOCAL_TZ),
        received_at__lt=dt.datetime(2026, 4, 1, tzinfo=clock.LOCAL_TZ),
    ).order_by("register_line")
    codes = list(march.values_list("code", flat=True))
    assert len(codes) > 100
    shown = re.findall(CODE_LINK, page)
    assert shown == codes[:50]
    second = client.get("/dossiers/register/", {"year": 2026, "month": 3, "page": 2})
    assert re.findall(CODE_LINK, second.content.decode()) == codes[50:100]
    # The page links keep the year and the month; previous and next sit beside the numbers.
    assert 'href="?year=2026&amp;q=&amp;month=3&amp;page=2" rel="next"' in page
    assert 'href="?year=2026&amp;q=&amp;month=3&amp;page=1" rel="prev"' in second.content.decode()
    totals = re.findall(r"(?:</a>|</strong>)</td><td>(\d+)</td>", page)
    assert len(totals) == 12
    assert sum(int(n) for n in totals) == len(year)
    assert f"<td>{len(codes)}</td>" in page
    bad = client.get("/dossiers/register/", {"year": 2026, "month": 13})
    assert bad.status_code == 400 and "13" in bad.content.decode()
    last = -(-len(codes) // 50)
    assert (
        client.get("/dossiers/register/", {"year": 2026, "month": 3, "page": last + 1}).status_code
        == 400
    )


def _local(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=clock.LOCAL_TZ)


def test_the_month_totals_match_a_hand_count_in_vietnam_time(client: Client, desk: Any) -> None:
    """Months are Vietnam months: 23:30 on 31 March is March (16:30 UTC), 00:30 on 1 April is
    April though it is still 31 March in UTC; the month shown is counted in full."""
    demo_generate(agency=desk.department, dossiers=240, months=5, seed=5, until=UNTIL)
    received = Dossier.objects.filter(agency=desk.department, register_line__isnull=False)
    late_march, early_april = received.order_by("id")[:2]
    Dossier.objects.filter(pk=late_march.pk).update(received_at=_local("2026-03-31", "23:30"))
    Dossier.objects.filter(pk=early_april.pk).update(
        received_at=_local("2026-04-01", "00:30"),
        finished_at=_local("2026-04-02", "09:00"),
        returned_at=_local("2026-04-02", "10:00"),
        outcome="late",
    )
    assert _local("2026-04-01", "00:30").astimezone(dt.UTC).month == 3
    rows = [d for d in received.all() if clock.to_local(d.received_at).year == 2026]
    by_month = {
        m: [d for d in rows if clock.to_local(d.received_at).month == m] for m in range(1, 13)
    }
    assert late_march.pk in {d.pk for d in by_month[3]}
    assert early_april.pk in {d.pk for d in by_month[4]}
    april = by_month[4]
    hand = (
        len(april),
        sum(d.finished_at is not None for d in april),
        sum(d.returned_at is not None for d in april),
        sum(d.outcome == "late" for d in april),
    )
    assert hand[0] > 20 and hand[3] >= 1

    client.force_login(desk.user("motcua"))
    page = client.get("/dossiers/register/", {"year": 2026, "month": 4}).content.decode()
    months = page.split('id="register-months"')[1].split("</table>")[0].split("<tr")[2:]
    assert len(months) == 12
    for month, row in enumerate(months, start=1):
        cells = re.findall(r"<td(?: class=\"muted\")?>([^<]*)</td>", row)
        if month == 4:
            assert tuple(int(c) for c in cells) == hand
        else:
            assert cells == [str(len(by_month[month])), "—", "—", "—"]
    assert f"{len(rows)}" in page.split('id="register-files"')[1].split("</p>")[0]


def test_the_page_links_are_the_ends_and_the_pages_around_the_current_one() -> None:
    from isogov.dossiers.register import page_window

    assert page_window(1, 1) == [1]
    assert page_window(1, 5) == [1, 2, 3, 4, 5]
    assert page_window(50, 1855) == [1, None, 47, 48, 49, 50, 51, 52, 53, None, 1855]
    assert page_window(1855, 1855) == [1, None, 1852, 1853, 1854, 1855]

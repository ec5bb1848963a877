"""The public home ``/`` and the public navigation bar (issue 12 item 1)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.test import Client

from isogov.accounts.models import Agency
from isogov.catalog.models import AgencyProcedure, Procedure
from isogov.dossiers import services
from isogov.dossiers.tests.conftest import CFS, intake
from isogov.qms.services.system import policy_publish
from isogov.workcal.models import AgencyCalendar

VN = dt.timezone(dt.timedelta(hours=7))


def test_home_has_search_lookup_contact_hours_policy_and_the_public_menu(
    client: Client, desk: Any, settings: Any
) -> None:
    agency = desk.department
    settings.ISOGOV_PORTAL_AGENCY = agency.code
    Agency.objects.filter(pk=agency.pk).update(
        address="Số 1 Lý Tự Trọng, Hải Phòng", phone="0225 3842 123", email="sotttt@example.vn"
    )
    AgencyCalendar.objects.update_or_create(
        agency=agency, defaults={"morning_start": dt.time(7, 0), "afternoon_end": dt.time(16, 30)}
    )
    policy_publish(actor=desk.user("lanhdao"), agency=agency, text="Phục vụ nhân dân tận tụy")
    with time_machine.travel(dt.datetime(2026, 3, 9, 8, tzinfo=VN), tick=False):
        services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/thu-tuc/"' in html and 'name="q"' in html
    assert "Số 1 Lý Tự Trọng, Hải Phòng" in html and "sotttt@example.vn" in html
    assert "07:00–11:30, 13:00–16:30" in html
    assert "Phục vụ nhân dân tận tụy" in html
    assert 'href="/tra-cuu/"' in html and f'href="/minh-bach/?co_quan={agency.code}"' in html
    # The dossier received makes its procedure the most used one.
    assert f'href="/thu-tuc/{CFS}/"' in re.search(r'<ul id="most-used".*?</ul>', html, re.S)[0]
    nav = re.search(r'<nav [^>]*id="public-nav".*?</nav>', html, re.S)[0]
    labels = re.findall(r'data-nav="[a-z]+"[^>]*>([^<]+)<', nav)
    assert labels == [
        "Thủ tục",
        "Nộp hồ sơ trực tuyến",
        "Tra cứu",
        "Phản ánh kiến nghị",
        "Minh bạch",
    ]
    # Each item opens its page: online submission and feedback are real pages now.
    assert 'href="/nop-truc-tuyen/" data-nav="submit"' in nav
    assert 'href="/phan-anh/" data-nav="feedback"' in nav
    assert "<span" not in nav
    assert 'href="/login/"' in html


def test_the_visitor_may_pick_another_agency(client: Client, desk: Any) -> None:
    other = desk.other
    AgencyProcedure.objects.create(agency=other, procedure=Procedure.objects.get(code=CFS))
    html = client.get("/", {"co_quan": other.code}).content.decode()
    assert f"<h1>{other.name}</h1>" in html
    # An unknown code falls back to the default agency, not an error.
    assert client.get("/", {"co_quan": "KHONG-CO"}).status_code == 200


def test_signed_in_staff_go_on_to_their_work(client: Client, desk: Any) -> None:
    client.force_login(desk.user("motcua"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    # The public pages they open show the way back to their work.
    assert 'href="/dashboard/" id="staff-work"' in client.get("/thu-tuc/").content.decode()


def test_the_home_is_in_english_after_the_switch(client: Client, desk: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Look up a dossier" in html and "Transparency" in html


def test_transparency_figures_are_computed_once_per_period_of_the_cache(
    client: Client, desk: Any, settings: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ISOGOV_TRANSPARENCY_CACHE_SECONDS = 600
    url = f"/minh-bach/?co_quan={desk.department.code}"
    with CaptureQueriesContext(connection) as first:
        computed = client.get(url)
    with CaptureQueriesContext(connection) as second:
        cached = client.get(url)
    assert computed.status_code == cached.status_code == 200
    assert 'id="transparency-counts"' in cached.content.decode()
    csrf = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    assert csrf.sub(b"", computed.content) == csrf.sub(b"", cached.content)
    assert len(second) < len(first)

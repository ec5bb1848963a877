"""My work in real Chromium: the tabs with their counts, each row's deadlines in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.core import clock
from isogov.dossiers import services
from isogov.dossiers.models import Dossier, DossierStep

from .conftest import intake


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")


@pytest.mark.django_db(transaction=True)
def test_the_desk_switches_tabs_and_the_leader_sees_who_holds_each_dossier(
    live_server: Any, page: Any, desk: Any
) -> None:
    officer = desk.user("motcua")
    late = services.dossier_receive(actor=officer, data=intake(desk, name="Trần Văn Trễ"))
    fresh = services.dossier_receive(actor=officer, data=intake(desk, name="Lê Thị Mới"))
    # The first one's step fell due an hour ago; the second's is in three days.
    now = clock.now()
    for dossier, due in ((late, now - dt.timedelta(hours=1)), (fresh, now + dt.timedelta(days=3))):
        step = Dossier.objects.get(pk=dossier.pk).current_step_id
        DossierStep.objects.filter(pk=step).update(due_at=due)

    _sign_in(page, live_server.url, "motcua")
    page.click("text=Việc của tôi")
    assert page.inner_text("#tab-all .count") == "2"
    assert page.inner_text("#tab-overdue .count") == "1"
    assert page.inner_text("#tab-overdue").startswith("Quá hạn")
    assert page.locator("#tab-unit").count() == 0  # a desk officer oversees no unit
    page.click("#tab-overdue")
    page.wait_for_url("**/dossiers/?tab=overdue")
    assert page.get_attribute("#tab-overdue", "aria-current") == "page"
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 1
    assert late.code in rows.first.inner_text()
    # The deadline is said in words beside its colour.
    assert page.inner_text("#queue tbody tr .due .deadline") == "Quá hạn"

    page.context.clear_cookies()
    _sign_in(page, live_server.url, "lanhdao")
    page.goto(f"{live_server.url}/dossiers/")
    assert page.inner_text("#tab-all .count") == "0"
    assert page.inner_text("#tab-unit .count") == "2"
    page.click("#tab-unit")
    page.wait_for_url("**/dossiers/?tab=unit")
    holders = page.locator("#queue tbody td.holder").all_inner_texts()
    assert holders == ["Bộ phận Một cửa · Cán bộ một cửa"] * 2
    first = page.locator("#queue tbody tr").first.inner_text()
    assert late.code in first  # overdue first


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_search_form_stacks_and_the_download_is_offered(
    live_server: Any, page: Any, desk: Any
) -> None:
    """390 px: each filter takes the width, its label above it (a label no longer breaks
    across lines between two fields), the tick box on the line of its words; the list's
    download sits above the results and brings the matches."""
    officer = desk.user("motcua")
    dossier = services.dossier_receive(actor=officer, data=intake(desk, name="Trần Văn Bình"))
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server.url, "motcua")
    page.goto(f"{live_server.url}/dossiers/search/?q=binh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    names = ("received_from", "received_to", "finished_from", "finished_to")
    boxes = [page.locator(f"input[name={name}]").bounding_box() for name in names]
    search = page.locator("#dossier-search").bounding_box()
    assert {round(box["x"]) for box in boxes} == {round(search["x"])}
    assert all(box["width"] >= 300 for box in boxes)
    assert [box["y"] for box in boxes] == sorted({box["y"] for box in boxes})  # one per line
    tick = page.locator("input[name=overdue]").bounding_box()
    words = page.locator("label:has(> input[name=overdue])").bounding_box()
    assert words["height"] < 2 * tick["height"] + 8  # one line, not the box above the words
    assert page.inner_text("#list-export") == "Tải về mọi hồ sơ tìm được: XLSX · CSV"
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename == "ho-so.csv"
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    assert len(lines) == 2 and lines[1].startswith(dossier.code)

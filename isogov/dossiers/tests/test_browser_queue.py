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

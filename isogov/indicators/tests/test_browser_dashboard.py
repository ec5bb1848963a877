"""The leader's dashboard in real Chromium: the overdue count opens exactly those dossiers."""

from __future__ import annotations

from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.core import clock
from isogov.dossiers import services
from isogov.dossiers.tests.conftest import intake
from isogov.indicators.registry import Scope, measure

from .conftest import March


@pytest.mark.django_db(transaction=True)
def test_the_leader_clicks_the_overdue_count_and_sees_those_dossiers(
    live_server: Any, page: Any, desk: Any, march: March
) -> None:
    # March's two unfinished dossiers are overdue today; one received now is not.
    fresh = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, name="Lê Mới"))
    today = clock.today()
    overdue = measure("count.overdue_at_end", Scope(agency=desk.department), today, today)
    expected = {march.open_within.code, march.open_overdue.code}
    assert overdue.value == len(expected)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lanhdao")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    # The charts are drawn from the page's JSON by the vendored Chart.js (no inline script).
    drawn = "c => !!window.Chart && !!window.Chart.getChart(c)"
    page.wait_for_function("() => !!window.Chart")
    assert page.locator("canvas[data-chart=leader-groups-chart]").evaluate(drawn)
    link = page.locator("#leader-overdue_at_end")
    assert link.inner_text() == str(len(expected))
    # The dashboard's own overdue list names the same dossiers, each with who holds it.
    listed = page.locator("#leader-overdue tbody tr td:first-child a").all_inner_texts()
    assert set(listed) == expected
    assert all(h.strip() for h in page.locator("#leader-overdue .holder").all_inner_texts())

    link.click()
    page.wait_for_url("**/dossiers/search/?agency=*&overdue=1")
    codes = page.locator("#results tbody tr td:first-child a").all_inner_texts()
    assert set(codes) == expected and len(codes) == len(expected)
    assert fresh.code not in codes
    assert page.is_checked("input[name=overdue]")

    # The city leader: the city dashboard ranks the agency, and drills down to the same list.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "thanhpho")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.wait_for_function("() => !!window.Chart")
    assert page.locator("canvas[data-chart=city-chart]").evaluate(drawn)
    page.click(f"#city-agencies a.city-agency:has-text('{desk.department.name}')")
    page.wait_for_url(f"**/dashboard/agency/{desk.department.code}/")
    page.click("#leader-overdue_at_end")
    page.wait_for_url("**/dossiers/search/?agency=*&overdue=1")
    codes = page.locator("#results tbody tr td:first-child a").all_inner_texts()
    assert set(codes) == expected and len(codes) == len(expected)

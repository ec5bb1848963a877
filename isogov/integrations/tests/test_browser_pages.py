"""The integrations' staff pages on a phone (390 px, no sideways scroll) and through axe-core
(no critical or serious violation), with a receiver that has a delivery log, and the pages that
show a secret once."""

from __future__ import annotations

from typing import Any

import pytest

from isogov.dossiers.tests.walk import AXE_RUN, PHONE, WIDTH, Walk


def check_current(walk: Walk, label: str) -> None:
    """The page a form's answer left in the browser, checked as ``Walk.visit`` checks one."""
    walk.visited.append(label)
    walk.page.wait_for_load_state("load")  # the form's answer may still be arriving
    scroll, inner = walk.page.evaluate(WIDTH)
    if scroll > inner:
        walk.problems.append(f"{label}: {scroll} px wide at {inner} px")
    walk.problems.extend(f"{label}: {v}" for v in walk.page.evaluate(AXE_RUN))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_integration_pages_fit_a_phone_and_pass_axe(live_server: Any, page: Any, desk: Any) -> None:
    from isogov.dossiers import services as dossier_services
    from isogov.dossiers.tests.conftest import intake
    from isogov.integrations.webhooks import services

    subscription, _secret = services.webhook_subscription_create(
        actor=desk.user("lanhdao"),
        agency=desk.department,
        name="Kho dữ liệu tỉnh",
        url="https://kho-du-lieu.haiphong.gov.vn/isogov/webhooks/nhan",
        events=["dossier.status_changed", "dossier.step"],
    )
    dossier_services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    assert services.webhook_events_collect() >= 1
    page.set_viewport_size(PHONE)
    walk = Walk(page, live_server.url)
    walk.sign_in("lanhdao")
    for path in (
        "/integrations/webhooks/",
        f"/integrations/webhooks/{subscription.pk}/",
        "/integrations/thu-tuc/nhap/",
        "/quan-tri/khoa-api/",
    ):
        walk.visit("lanhdao", path)
    # The pages that show a secret once: after the forms are sent.
    page.goto(f"{live_server.url}/quan-tri/khoa-api/")
    page.fill("#id_name", "Cổng dịch vụ công tỉnh")
    page.check("input[name=scopes][value=push_dossiers]")
    page.click("#api-key-create button[type=submit]")
    check_current(walk, "lanhdao: API key issued")
    assert page.input_value("#api-key-secret").startswith("ik_")
    page.goto(f"{live_server.url}/integrations/webhooks/")
    page.fill("#id_name", "Nơi nhận thử")
    page.fill("#id_url", "https://nhan.example.vn/hooks")
    page.check("input[name=events][value='dossier.result_returned']")
    page.click("#webhook-create button[type=submit]")
    check_current(walk, "lanhdao: receiver registered")
    assert page.input_value("#webhook-secret").startswith("whsec_")
    assert not walk.problems, "\n".join(walk.problems)

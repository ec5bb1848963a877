"""Every page, officer and public, on a phone, under the Content-Security-Policy.

One browser session walks all the pages at 390×844, signed in as each demo person in turn, and
checks each as ``walk.Walk`` says: no sideways scroll, no serious axe violation, the CSP header and
no inline script or CSP violation. It collects every problem and fails once, listing them all.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import CFS
from .pages import officer_pages, page_data, public_pages
from .walk import Walk


def _menu_skip_link_and_focus_ring(walk: Walk) -> None:
    """On a phone the menu is one button; the first Tab reaches the skip link, ringed."""
    page = walk.page
    walk.sign_in("motcua")
    assert not page.is_visible("text=Việc của tôi")
    page.click("#menu-button")
    assert page.is_visible("text=Việc của tôi")
    assert page.get_attribute("#menu-button", "aria-expanded") == "true"
    page.goto(f"{walk.base}/dashboard/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["skip-link", "solid"]
    assert page.is_visible("text=Bỏ qua, đến nội dung chính")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone_passes_axe_and_keeps_the_csp(
    live_server: Any, csp_page: Any, desk: Any
) -> None:
    page = csp_page
    data = page_data(desk)
    walk = Walk(page, live_server.url)
    choose_cfs = (
        f"(() => {{ const s = document.querySelector('#id_procedure'); s.value = '{CFS}';"
        " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )
    for path in public_pages(data):
        walk.visit("anonymous", path)
    received = f"/dossiers/{data['received']}/"
    _menu_skip_link_and_focus_ring(walk)
    for username, paths in officer_pages(data).items():
        walk.sign_in(username)
        for path in paths:
            walk.visit(username, path)
        if username == "motcua":
            walk.visit(username, "/dossiers/new/", then=choose_cfs)
            assert page.evaluate("document.documentElement.lang") == "vi"
            said = page.evaluate(
                "(() => { const f = document.querySelector('#id_applicant_name');"
                " f.value = ''; f.reportValidity(); return f.validationMessage; })()"
            )
            assert said == "Vui lòng điền vào trường này."
            page.goto(f"{live_server.url}{received}")
            first = page.inner_text("#timeline li:first-child")
            assert first.count("Đã tiếp nhận") == 1, first  # not "X → X: X"

    # The API's Swagger page: its scripts come from its own files (no axe: a vendored page).
    walk.sign_in("quantri")
    walk.visit("quantri", "/api/docs/", axe=False)
    assert page.locator(".swagger-ui").count() == 1
    page.wait_for_selector(".opblock", timeout=15_000)
    print(f"\n{len(walk.visited)} pages checked at 390×844 with axe-core and the CSP")
    assert not walk.problems, "\n".join(walk.problems)

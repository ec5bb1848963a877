"""Every page, officer and public, on a phone: no sideways scroll and no serious axe violation.

One browser session walks all the pages at 390×844, signed in as each demo person in turn, and
runs the vendored axe-core on each. It collects every problem and fails once, listing them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD

from .conftest import CFS
from .pages import officer_pages, page_data, public_pages

AXE = Path(__file__).resolve().parents[2] / "core/static/isogov/vendor/axe-core/axe.min.js"
PHONE = {"width": 390, "height": 844}
WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => v.impact + ' ' + v.id + ': '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


class Walk:
    """Visits pages and records what is wrong on each."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        # Loaded into every page the context opens, before the page's own scripts: sent to the
        # browser once, not per page, and not subject to the page's Content-Security-Policy.
        page.context.add_init_script(path=str(AXE))
        self.visited: list[str] = []
        self.problems: list[str] = []

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/dashboard/")

    def visit(self, who: str, path: str, *, then: str = "") -> None:
        response = self.page.goto(f"{self.base}{path}")
        if then:  # a step that fills part of the page in (htmx)
            self.page.evaluate(then)
            self.page.wait_for_load_state("networkidle")
        label = f"{who} {path}"
        self.visited.append(label)
        if response is None or (response.status >= 400 and not path.startswith("/khong-co")):
            self.problems.append(f"{label}: HTTP {response and response.status}")
        scroll, inner = self.page.evaluate(WIDTH)
        if scroll > inner:
            self.problems.append(f"{label}: {scroll} px wide at {inner} px")
        for violation in self.page.evaluate(AXE_RUN):
            self.problems.append(f"{label}: {violation}")


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
def test_every_page_fits_a_phone_and_passes_axe(live_server: Any, page: Any, desk: Any) -> None:
    data = page_data(desk)
    page.set_viewport_size(PHONE)
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

    print(f"\n{len(walk.visited)} pages checked at 390×844 with axe-core")
    assert not walk.problems, "\n".join(walk.problems)

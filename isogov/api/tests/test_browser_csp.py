"""The Content-Security-Policy holds on every page: no inline script, 0 violations in Chromium.

Reuses the page list of the phone and axe walk (``dossiers/tests/pages.py``), signed in as each
demo person, plus the API's Swagger page. Each page reports its CSP violations to the test
through a listener installed before any of the page's own scripts run.
"""

from __future__ import annotations

from typing import Any

import pytest

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.dossiers.tests.pages import officer_pages, page_data, public_pages

COLLECT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ':' + e.lineNumber);
});
"""
INLINE = """() => {
  const found = [];
  document.querySelectorAll('script').forEach(s => {
    if (!s.src && s.type !== 'application/json') found.push('inline <script>');
  });
  document.querySelectorAll('*').forEach(el => {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
      if (a.name === 'href' && a.value.startsWith('javascript:')) found.push('javascript: link');
    }
  });
  return found;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_has_the_csp_and_no_inline_script(
    live_server: Any, csp_page: Any, desk: Any
) -> None:
    page = csp_page
    data = page_data(desk)
    page.context.add_init_script(COLLECT)
    problems: list[str] = []
    visited = 0

    def visit(who: str, path: str) -> None:
        nonlocal visited
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        visited += 1
        label = f"{who} {path}"
        policy = response.headers.get("content-security-policy", "") if response else ""
        if "script-src 'self'" not in policy or "unsafe-inline" in policy.split("style-src")[0]:
            problems.append(f"{label}: CSP header {policy!r}")
        if response and response.headers.get("cache-control") != "no-store":
            problems.append(f"{label}: Cache-Control {response.headers.get('cache-control')}")
        problems.extend(f"{label}: {item}" for item in page.evaluate(INLINE))
        problems.extend(f"{label}: CSP violation {v}" for v in page.evaluate("window.__csp"))

    for path in public_pages(data):
        visit("anonymous", path)
    for username, paths in officer_pages(data).items():
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboard/")
        for path in paths:
            visit(username, path)
    visit("quantri", "/api/docs/")
    assert page.locator(".swagger-ui").count() == 1
    page.wait_for_selector(".opblock", timeout=15_000)  # Swagger UI ran from its own file
    print(f"\n{visited} pages checked for the CSP: {len(problems)} problems")
    assert not problems, "\n".join(problems)

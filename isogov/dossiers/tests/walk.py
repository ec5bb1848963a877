"""A walk through pages in Chromium at phone width, under the server's Content-Security-Policy.

On each page it checks, and records what is wrong rather than stopping at the first problem:
- the HTTP status, and no sideways scroll at 390 px;
- axe-core: no critical or serious violation;
- the Content-Security-Policy header (scripts from 'self' only) and ``Cache-Control: no-store``;
- no inline ``<script>``, no ``on…`` attribute, no ``javascript:`` link, and no CSP violation
  reported by the browser while the page loaded.
axe-core and the violation listener are init scripts: the browser runs them before the page's
own scripts, and DevTools' injection is not subject to the page's policy, so the walk sees the
page exactly as a visitor's browser enforces it (the ``csp_page`` fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from isogov.accounts.demo import DEMO_PASSWORD

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
COLLECT_CSP = """
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


class Walk:
    """Visits pages and records what is wrong on each."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        page.set_viewport_size(PHONE)
        page.context.add_init_script(path=str(AXE))
        page.context.add_init_script(COLLECT_CSP)
        self.visited: list[str] = []
        self.problems: list[str] = []

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/dashboard/")

    def visit(self, who: str, path: str, *, then: str = "", axe: bool = True) -> None:
        response = self.page.goto(f"{self.base}{path}")
        if then:  # a step that fills part of the page in (htmx)
            self.page.evaluate(then)
            self.page.wait_for_load_state("networkidle")
        label = f"{who} {path}"
        self.visited.append(label)
        problems = self.problems
        if response is None or (response.status >= 400 and not path.startswith("/khong-co")):
            problems.append(f"{label}: HTTP {response and response.status}")
            return
        policy = response.headers.get("content-security-policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy.split("style-src")[0]:
            problems.append(f"{label}: CSP header {policy!r}")
        if response.headers.get("cache-control") != "no-store":
            problems.append(f"{label}: Cache-Control {response.headers.get('cache-control')}")
        problems.extend(f"{label}: {item}" for item in self.page.evaluate(INLINE))
        scroll, inner = self.page.evaluate(WIDTH)
        if scroll > inner:
            problems.append(f"{label}: {scroll} px wide at {inner} px")
        if axe:
            problems.extend(f"{label}: {v}" for v in self.page.evaluate(AXE_RUN))
        problems.extend(f"{label}: CSP violation {v}" for v in self.page.evaluate("window.__csp"))

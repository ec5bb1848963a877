"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def demo(db: Any) -> Any:
    """The demo agencies, units and accounts."""
    from isogov.accounts.demo import seed_demo

    seed_demo()
    from isogov.accounts.models import Agency, User

    class Demo:
        department = Agency.objects.get(code="000.00.15.H26")
        other = Agency.objects.get(code="000.00.19.H26")
        city = Agency.objects.get(code="000.00.00.H26")

        @staticmethod
        def user(username: str) -> User:
            return User.objects.get(username=username)

    return Demo


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = (
            "BROWSER TESTS SKIPPED: Debian's chromium is not installed. "
            "Install it with: sudo apt-get install chromium"
        )
        if os.environ.get("ISOGOV_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests carry the ``browser`` marker so they can be selected or left out."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say it loudly when browser tests did not run, and how to make them run."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "BROWSER TESTS SKIPPED" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("!", "BROWSER TESTS DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser test(s) skipped: Debian's chromium is missing. "
            "Install it with `sudo apt-get install chromium` and run `make test` again.",
            red=True,
        )

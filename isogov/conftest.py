"""Fixtures shared by every app's tests.

The demo data (``demo``) and the sample catalogue (``desk``) are seeded once per session, not per
test, and so are a few modules' own heavy data on top of them (``LAYERS``): each is a *layer*, an
open transaction holding the seeded rows, and every test that uses it runs inside it in a
savepoint of its own (pytest-django's ``TestCase`` atomic), rolled back at the end. A layer is
never committed, so the database between tests holds exactly what it held before, and a test
that uses none of the layers' fixtures opens with the layers rolled back: it sees an empty
database as before. Transactional tests (``transaction=True``, ``live_server``) commit and
flush, so they run with no layer open and seed their own rows, which the flush then removes.

Caches keyed by database state stay right across the rollbacks: the intake-plan cache is keyed by
the catalogue stamp and the compiled calendars by the calendar revision, both random values that
a rollback restores (``isogov/catalog/stamps.py``, ``AgencyCalendar.revision``); the audit chain
head is a row, rolled back with the events.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _seed_demo() -> None:
    from isogov.accounts.demo import seed_demo
    from isogov.indicators.defaults import default_settings
    from isogov.indicators.models import IndicatorSetting

    seed_demo()
    # The indicator settings migration 0002 writes: a transactional test's flush removes them,
    # and the leader's dashboard reads them.
    for key, effective_from, value, source, assumed in default_settings():
        IndicatorSetting.objects.get_or_create(
            key=key,
            effective_from=effective_from,
            defaults={"value": value, "legal_source": source, "is_assumption": assumed},
        )


def _seed_catalog() -> None:
    from isogov.catalog.demo import seed_catalog

    seed_catalog()


def _imported(target: str) -> Callable[[], Any]:
    """The seed ``module:function``, imported when it first runs (a test module's own)."""

    def seed() -> Any:
        import importlib

        module, name = target.split(":")
        return getattr(importlib.import_module(module), name)()

    return seed


class Layer(NamedTuple):
    name: str
    fixture: str  # the fixture that asks for it
    seed: Callable[[], Any]  # what it returns is the layer's value (``SeedLayers.values``)
    below: str | None  # the layer it stands on


# The layers, each standing on the one below it. The last two are a few tests' own heavy data,
# seeded once per worker instead of once per test: their tests share an ``xdist_group`` so that
# one worker runs them all, one after the other.
LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer("demo", "demo", _seed_demo, None),
        Layer("catalog", "desk", _seed_catalog, "demo"),
        Layer(
            "register_year",
            "register_year",
            _imported("isogov.dossiers.tests.test_register_jobs:seed_year"),
            "catalog",
        ),
        Layer(
            "outbound_hundred",
            "outbound_hundred",
            _imported("isogov.integrations.tests.test_outbound:seed_hundred"),
            "catalog",
        ),
        Layer(
            "demo_command",
            "demo_command",
            _imported("isogov.qms.tests.test_demo:seed_demo_command"),
            "catalog",
        ),
    )
}


def _chain(name: str) -> list[str]:
    """The layer and those below it, from the bottom up."""
    chain: list[str] = []
    below: str | None = name
    while below is not None:
        chain.insert(0, below)
        below = LAYERS[below].below
    return chain


class Replays:
    """Seeds for transactional tests, run once through the services and then copied.

    A transactional test commits, so it cannot run inside a layer; it seeds its own rows, which
    the flush after it removes. The first time a seed runs on a given database state, the rows it
    added or changed are kept; the next time the database is in that same state (its rows
    fingerprinted), those rows are written back directly, the same primary keys, hashes and
    stamps, instead of running the services again.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], list[tuple[Any, list[dict[str, Any]]]]] = {}

    @staticmethod
    def _rows() -> dict[Any, dict[Any, dict[str, Any]]]:
        from django.apps import apps

        return {
            model: {row["pk_"]: row for row in _values(model)}
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }

    def seed(self, name: str, seeder: Callable[[], None]) -> None:
        import hashlib

        from django.core.management.color import no_style
        from django.db import connection, transaction

        before = self._rows()
        state = sorted(
            (model._meta.label, sorted(rows) if model._meta.label in VOLATILE else rows)
            for model, rows in before.items()
            if model._meta.label not in REBUILT
        )
        key = (name, hashlib.sha256(repr(state).encode()).hexdigest())
        kept = self.kept.get(key)
        if kept is None:
            seeder()
            after = self._rows()
            changed = [
                (model, [row for pk, row in rows.items() if before[model].get(pk) != row])
                for model, rows in after.items()
                if rows != before[model]
            ]
            removed = any(pk not in after[model] for model in before for pk in before[model])
            if not removed and not any(model._meta.label in REBUILT for model, _ in changed):
                self.kept[key] = changed
            return
        with transaction.atomic():
            for model, rows in kept:
                manager = model._base_manager
                new = []
                for row in rows:
                    fields = {key: value for key, value in row.items() if key != "pk_"}
                    if row["pk_"] in before[model]:
                        manager.filter(pk=row["pk_"]).update(**fields)
                    else:
                        new.append(model(**fields))
                manager.bulk_create(new)
            models = [model for model, _ in kept]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)


# Rebuilt by the flush after every transactional test, with new keys; no seed writes them.
REBUILT = {"auth.Permission", "contenttypes.ContentType"}
# Rows whose value is a fresh random stamp after every flush; a seed sets its own.
VOLATILE = {"catalog.CatalogStamp"}


def _values(model: Any) -> list[dict[str, Any]]:
    names = [field.attname for field in model._meta.concrete_fields]
    return [
        {"pk_": row[model._meta.pk.attname], **row}
        for row in model._base_manager.order_by().values(*names)
    ]


def _label(item: tuple[Any, Any]) -> str:
    return str(item[0]._meta.label)


_replays = Replays()


class SeedLayers:
    """The stack of open seed layers on the default connection."""

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker
        self.open: list[tuple[str, Any]] = []
        self.values: dict[str, Any] = {}  # what each open layer's seed returned

    def names(self) -> list[str]:
        return [name for name, _ in self.open]

    def switch(self, wanted: list[str], *, seed: bool = True) -> None:
        """Roll back the layers above the part shared with ``wanted``, then seed the rest."""
        from django.db import transaction

        keep = 0
        while keep < min(len(self.open), len(wanted)) and self.open[keep][0] == wanted[keep]:
            keep += 1
        if not seed:
            wanted = wanted[:keep]
        with self.blocker.unblock():
            while len(self.open) > keep:
                name, atomic = self.open.pop()
                self.values.pop(name, None)
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
            for name in wanted[keep:]:
                atomic = transaction.atomic()
                atomic.__enter__()
                self.open.append((name, atomic))
                self.values[name] = LAYERS[name].seed()


def wanted_layers(fixturenames: list[str], marker: Any) -> list[str]:
    """The layers a test runs in: those below the deepest seeded fixture it uses.

    None for a transactional test: its commits would end in the layers' transaction, and the
    live server (its own connection on PostgreSQL) could not see uncommitted rows.
    """
    transactional = "transactional_db" in fixturenames or "live_server" in fixturenames
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction")
            or marker.kwargs.get("reset_sequences")
            or (marker.args and marker.args[0])
        )
    if transactional:
        return []
    chains = sorted(
        (_chain(layer.name) for layer in LAYERS.values() if layer.fixture in fixturenames),
        key=len,
    )
    if not chains:
        return []
    for chain in chains:
        if chain != chains[-1][: len(chain)]:
            raise pytest.UsageError(f"one test cannot use the layers {chain} and {chains[-1]}")
    return chains[-1]


_session_layers: list[SeedLayers] = []  # the session's, once its database is set up


@pytest.fixture(scope="session")
def db_template(request: pytest.FixtureRequest, django_db_blocker: Any) -> Path | str | None:
    """The migrated database every test database starts as a copy of (core/tests/dbtemplate.py).

    A file path on SQLite, a database name on PostgreSQL; None under ``--nomigrations``.
    """
    if request.config.getoption("nomigrations", False):
        return None
    from isogov.core.tests import dbtemplate

    with django_db_blocker.unblock():
        return dbtemplate.build()


_template_loaders: list[Any] = []


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings: None, db_template: Path | str | None
) -> None:
    """Have the test database created as a copy of the template rather than migrated afresh."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    from isogov.core.tests import dbtemplate

    if isinstance(db_template, str):
        connection.settings_dict["TEST"]["TEMPLATE"] = db_template
    elif db_template is not None:
        loader = dbtemplate.sqlite_loader(db_template)
        _template_loaders.append(loader)
        connection_created.connect(loader, weak=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """pytest-django's, with the template's loader removed once the test database exists."""
    from django.db.backends.signals import connection_created

    while _template_loaders:
        connection_created.disconnect(_template_loaders.pop())


@pytest.fixture(scope="session")
def seed_layers(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedLayers]:
    layers = SeedLayers(django_db_blocker)
    _session_layers.append(layers)
    yield layers
    layers.switch([])
    _session_layers.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Roll back the layers a test does not use before any of its fixtures is set up.

    Here, not only in ``_django_db_helper``: a transactional browser test sets up Playwright (a
    session fixture) before it, and from then on the connection no longer shows the layers'
    atomic blocks, so they could not be rolled back there.
    """
    if not _session_layers:
        return
    wanted = wanted_layers(
        list(getattr(item, "fixturenames", ())), item.get_closest_marker("django_db")
    )
    _session_layers[0].switch(wanted, seed=False)


@pytest.fixture
def _django_db_helper(_seed_layers_for_test: None, _django_db_helper: None) -> None:
    """pytest-django's per-test database setup, run once the test's layers are in place.

    It opens the test's atomic block, nested in the layers' (pytest-django leaves room for
    higher-scoped transactions around its tests).
    """


@pytest.fixture
def _seed_layers_for_test(request: pytest.FixtureRequest, seed_layers: SeedLayers) -> None:
    seed_layers.switch(
        wanted_layers(list(request.fixturenames), request.node.get_closest_marker("django_db"))
    )


@pytest.fixture
def demo(db: Any, seed_layers: SeedLayers) -> Any:
    """The demo agencies, units and accounts."""
    if "demo" not in seed_layers.names():  # a transactional test: seed its own
        _replays.seed("demo", _seed_demo)
    from isogov.accounts.models import Agency, User

    class Demo:
        department = Agency.objects.get(code="000.00.15.H26")
        other = Agency.objects.get(code="000.00.19.H26")
        city = Agency.objects.get(code="000.00.00.H26")

        @staticmethod
        def user(username: str) -> User:
            return User.objects.get(username=username)

    return Demo


@pytest.fixture
def desk(demo: Any, seed_layers: SeedLayers) -> Any:
    """Demo agencies, accounts and the sample catalogue."""
    if "catalog" not in seed_layers.names():  # a transactional test: seed its own
        _replays.seed("catalog", _seed_catalog)
    return demo


@pytest.fixture
def demo_command(desk: Any, seed_layers: SeedLayers) -> str:
    """What ``isogov seed-demo`` printed, run once on the demo and the catalogue (a layer)."""
    return str(seed_layers.values["demo_command"])


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language, as each request and job does in production.

    The locale middleware activates a request's language in the thread and leaves it there, so
    an API call with ``Accept-Language: en`` would otherwise turn the next tests in the same
    worker English, depending on the order the tests happen to run in.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Each test writes its audit checkpoints to a file of its own.

    The file is outside the database, so a checkpoint one test wrote would outlive the rollback
    of the events it names, and ``audit verify`` in a later test on the same worker would see
    that later test's own events as a rewritten chain.
    """
    from django.conf import settings

    before = settings.ISOGOV_AUDIT_CHECKPOINT_FILE
    folder = tmp_path_factory.getbasetemp() / "audit-checkpoints"
    settings.ISOGOV_AUDIT_CHECKPOINT_FILE = str(folder / f"{abs(hash(request.node.nodeid))}.jsonl")
    yield
    settings.ISOGOV_AUDIT_CHECKPOINT_FILE = before


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
    # The harness injects axe-core and evaluates predicates, which the pages' CSP would refuse;
    # ``csp_page`` enforces the CSP as a real browser does.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def csp_page(browser: Any) -> Iterator[Any]:
    """A page under the server's Content-Security-Policy (no injected scripts)."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests carry the ``browser`` marker so they can be selected or left out.

    The tests in seed layers run together, by layer, so each layer is seeded once. They are all
    plain database tests, which pytest-django has already put first and together: sorting the
    stretch from the first to the last of them keeps its order of kinds.
    """
    for item in items:
        if {"page", "csp_page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    chains = [
        wanted_layers(list(getattr(item, "fixturenames", ())), item.get_closest_marker("django_db"))
        for item in items
    ]
    layered = [index for index, chain in enumerate(chains) if chain]
    if layered:
        first, last = layered[0], layered[-1] + 1
        stretch = sorted(range(first, last), key=lambda index: (len(chains[index]), chains[index]))
        items[first:last] = [items[index] for index in stretch]


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

"""The migrated test database, built once and copied, instead of migrated by every process.

Migrating from nothing takes about half a minute on a loaded machine (``qms/0001_initial`` alone
rebuilds its SQLite tables once per constraint), and every pytest-xdist worker did it, and every
concurrency test's own database again. Now the first process that needs it migrates a
*template* once, under a lock so that the workers do not race, keyed by a hash of everything
``migrate`` runs: each installed app's migration files, the project modules those import, the
apps' ``apps.py`` and the modules their ``post_migrate`` handlers import (the catalogue stamp
triggers, the dossier search index), the settings and the Django version. Every test database
then starts as a copy of it:

- SQLite: the template is a file in ``var/test-db/``; a worker's in-memory test database is
  filled from it with SQLite's backup API when Django first connects to it.
- PostgreSQL: the template is a database next to the test ones, ``test_<name>_tpl_<hash>``, and
  the test database is created from it (``CREATE DATABASE … TEMPLATE``, Django's
  ``TEST["TEMPLATE"]``).

Django's ``migrate`` still runs on the copy, as it always did: it finds every migration applied
and only emits ``post_migrate``; a migration the copy lacked would simply be applied. A changed
input changes the hash: the next run builds a new template and removes the old one. Delete
``var/test-db/`` (or the ``*_tpl_*`` databases) to force a rebuild.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / "var" / "test-db"
ALIAS = "default"
SQLITE = "django.db.backends.sqlite3"


def _module_files(name: str) -> list[Path]:
    """The source files of the longest importable prefix of a dotted ``isogov`` name."""
    parts = name.split(".")
    while parts:
        base = ROOT.joinpath(*parts)
        if base.with_suffix(".py").is_file():
            return [base.with_suffix(".py")]
        if (base / "__init__.py").is_file():
            return sorted(base.glob("*.py"))
        parts.pop()
    return []


def inputs() -> list[Path]:
    """Every file whose content decides what ``migrate`` builds."""
    from django.apps import apps

    files: set[Path] = {ROOT / "isogov" / "settings.py", ROOT / "isogov" / "settings_test.py"}
    for config in apps.get_app_configs():
        files.update(Path(config.path).glob("migrations/*.py"))
        if (Path(config.path) / "apps.py").is_file():
            files.add(Path(config.path) / "apps.py")
    for path in sorted(files):
        if ROOT not in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"\bisogov(?:\.\w+)+", text):
            files.update(_module_files(name))
        if path.name == "apps.py":
            package = ".".join(path.parent.relative_to(ROOT).parts)
            for name in re.findall(r"from \.(\w+) import", text):
                files.update(_module_files(f"{package}.{name}"))
    return sorted(files)


def fingerprint(vendor: str) -> str:
    import django

    digest = hashlib.sha256(f"{django.__version__} {vendor}".encode())
    for path in inputs():
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _migrate(settings_dict: dict[str, Any]) -> None:
    """Run ``migrate`` on the database ``settings_dict`` names, through a connection of its own.

    The connection stands in for the default one while migrate runs.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connections
    from django.db.utils import load_backend

    original = connections[ALIAS]
    building = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, ALIAS)
    connections[ALIAS] = building
    try:
        call_command("migrate", interactive=False, verbosity=0, run_syncdb=True)
    finally:
        building.close()
        connections[ALIAS] = original
        ContentType.objects.clear_cache()  # the ids it cached are the template's


# --- SQLite ------------------------------------------------------------------------------------
@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@functools.cache
def sqlite_template() -> Path:
    """The template file, built first if there is none for today's migrations."""
    from django.db import connections

    path = CACHE / f"sqlite-{fingerprint('sqlite')[:16]}.sqlite3"
    with _file_lock(CACHE / "lock"):
        if not path.exists():
            building = path.with_name(f"building-{os.getpid()}.sqlite3")
            for leftover in building.parent.glob(building.name + "*"):
                leftover.unlink()
            default = connections[ALIAS].settings_dict
            if default["ENGINE"] == SQLITE:
                _migrate({**default, "NAME": str(building)})
            else:  # the concurrency tests' SQLite database, in a PostgreSQL run
                _migrate(
                    {
                        **default,
                        **dict.fromkeys(("USER", "PASSWORD", "HOST", "PORT"), ""),
                        "ENGINE": SQLITE,
                        "NAME": str(building),
                        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
                    }
                )
            with sqlite3.connect(building) as plain:  # one self-contained file, no WAL beside it
                plain.execute("PRAGMA journal_mode=DELETE")
            plain.close()
            os.replace(building, path)
            for stale in CACHE.glob("sqlite-*.sqlite3"):
                if stale != path:
                    stale.unlink(missing_ok=True)
    return path


def sqlite_loader(template: Path) -> Any:
    """A ``connection_created`` receiver that fills an empty SQLite test database from it."""

    def load(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.alias != ALIAS or connection.vendor != "sqlite":
            return
        target = connection.connection
        if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()

    return load


# --- PostgreSQL --------------------------------------------------------------------------------
def _prefix(settings_dict: dict[str, Any]) -> str:
    return f"test_{settings_dict['NAME']}"[:40] + "_tpl_"


@functools.cache
def postgres_template() -> str:
    """The template database's name, built first if there is none for today's migrations.

    Once per process: later in the session the default connection names the test database.
    """
    from django.db import DatabaseError, connections

    connection = connections[ALIAS]
    prefix = _prefix(connection.settings_dict)
    key = fingerprint("postgresql")
    name = prefix + key[:12]
    lock = int(key[:15], 16)  # a server-wide advisory lock: other checkouts may share the server
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                building = f"{name}_new"
                cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
                cursor.execute(f'CREATE DATABASE "{building}"')
                _migrate({**connection.settings_dict, "NAME": building})
                cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE left(datname, %s) = %s",
                    [len(prefix), prefix],
                )
                for (stale,) in cursor.fetchall():
                    if stale != name:
                        with contextlib.suppress(DatabaseError):  # in use: left for later
                            cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
    return name


def build() -> Path | str:
    """The template for the default database: a file path (SQLite) or a database name."""
    from django.db import connections

    if connections[ALIAS].vendor == "postgresql":
        return postgres_template()
    return sqlite_template()

"""Dossiers under real concurrency: several OS processes writing to one database at once.

The suite's own database lives in memory (SQLite) or belongs to this process, and other
processes cannot share it. So these tests build their own: a file SQLite database always, and a
throwaway PostgreSQL database as well when ``DATABASE_URL`` is set, a copy of the suite's migrated
template. One subprocess per database, ``python -m isogov.dossiers.tests.concurrency_worker serve``,
sets Django up once, seeds the demo (``seed-demo --no-dossiers``) and then runs each test's race
as the test asks for it on its standard input. A race forks one racer per command; a racer loads
what it needs, says it is ready, then blocks until it is started, so every racer hits the
database at the same moment. The serving process first prepares the dossiers they race on and
afterwards reports what was stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import translation

from isogov.core.errors import STALE_VERSION
from isogov.core.tests import dbtemplate
from isogov.dossiers.tests.concurrency_worker import AGENCY, TARGETS, WAIT_S

# One shared database per run: under pytest-xdist the whole module goes to one worker.
pytestmark = pytest.mark.xdist_group("concurrency")

ROOT = Path(__file__).resolve().parents[3]
MODULE = "isogov.dossiers.tests.concurrency_worker"


# --- the database the processes share ------------------------------------------------------
class SharedDatabase:
    """A migrated, seeded database, and the one Django process (``serve``) that races on it."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env = env
        self.tmp = tmp
        self.server: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start the serving process and wait until it has seeded the demo."""
        # Its errors go to a file: a pipe nobody reads until the end could fill and block it.
        with (self.tmp / "serve.stderr").open("w") as stderr:
            self.server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", MODULE, "serve"],
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        assert self._answer() == {"seeded": True}

    def stop(self) -> None:
        if self.server is None:
            return
        assert self.server.stdin is not None and self.server.stdout is not None
        with contextlib.suppress(BrokenPipeError):  # it has died already
            self.server.stdin.close()
        try:
            self.server.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server.stdout.close()

    def _answer(self) -> dict[str, Any]:
        """The serving process's next answer line (its last words if it died instead)."""
        assert self.server is not None and self.server.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.server.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=WAIT_S)
        line = self.server.stdout.readline() if ready else ""
        if not line:
            self.server.kill()
            self.server.wait()
            stderr = (self.tmp / "serve.stderr").read_text()
            raise AssertionError(f"the serving process gave no answer:\n{stderr[-4000:]}")
        answer: dict[str, Any] = json.loads(line)
        assert "error" not in answer, answer["error"][-4000:]
        return answer

    def run(self, *args: str) -> dict[str, Any]:
        """Have the serving process run one worker command to the end; its JSON answer."""
        assert self.server is not None and self.server.stdin is not None
        self.server.stdin.write(json.dumps(list(args)) + "\n")
        self.server.stdin.flush()
        return self._answer()

    def race(self, commands: list[list[str]], *prepare: str) -> dict[str, Any]:
        """Run the commands in parallel processes released together, forked from the serving
        process, which first prepares dossiers (``prepare``: the options of ``prepare``;
        ``TARGETS`` in a command stands for them) and reports what was stored once they are done.

        ``prepared`` (if asked), ``answers`` in the commands' order and ``stored``.
        """
        gate = self.tmp / f"race-{uuid.uuid4().hex}"
        gate.mkdir()
        options = ["--gate", str(gate), "--commands", json.dumps(commands)]
        if prepare:
            options += ["--prepare", json.dumps(list(prepare))]
        return self.run("race", *options)


def _postgres_database(url: str, template: str) -> Iterator[str]:
    """Create a uniquely named copy of the migrated template next to ``url``'s; drop it after."""
    import psycopg

    parts = urlsplit(url)
    name = f"isogov_concurrency_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                reason="PostgreSQL runs only when DATABASE_URL points at a server",
            ),
        ),
    ],
)
def shared_db(
    request: Any,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_blocker: Any,
    db_template: Path | str | None,
) -> Iterator[SharedDatabase]:
    tmp = tmp_path_factory.mktemp(f"concurrency-{request.param}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "isogov.settings_test",
        "ISOGOV_DATA_DIR": str(tmp),
        "ISOGOV_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    databases: Iterator[str] | None = None
    # The database starts as a copy of the suite's migrated template (core/tests/dbtemplate.py)
    # rather than being migrated again by a subprocess.
    with django_db_blocker.unblock():
        if request.param == "postgresql":
            assert isinstance(db_template, str)
            databases = _postgres_database(os.environ["DATABASE_URL"], db_template)
            env["DATABASE_URL"] = next(databases)
        else:
            source = db_template if isinstance(db_template, Path) else dbtemplate.sqlite_template()
            env["ISOGOV_SQLITE_PATH"] = str(tmp / "db.sqlite3")
            shutil.copyfile(source, tmp / "db.sqlite3")
    shared = SharedDatabase(env, tmp)
    try:
        shared.start()
        yield shared
    finally:
        shared.stop()
        if databases is not None:
            next(databases, None)


def _expected_conflict_message() -> str:
    with translation.override("vi"):
        return str(STALE_VERSION)


# --- the tests ------------------------------------------------------------------------------
def test_eight_processes_intake_at_once_get_unique_consecutive_codes(
    shared_db: SharedDatabase,
) -> None:
    day = "2026-03-09T09:00:00+07:00"
    raced = shared_db.race([["intake", "--count", "10", "--at", day] for _ in range(8)])
    answers = raced["answers"]

    made = [row for answer in answers for row in answer["results"]]
    assert [row for row in made if "error" in row] == []
    codes = sorted(row["code"] for row in made)
    assert codes == [f"{AGENCY}-260309-{n:04d}" for n in range(1, 81)]
    # Each process received its ten dossiers in its own order: no code is handed out twice.
    for answer in answers:
        own = [row["code"] for row in answer["results"]]
        assert own == sorted(own)

    stored = raced["stored"]
    lines = [d["register_line"] for d in stored["dossiers"].values()]
    assert sorted(lines) == list(range(1, len(lines) + 1))  # unique, no gap, every test's intakes
    assert {code for code in stored["dossiers"] if "-260309-" in code} == set(codes)
    assert all(d["events"] == ["receive"] for c, d in stored["dossiers"].items() if c in codes)
    assert stored["audit"] == {"ok": True, "problem": "", "checked": stored["audit_events"]}


def test_two_processes_completing_the_same_step_one_wins_the_other_gets_a_conflict(
    shared_db: SharedDatabase,
) -> None:
    when = "2026-03-10T10:00:00+07:00"
    raced = shared_db.race(
        [
            ["act", "--action", "complete", "--user", username, "--at", when, TARGETS]
            for username in ("motcua", "tiepnhan")  # two officers of the same desk
        ],
        *("--count", "5", "--at", "2026-03-10T08:00:00+07:00"),
    )
    prepared, answers, stored = raced["prepared"], raced["answers"], raced["stored"]
    for before in prepared["dossiers"]:
        code = before["code"]
        outcomes = [next(r for r in a["results"] if r["code"] == code) for a in answers]
        won = [o for o in outcomes if o["ok"]]
        lost = [o for o in outcomes if not o["ok"]]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert lost[0]["error"] == "ConflictError"
        assert lost[0]["message"] == _expected_conflict_message()
        after = stored["dossiers"][code]
        assert after["version"] == before["version"] + 1 == won[0]["version"]
        assert after["events"] == [*before["events"], "transfer", "handover"]
        assert after["status"] == "in_process"
        assert after["current_step"] == 2
        winner = "motcua" if outcomes[0]["ok"] else "tiepnhan"
        assert after["finished_steps"] == [[1, winner]]
    assert stored["audit"] == {"ok": True, "problem": "", "checked": stored["audit_events"]}


def test_a_step_completion_racing_a_supplement_request_stores_exactly_one_of_them(
    shared_db: SharedDatabase,
) -> None:
    when = "2026-03-11T10:00:00+07:00"
    raced = shared_db.race(
        [
            # Both by the holder of the unit head's step, the dossier's current step.
            ["act", "--action", "complete", "--user", "truongphong", "--at", when, TARGETS],
            ["act", "--action", "supplement", "--user", "truongphong", "--at", when, TARGETS],
        ],
        *("--count", "6", "--at", "2026-03-11T08:00:00+07:00", "--complete-first"),
    )
    prepared, (complete, supplement), stored = raced["prepared"], raced["answers"], raced["stored"]
    for before, completed, supplemented in zip(
        prepared["dossiers"], complete["results"], supplement["results"], strict=True
    ):
        after = stored["dossiers"][before["code"]]
        assert completed["ok"] != supplemented["ok"], (completed, supplemented)
        loser = supplemented if completed["ok"] else completed
        assert (loser["error"], loser["message"]) == ("ConflictError", _expected_conflict_message())
        assert after["version"] == before["version"] + 1
        if completed["ok"]:
            assert after["events"] == [*before["events"], "handover"]
            assert (after["status"], after["current_step"], after["clock_stops"]) == (
                "in_process",
                3,
                0,
            )
            assert [order for order, _by in after["finished_steps"]] == [1, 2]
        else:
            assert after["events"] == [*before["events"], "request_supplement"]
            assert (after["status"], after["current_step"], after["clock_stops"]) == (
                "supplement_requested",
                2,
                1,
            )
            assert [order for order, _by in after["finished_steps"]] == [1]
    assert stored["audit"] == {"ok": True, "problem": "", "checked": stored["audit_events"]}


def test_a_second_writer_waits_for_the_first_then_gets_a_conflict_not_a_lost_update(
    shared_db: SharedDatabase,
) -> None:
    """The first writer holds its transaction open; the second must block on the row lock,
    then see the new version. Without the lock it would read the old version and overwrite."""
    when = "2026-03-12T10:00:00+07:00"
    locked = shared_db.tmp / f"locked-{uuid.uuid4().hex}"
    hold_s = 1.0
    complete = ["act", "--action", "complete", "--at", when, TARGETS]
    raced = shared_db.race(
        [
            [*complete, "--user", "motcua", "--hold", str(hold_s), "--locked", str(locked)],
            [*complete, "--user", "tiepnhan", "--after", str(locked)],
        ],
        *("--count", "1", "--at", "2026-03-12T08:00:00+07:00"),
    )
    before = raced["prepared"]["dossiers"][0]
    first, second = raced["answers"]

    assert first["results"][0]["ok"]
    outcome = second["results"][0]
    assert (outcome["ok"], outcome["error"]) == (False, "ConflictError")
    assert outcome["elapsed_s"] >= hold_s * 0.6  # it waited for the first transaction
    after = raced["stored"]["dossiers"][before["code"]]
    assert after["version"] == before["version"] + 1
    assert after["events"] == [*before["events"], "transfer", "handover"]
    assert after["finished_steps"] == [[1, "motcua"]]

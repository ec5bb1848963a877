"""Dossiers under real concurrency: several OS processes writing to one database at once.

The suite's own database lives in memory (SQLite) or belongs to this process, and other
processes cannot share it. So these tests build their own: a file SQLite database always, and a
throwaway PostgreSQL database as well when ``DATABASE_URL`` is set, a copy of the suite's migrated
template. One subprocess per database, ``python -m isogov.dossiers.tests.test_concurrency serve``,
sets Django up once, seeds the demo (``seed-demo --no-dossiers``) and then runs each test's race
as the test asks for it on its standard input. A race forks one racer per command; a racer loads
what it needs, says it is ready, then blocks until it is started, so every racer hits the
database at the same moment. The serving process first prepares the dossiers they race on and
afterwards reports what was stored.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import selectors
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import translation

from isogov.core.errors import STALE_VERSION
from isogov.core.tests import dbtemplate

# One shared database per run: under pytest-xdist the whole module goes to one worker.
pytestmark = pytest.mark.xdist_group("concurrency")

ROOT = Path(__file__).resolve().parents[3]
MODULE = "isogov.dossiers.tests.test_concurrency"
AGENCY = "000.00.15.H26"
VN = dt.timezone(dt.timedelta(hours=7))
WAIT_S = 300  # a bound, not a timing: under heavy load eight Django processes start slowly


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


# --- the worker side (runs in the subprocesses) ---------------------------------------------
TARGETS = "TARGETS"  # in a raced command: a --target option per prepared dossier
_start_pipe: list[int] = []  # a forked racer's end of the starting pipe


def _wait_for(path: str | None) -> None:
    if not path:
        return
    if path == "pipe":  # blocked in read() until the parent starts every racer at once
        assert os.read(_start_pipe[0], 1) == b"s"
        return
    deadline = time.monotonic() + WAIT_S
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {path}")
        time.sleep(0.0005)


def _touch(path: str | None) -> None:
    if path:
        Path(path).touch()


def _travel(at: str) -> Any:
    import time_machine

    return time_machine.travel(dt.datetime.fromisoformat(at), tick=True)


def _intake_data(agency: Any, index: int) -> Any:
    from types import SimpleNamespace

    from isogov.dossiers.tests.conftest import intake

    return intake(SimpleNamespace(department=agency), name=f"Nguyễn Văn {index:03d}")


def _outcome(code: str, call: Any) -> dict[str, Any]:
    from isogov.core.errors import ApplicationError

    started = time.monotonic()
    try:
        version = call().version
    except ApplicationError as error:
        return {
            "code": code,
            "ok": False,
            "error": type(error).__name__,
            "message": str(error.message),
            "elapsed_s": time.monotonic() - started,
        }
    return {"code": code, "ok": True, "version": version, "elapsed_s": time.monotonic() - started}


def _command_intake(options: argparse.Namespace) -> dict[str, Any]:
    from isogov.accounts.models import Agency, User
    from isogov.dossiers import services

    officer = User.objects.get(username="motcua")
    agency = Agency.objects.get(code=AGENCY)
    _touch(options.ready)
    _wait_for(options.start)
    results: list[dict[str, Any]] = []
    started = time.monotonic()
    with _travel(options.at):
        for index in range(options.count):
            data = _intake_data(agency, index)
            try:
                dossier = services.dossier_receive(actor=officer, data=data)
            except Exception as error:  # reported to the test, which shows it
                results.append({"error": type(error).__name__, "message": str(error)})
            else:
                results.append({"code": dossier.code, "register_line": dossier.register_line})
    return {"results": results, "elapsed_s": time.monotonic() - started}


def _command_prepare(options: argparse.Namespace) -> dict[str, Any]:
    """Receive dossiers (and optionally finish their desk step) one after the other."""
    from isogov.accounts.models import Agency, User
    from isogov.dossiers import services
    from isogov.dossiers.models import DossierEvent

    officer = User.objects.get(username="motcua")
    agency = Agency.objects.get(code=AGENCY)
    prepared = []
    with _travel(options.at):
        for index in range(options.count):
            dossier = services.dossier_receive(actor=officer, data=_intake_data(agency, index))
            if options.complete_first:
                dossier = services.dossier_step_complete(
                    actor=officer, code=dossier.code, version=dossier.version
                )
            events = DossierEvent.objects.filter(dossier=dossier).order_by("id")
            prepared.append(
                {
                    "code": dossier.code,
                    "version": dossier.version,
                    "events": list(events.values_list("action", flat=True)),
                }
            )
    return {"dossiers": prepared}


def _command_act(options: argparse.Namespace) -> dict[str, Any]:
    from django.db import transaction

    from isogov.accounts.models import User
    from isogov.dossiers import services

    actor = User.objects.get(username=options.user)
    targets = [target.rsplit("=", 1) for target in options.target]
    _touch(options.ready)
    _wait_for(options.start)
    _wait_for(options.after)
    results = []
    with _travel(options.at):
        for code, version in targets:

            def call(code: str = code, version: str = version) -> Any:
                if options.action == "supplement":
                    return services.dossier_request_supplement(
                        actor=actor,
                        code=code,
                        version=int(version),
                        reason="Thiếu bản sao giấy phép xuất bản",
                        items=["Giấy phép xuất bản (bản sao)"],
                    )
                return services.dossier_step_complete(actor=actor, code=code, version=int(version))

            if options.hold:
                # Keep the transaction (and its lock) open after the service has run.
                def held(call: Any = call) -> Any:
                    with transaction.atomic():
                        dossier = call()
                        _touch(options.locked)
                        time.sleep(options.hold)
                    return dossier

                results.append(_outcome(code, held))
            else:
                results.append(_outcome(code, call))
    return {"results": results}


def _command_inspect(options: argparse.Namespace) -> dict[str, Any]:
    from isogov.audit.models import AuditEvent
    from isogov.audit.services import audit_verify_chain
    from isogov.dossiers.models import Dossier

    dossiers = {}
    for dossier in Dossier.objects.select_related("current_step").order_by("id"):
        finished = dossier.steps.exclude(finished_at=None).order_by("order", "id")
        dossiers[dossier.code] = {
            "version": dossier.version,
            "status": dossier.status,
            "register_line": dossier.register_line,
            "current_step": dossier.current_step.order if dossier.current_step else None,
            "events": list(dossier.events.order_by("id").values_list("action", flat=True)),
            "clock_stops": dossier.clock_stops.count(),
            "finished_steps": [[s.order, s.finished_by.username] for s in finished],
        }
    verified = audit_verify_chain()
    return {
        "dossiers": dossiers,
        "audit": {"ok": verified.ok, "problem": verified.problem, "checked": verified.checked},
        "audit_events": AuditEvent.objects.count(),
    }


def _command_race(options: argparse.Namespace) -> dict[str, Any]:
    """Prepare dossiers if asked, then fork one process per command (Django is set up once,
    before the fork: a fresh interpreter per worker would cost seconds each); release them
    together when all are ready, through a pipe each blocks on; then inspect what was stored.
    Each child opens its own database connection, as separate web or worker processes do."""
    from django.db import connections

    import isogov.dossiers.services  # noqa: F401  (imported once, before forking)
    from isogov.audit.services import audit_verify_chain  # noqa: F401

    gate = Path(options.gate)
    answer: dict[str, Any] = {}
    targets: list[str] = []
    if options.prepare:
        answer["prepared"] = _command_prepare(
            _parser().parse_args(["prepare", *json.loads(options.prepare)])
        )
        targets = [f"--target={d['code']}={d['version']}" for d in answer["prepared"]["dossiers"]]
    connections.close_all()
    commands = [
        [part for arg in argv for part in (targets if arg == TARGETS else [arg])]
        for argv in json.loads(options.commands)
    ]
    start_read, start_write = os.pipe()
    children = []
    for index, argv in enumerate(commands):
        pid = os.fork()
        if pid == 0:  # the child: run one command, write its answer, leave without cleanup
            code = 0
            try:
                os.close(start_write)
                _start_pipe.append(start_read)
                child = _parser().parse_args(
                    [*argv, "--ready", str(gate / f"ready-{index}"), "--start", "pipe"]
                )
                answer = COMMANDS[child.command](child)
                (gate / f"answer-{index}.json").write_text(json.dumps(answer, default=str))
            except BaseException:
                import traceback

                (gate / f"error-{index}.txt").write_text(traceback.format_exc())
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    deadline = time.monotonic() + WAIT_S
    while not all((gate / f"ready-{i}").exists() for i in range(len(children))):
        errors = sorted(gate.glob("error-*.txt"))
        if errors:
            raise SystemExit(errors[0].read_text())
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not get ready in time")
        time.sleep(0.005)
    os.write(start_write, b"s" * len(children))  # every racer's read() returns at once
    for pid in children:
        os.waitpid(pid, 0)
    errors = sorted(gate.glob("error-*.txt"))
    if errors:
        raise SystemExit(errors[0].read_text())
    answer["answers"] = [
        json.loads((gate / f"answer-{i}.json").read_text()) for i in range(len(children))
    ]
    answer["stored"] = _command_inspect(options)
    return answer


COMMANDS = {
    "intake": _command_intake,
    "prepare": _command_prepare,
    "act": _command_act,
    "inspect": _command_inspect,
    "race": _command_race,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=MODULE)
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--target", action="append", default=[], help="code=version (act)")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--at", default="")
    parser.add_argument("--action", choices=["complete", "supplement"], default="complete")
    parser.add_argument("--user", default="motcua")
    parser.add_argument("--complete-first", action="store_true")
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--locked", default="")
    parser.add_argument("--after", default="")
    parser.add_argument("--ready", default="")
    parser.add_argument("--start", default="")
    parser.add_argument("--gate", default="")
    parser.add_argument("--commands", default="[]")
    parser.add_argument("--prepare", default="", help="prepare's options as JSON (race)")
    return parser


def _serve() -> None:
    """Set Django up once and seed the demo, then run the commands read from standard input,
    one JSON list of arguments a line, answering each with one JSON line until input ends."""
    import traceback

    import django
    from django.core.management import call_command

    django.setup()
    call_command("seed_demo", no_dossiers=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(json.dumps({"seeded": True}), flush=True)
    for line in sys.stdin:
        try:
            options = _parser().parse_args(json.loads(line))
            answer = COMMANDS[options.command](options)
        except BaseException:  # the test shows it; SystemExit included
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer, default=str), flush=True)


def _worker(argv: list[str]) -> None:
    if argv == ["serve"]:
        _serve()
        return
    options = _parser().parse_args(argv)

    import django

    django.setup()
    print(json.dumps(COMMANDS[options.command](options), default=str))


if __name__ == "__main__":
    _worker(sys.argv[1:])

"""The processes of ``test_concurrency.py``: ``python -m isogov.dossiers.tests.concurrency_worker
serve`` sets Django up once, seeds the demo and runs each command the test sends on its standard
input (one JSON list of arguments a line), answering each with one JSON line. A ``race`` forks
one racer per command; each racer loads what it needs, says it is ready and blocks until the
serving process starts them all at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

AGENCY = "000.00.15.H26"
VN = dt.timezone(dt.timedelta(hours=7))
WAIT_S = 300  # a bound, not a timing: under heavy load eight Django processes start slowly
MODULE = "isogov.dossiers.tests.concurrency_worker"

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

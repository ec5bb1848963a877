"""Read throughput of a real server while 10 clients send wrong passwords (not a timed test).

    .venv/bin/python bench/bruteforce.py [SECONDS]

Sets up a temporary SQLite installation with the demo accounts (production password hashing:
Argon2), starts gunicorn with 3 workers as ``isogov serve`` does, and measures, SECONDS each
(default 10), the requests/s of 4 readers of the public catalogue page:

1. unloaded;
2. while 10 attackers post wrong passwords to ``POST /api/v1/auth/token/`` (default settings:
   the token throttle and the sign-in locks both on);
3. the same with the token throttle off, so only the per-username and per-address locks
   protect the server.

It prints each figure and its share of the unloaded one (issue 13 asks for ≥ 80 %).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
READERS, ATTACKERS = 4, 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(ISOGOV_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="isogov.settings", **extra)
    return env


def _server(data_dir: str, port: int, **extra: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "isogov.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        env=_env(data_dir, **extra),
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/thu-tuc/", timeout=5).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def _reader(port: int, stop: float, count: Any) -> None:
    while time.time() < stop:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/thu-tuc/", timeout=30).read()
        with count.get_lock():
            count.value += 1


def _attacker(port: int, stop: float, i: int) -> None:
    n = 0
    while time.time() < stop:
        n += 1
        body = json.dumps({"username": f"motcua{i % 3 or ''}", "password": f"wrong-{n}"})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/token/",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=30).read()


def _run(port: int, attack: bool) -> float:
    """Readers and attackers are separate processes, so the clients' own CPU time (and GIL)
    is not what is measured."""
    stop = time.time() + SECONDS
    count = multiprocessing.Value("i", 0)
    processes = [
        multiprocessing.Process(target=_reader, args=(port, stop, count)) for _ in range(READERS)
    ]
    if attack:
        processes += [
            multiprocessing.Process(target=_attacker, args=(port, stop, i))
            for i in range(ATTACKERS)
        ]
    started = time.time()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return count.value / (time.time() - started)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="isogov-bench-brute-")
    for command in (["migrate", "--noinput"], ["seed-demo", "--no-dossiers"]):
        subprocess.run(
            [str(BIN / "isogov"), *command],
            env=_env(data_dir),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
    results = {}
    for label, extra, attack in (
        ("unloaded", {}, False),
        ("10 attackers, throttle and locks", {}, True),
        ("10 attackers, locks only", {"ISOGOV_THROTTLE_TOKEN": ""}, True),
    ):
        port = _free_port()
        server = _server(data_dir, port, **extra)
        try:
            results[label] = _run(port, attack)
        finally:
            server.terminate()
            server.wait(timeout=30)
        # Each phase starts with no locks left by the previous one.
        subprocess.run(
            [
                str(BIN / "isogov"),
                "shell",
                "-c",
                "from isogov.accounts.models import LoginLock; LoginLock.objects.all().delete()",
            ],
            env=_env(data_dir),
            check=True,
            cwd=ROOT,
        )
    base = results["unloaded"]
    for label, rate in results.items():
        print(f"{label:36} {rate:7.1f} reads/s  {rate / base:6.1%} of unloaded")


if __name__ == "__main__":
    main()

"""HTTP figures of the real server (issue 15 §6): requests/s and latency, not a timed test.

    .venv/bin/python bench/http_edge.py [SECONDS] [--clients 1,4,16] [--only NAMES]
                                        [-- GUNICORN ARGS]

Sets up a temporary SQLite installation (``isogov migrate`` and ``isogov seed-demo``, removed at
the end), starts the real server, ``isogov serve`` (gunicorn and the Huey consumer, as
installed; arguments after ``--`` go to gunicorn, e.g. ``-- --workers 2``), on a free loopback
port, and measures in the same run, SECONDS each (default 5), with 1, 4 and 16 clients:

- ``me``: ``GET /api/v1/me/``, the trivial authenticated endpoint (token authentication, no
  query but the token's);
- ``intake``: ``POST /api/v1/dossiers/`` (the desk officer ``motcua``, the CFS procedure, one
  paper, as ``bench/api_write.py``);
- ``queue``: ``GET /api/v1/dossiers/queue/`` (the desk officer's work, with the tab counts);
- ``search``: ``GET /api/v1/dossiers/?q=nguyen`` (a folded name, with its count);
- ``lookup``: ``GET /tra-cuu/h/<token>/``, the public lookup by the receipt's link.

At each number of clients ``me`` is measured first and again last; each endpoint's ratio is
taken of the mean of the two (the machine's load drifts). The API's throttles are raised out of
the way but still counted (in their default store, ``ISOGOV_THROTTLE_STORE``: a SQLite file in
the data directory).

The clients are cheap, because their CPU is the server's on this 2-core machine: each is its own
process at ``nice 19`` that writes one prepared request on a raw socket and reads the answer
(keeping the connection when the server allows it, as gunicorn's threaded workers do). Prints
requests/s, p50, p95 and p99 in milliseconds, the non-2xx answers, the server's CPU time per
request (gunicorn and Huey processes, from /proc: less sensitive to a busy neighbour than the
wall clock) and the part of it spent by the Huey consumer (the jobs the requests queued), the
ratio to ``me`` and the load average (``uptime``) before, between and after.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_SHARE = 0.5  # issue 15: intake with 16 clients ≥ 50 % of the trivial endpoint
WARM_UP = 2.0
INTAKE = {
    "procedure_code": "1.014464",
    "channel": "in_person",
    "applicant": {
        "name": "Trần Thị Thu Hà",
        "phone": "0912345678",
        "email": "thuha@example.vn",
        "id_number": "031190012345",
        "address": "Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
    },
    "papers": [{"name": "Đơn đề nghị (theo mẫu)", "originals": 1}],
    "request_summary": "Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
}


def _args() -> tuple[float, list[int], list[str] | None, list[str]]:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    clients = [1, 4, 16]
    only = None
    if "--clients" in argv:
        i = argv.index("--clients")
        clients = [int(n) for n in argv[i + 1].split(",")]
        del argv[i : i + 2]
    if "--only" in argv:
        i = argv.index("--only")
        only = argv[i + 1].split(",")
        del argv[i : i + 2]
    seconds = float(argv[0]) if argv else 5.0
    return seconds, clients, only, extra


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="isogov.settings",
        ISOGOV_DATA_DIR=data_dir,
        ISOGOV_BIND=f"127.0.0.1:{port}",
        ISOGOV_LOG_LEVEL="WARNING",
        # Out of the way, but still counted in the cache at each request.
        ISOGOV_THROTTLE_USER="100000000/minute",
        ISOGOV_THROTTLE_ANON="100000000/minute",
    )
    return env


def _request(port: int, method: str, path: str, token: str = "", body: bytes = b"") -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: application/json"]
    if token:
        head.append(f"Authorization: Token {token}")
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Connection:
    """One keep-alive connection when the server allows it, else one per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _recv(self) -> bytes:
        assert self.sock is not None
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        return data

    def ask(self, request: bytes) -> int:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            length = int(headers["content-length"])
            while len(rest) < length:
                rest += self._recv()
            self.buffer = rest[length:]
        elif headers.get("transfer-encoding") == "chunked":
            while not rest.endswith(b"0\r\n\r\n"):
                rest += self._recv()
            self.buffer = b""
        else:  # the body runs to the end of the connection
            try:
                while True:
                    rest += self._recv()
            except ConnectionError:
                pass
            headers["connection"] = "close"
        if headers.get("connection") == "close" or lines[0].startswith("HTTP/1.0"):
            self.close()
        return status

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _client(port: int, request: bytes, start: float, stop: float, out: Any) -> None:
    os.nice(19)
    connection = Connection(port)
    times: list[float] = []
    errors = 0
    while time.time() < start:
        time.sleep(0.001)
    while time.time() < stop:
        began = time.perf_counter()
        try:
            status = connection.ask(request)
        except OSError:
            connection.close()
            errors += 1
            continue
        times.append(time.perf_counter() - began)
        if not 200 <= status < 300:
            errors += 1
    connection.close()
    out.put((times, errors, time.time()))


def _server_cpu(root_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server's process tree: ``web`` (gunicorn's master and
    workers, and ``isogov serve`` itself) and ``jobs`` (the Huey consumer and its workers)."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick

    def tree(pid: int) -> float:
        return cpu.get(pid, 0.0) + sum(tree(child) for child in children.get(pid, []))

    totals = {"web": cpu.get(root_pid, 0.0), "jobs": 0.0}
    for child in children.get(root_pid, []):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                command = f.read()
        except OSError:
            command = b""
        totals["jobs" if b"run_huey" in command else "web"] += tree(child)
    return totals


def _phase(port: int, request: bytes, clients: int, seconds: float, server: int) -> dict[str, Any]:
    out: Any = multiprocessing.Queue()
    start = time.time() + 0.2 + 0.02 * clients
    stop = start + seconds
    processes = [
        multiprocessing.Process(target=_client, args=(port, request, start, stop, out))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    while time.time() < start:
        time.sleep(0.005)
    before = _server_cpu(server)
    results = [out.get() for _ in processes]
    after = _server_cpu(server)
    cpu = {part: after[part] - before[part] for part in after}
    for process in processes:
        process.join()
    times = sorted(t * 1000 for result in results for t in result[0])
    elapsed = max(result[2] for result in results) - start
    count = len(times)

    def pct(p: float) -> float:
        return times[min(count - 1, int(count * p))] if times else float("nan")

    return {
        "rate": count / elapsed,
        "p50": statistics.median(times) if times else float("nan"),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": sum(result[1] for result in results),
        "cpu_ms": (cpu["web"] + cpu["jobs"]) * 1000 / max(count, 1),
        "jobs_ms": cpu["jobs"] * 1000 / max(count, 1),
    }


def _manage(data_dir: str, port: int, *args: str) -> str:
    return subprocess.run(
        [str(BIN / "isogov"), *args],
        env=_env(data_dir, port),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _start(data_dir: str, port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    log = open(Path(data_dir) / "serve.log", "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(BIN / "isogov"), "serve", *extra],
        env=_env(data_dir, port),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/tra-cuu/", timeout=5).read()
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start: " + (Path(data_dir) / "serve.log").read_text())


def _token(port: int) -> str:
    body = json.dumps({"username": "motcua", "password": "isogov-demo", "name": "bench"})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    return str(json.loads(urllib.request.urlopen(request, timeout=60).read())["token"])


def main() -> None:
    seconds, levels, only, extra = _args()
    data_dir = tempfile.mkdtemp(prefix="isogov-bench-http-")
    port = _free_port()
    server = None
    try:
        print(f"uptime: {_uptime()}", flush=True)
        started = time.monotonic()
        _manage(data_dir, port, "migrate", "--noinput")
        _manage(data_dir, port, "seed-demo")
        lookup = _manage(
            data_dir,
            port,
            "shell",
            "-c",
            "from isogov.dossiers.models import Dossier; "
            "print(Dossier.objects.exclude(access_token='').exclude(received_at=None)"
            ".order_by('pk').values_list('access_token', flat=True).first())",
        ).split()[-1]
        print(f"migrate + seed-demo: {time.monotonic() - started:.0f} s; data in {data_dir}")
        server = _start(data_dir, port, extra)
        print(f"isogov serve {' '.join(extra)} on 127.0.0.1:{port}", flush=True)
        token = _token(port)
        endpoints = {
            "me": _request(port, "GET", "/api/v1/me/", token),
            "intake": _request(
                port, "POST", "/api/v1/dossiers/", token, json.dumps(INTAKE).encode()
            ),
            "queue": _request(port, "GET", "/api/v1/dossiers/queue/", token),
            "search": _request(port, "GET", "/api/v1/dossiers/?q=nguyen", token),
            "lookup": _request(port, "GET", f"/tra-cuu/h/{lookup}/"),
        }
        names = [n for n in endpoints if n != "me" and (only is None or n in only)]
        for name in ["me", *names]:  # every worker imports and compiles on its first requests
            _phase(port, endpoints[name], 3, WARM_UP, server.pid)
        rows: list[tuple[int, str, dict[str, Any]]] = []
        for clients in levels:
            first = _phase(port, endpoints["me"], clients, seconds, server.pid)
            measured = {
                name: _phase(port, endpoints[name], clients, seconds, server.pid) for name in names
            }
            last = _phase(port, endpoints["me"], clients, seconds, server.pid)
            base = (first["rate"] + last["rate"]) / 2
            rows.append((clients, "me (first)", {**first, "ratio": first["rate"] / base}))
            for name, figures in measured.items():
                rows.append((clients, name, {**figures, "ratio": figures["rate"] / base}))
            rows.append((clients, "me (last)", {**last, "ratio": last["rate"] / base}))
            print(f"{clients} clients done; uptime: {_uptime()}", flush=True)
        count = _manage(
            data_dir,
            port,
            "shell",
            "-c",
            "from isogov.dossiers.models import Dossier; print(Dossier.objects.count())",
        ).split()[-1]
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(
        f"\n{seconds:.0f} s per phase; {os.cpu_count()} CPUs; {count} dossiers at the end; "
        f"ratio: requests/s over the mean of 'me' first and last at the same clients"
    )
    print(
        f"{'clients':>7} {'endpoint':12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'non-2xx':>7} {'CPU ms/req':>10} {'of it jobs':>10} {'ratio':>6}"
    )
    for clients, name, f in rows:
        print(
            f"{clients:7} {name:12} {f['rate']:8.1f} {f['p50']:8.1f} {f['p95']:8.1f} "
            f"{f['p99']:8.1f} {f['errors']:7} {f['cpu_ms']:10.2f} {f['jobs_ms']:10.2f} "
            f"{f['ratio']:6.2f}"
        )
    intake = [f["ratio"] for clients, name, f in rows if name == "intake" and clients == 16]
    if intake:
        verdict = "meets" if intake[0] >= TARGET_SHARE else "MISSES"
        print(
            f"target: intake with 16 clients ≥ {TARGET_SHARE:.0%} of 'me': "
            f"{intake[0]:.0%}, {verdict}"
        )
    print(f"uptime: {_uptime()}")


if __name__ == "__main__":
    main()

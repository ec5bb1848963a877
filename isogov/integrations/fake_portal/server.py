"""A fake of the portal's dossier sync services, on loopback only (docs/integrations.md).

It speaks what ``outbound.adapter`` speaks: a session from ``POST /auth``, one service endpoint
``POST /service`` (``DongBoHoSoMC``, ``CapNhatTienDoHoSoMC``, ``TraCuuHoSo``), keeps what it
received in SQLite (a file survives a restart; the default is in memory) and shows it at ``/``
(``/state`` as JSON). Faults are injected by command-line flags or by ``POST /control``:

- ``fail_every`` N: every Nth service call answers HTTP 500 (nothing stored);
- ``error_every`` N: every Nth service call answers ``error_code`` 99 (nothing stored);
- ``timeout_calls`` [n, …]: those calls are stored, then answered only after ``delay`` seconds
  (the client times out: its answer is lost, what it sent is not);
- ``exists_next``: the next create answers "Hồ sơ đã tồn tại" (stored anyway);
- ``refuse_sessions`` N: the next N sign-ins are refused; ``expire``: every session ends.

Standard library only: it runs without Django, in a thread or a process.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import secrets
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS record (code TEXT PRIMARY KEY, body TEXT NOT NULL,
    created INTEGER NOT NULL, updates INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL,
    body TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(SCHEMA)

    def get(self, code: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT body FROM record WHERE code = ?", [code]).fetchone()
        return json.loads(row[0]) if row else None

    def history_count(self, code: str) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM history WHERE code = ?", [code]).fetchone()[0]
        )

    def state(self) -> dict[str, Any]:
        records = {
            code: {**json.loads(body), "_updates": updates}
            for code, body, updates in self.db.execute(
                "SELECT code, body, updates FROM record ORDER BY created, code"
            )
        }
        history: dict[str, list[dict[str, Any]]] = {}
        for code, body in self.db.execute("SELECT code, body FROM history ORDER BY id"):
            history.setdefault(code, []).append(json.loads(body))
        return {"records": records, "history": history}


class Faults:
    def __init__(self) -> None:
        self.fail_every = 0
        self.error_every = 0
        self.timeout_calls: set[int] = set()
        self.delay = 3.0
        self.exists_next = False
        self.refuse_sessions = 0

    def update(self, values: dict[str, Any]) -> None:
        for key in ("fail_every", "error_every", "refuse_sessions"):
            if key in values:
                setattr(self, key, int(values[key]))
        if "timeout_calls" in values:
            self.timeout_calls = {int(n) for n in values["timeout_calls"]}
        if "delay" in values:
            self.delay = float(values["delay"])
        if "exists_next" in values:
            self.exists_next = bool(values["exists_next"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "fail_every": self.fail_every,
            "error_every": self.error_every,
            "timeout_calls": sorted(self.timeout_calls),
            "delay": self.delay,
            "exists_next": self.exists_next,
            "refuse_sessions": self.refuse_sessions,
        }


class FakePortal(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        port: int = 0,
        *,
        db: str = ":memory:",
        username: str = "isogov",
        password: str = "isogov",  # noqa: S107  (a fake, on loopback)
        faults: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.store = Store(db)
        self.faults = Faults()
        self.faults.update(faults or {})
        self.username, self.password = username, password
        self.sessions: set[str] = set()
        self.calls = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    # --- the services ---
    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.faults.refuse_sessions > 0:
            self.faults.refuse_sessions -= 1
            return {"error_code": 1, "message": "Từ chối phiên làm việc"}
        if body.get("username") != self.username or body.get("password") != self.password:
            return {"error_code": 1, "message": "Sai tài khoản hoặc mật khẩu"}
        session = secrets.token_hex(16)
        self.sessions.add(session)
        return {"error_code": 0, "session": session}

    def service(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], bool]:
        """(HTTP status, answer, answer late) of one service call."""
        with self.store.lock:
            self.calls += 1
            number = self.calls
            faults = self.faults
            if faults.fail_every and number % faults.fail_every == 0:
                return 500, {"message": "Internal Server Error"}, False
            if body.get("session") not in self.sessions:
                return 200, {"error_code": -1, "message": "Phiên làm việc không hợp lệ"}, False
            if faults.error_every and number % faults.error_every == 0:
                return 200, {"error_code": 99, "message": "Lỗi hệ thống"}, False
            answer = self._run(body)
            return 200, answer, number in faults.timeout_calls

    def _run(self, body: dict[str, Any]) -> dict[str, Any]:
        store, name, data = self.store, body.get("service"), body.get("data") or []
        if name == "TraCuuHoSo":
            record = store.get(str(body.get("MaHoSo", "")))
            if record is None:
                return {"error_code": 0, "data": None}
            count = store.history_count(record["MaHoSo"])
            return {"error_code": 0, "data": {**record, "SoTienDo": str(count)}}
        if name == "DongBoHoSoMC":
            updating = str(body.get("isUpdating")) == "True"
            for record in data:
                code = str(record.get("MaHoSo", ""))
                if not code:
                    return {"error_code": 2, "message": "Thiếu MaHoSo"}
                held = store.get(code)
                if not updating and (held is not None or self.faults.exists_next):
                    self.faults.exists_next = False
                    if held is None:
                        self._insert(code, record)
                    return {"error_code": 3, "message": f"Hồ sơ {code} đã tồn tại"}
                if updating and held is None:
                    return {"error_code": 4, "message": f"Hồ sơ {code} không tồn tại"}
                if held is None:
                    self._insert(code, record)
                else:
                    store.db.execute(
                        "UPDATE record SET body = ?, updates = updates + 1 WHERE code = ?",
                        [json.dumps(record, ensure_ascii=False), code],
                    )
            return {"error_code": 0, "message": "Thành công"}
        if name == "CapNhatTienDoHoSoMC":
            for entry in data:
                if store.get(str(entry.get("MaHoSo", ""))) is None:
                    return {
                        "error_code": 4,
                        "message": f"Hồ sơ {entry.get('MaHoSo')} không tồn tại",
                    }
            for entry in data:
                store.db.execute(
                    "INSERT INTO history (code, body) VALUES (?, ?)",
                    [entry["MaHoSo"], json.dumps(entry, ensure_ascii=False)],
                )
            return {"error_code": 0, "message": "Thành công"}
        return {"error_code": 5, "message": f"Không có dịch vụ {name}"}

    def _insert(self, code: str, record: dict[str, Any]) -> None:
        self.store.db.execute(
            "INSERT INTO record (code, body, created) VALUES (?, ?, ?)",
            [code, json.dumps(record, ensure_ascii=False), time.time_ns()],
        )


class Handler(BaseHTTPRequestHandler):
    server: FakePortal

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: tests and demos read /state, not the log

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        body = (
            payload
            if isinstance(payload, bytes)
            else json.dumps(payload, ensure_ascii=False).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client may have given up waiting (a timeout fault).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length).decode() or "{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def do_POST(self) -> None:
        body = self._body()
        if self.path == "/auth":
            with self.server.store.lock:
                self._send(200, self.server.login(body))
        elif self.path == "/service":
            status, answer, late = self.server.service(body)
            if late:
                time.sleep(self.server.faults.delay)
            self._send(status, answer)
        elif self.path == "/control":
            with self.server.store.lock:
                if body.get("expire"):
                    self.server.sessions.clear()
                self.server.faults.update(body)
                self._send(200, self.server.faults.as_dict())
        else:
            self._send(404, {"message": "not found"})

    def do_GET(self) -> None:
        with self.server.store.lock:
            state = self.server.store.state()
        if self.path == "/state":
            self._send(
                200, {**state, "calls": self.server.calls, "faults": self.server.faults.as_dict()}
            )
        elif self.path == "/":
            self._send(200, page(state).encode(), "text/html")
        else:
            self._send(404, {"message": "not found"})


def page(state: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(code)}</td><td>{html.escape(record.get('MaTTHC', ''))}</td>"
        f"<td>{html.escape(record.get('ChuHoSo', ''))}</td>"
        f"<td>{html.escape(str(record.get('TrangThaiHoSo', '')))}</td>"
        f"<td>{html.escape(record.get('NgayTiepNhan', ''))}</td>"
        f"<td>{len(state['history'].get(code, []))}</td></tr>"
        for code, record in state["records"].items()
    )
    return (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Cổng giả lập</title>'
        f"<h1>Cổng giả lập — {len(state['records'])} hồ sơ</h1><table border=1>"
        "<tr><th>MaHoSo</th><th>MaTTHC</th><th>ChuHoSo</th><th>TrangThaiHoSo</th>"
        f"<th>NgayTiepNhan</th><th>Tiến độ</th></tr>{rows}</table></html>"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default=":memory:", help="SQLite file (survives a restart)")
    parser.add_argument("--username", default="isogov")
    parser.add_argument("--password", default="isogov")
    parser.add_argument("--fail-every", type=int, default=0, help="every Nth call: HTTP 500")
    parser.add_argument("--error-every", type=int, default=0, help="every Nth call: error_code 99")
    parser.add_argument("--timeout-calls", default="", help="calls answered late, e.g. 5,9")
    parser.add_argument("--delay", type=float, default=3.0, help="seconds a late answer waits")
    parser.add_argument("--exists-next", action="store_true", help="next create: đã tồn tại")
    parser.add_argument("--refuse-sessions", type=int, default=0, help="refuse N sign-ins")


def faults_of(options: dict[str, Any]) -> dict[str, Any]:
    calls = str(options.get("timeout_calls") or "")
    return {
        "fail_every": options.get("fail_every", 0),
        "error_every": options.get("error_every", 0),
        "timeout_calls": [int(n) for n in calls.split(",") if n.strip()],
        "delay": options.get("delay", 3.0),
        "exists_next": options.get("exists_next", False),
        "refuse_sessions": options.get("refuse_sessions", 0),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake national portal on loopback.")
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    server = FakePortal(
        options["port"],
        db=options["db"],
        username=options["username"],
        password=options["password"],
        faults=faults_of(options),
    )
    print(f"fake portal on {server.url} (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main()

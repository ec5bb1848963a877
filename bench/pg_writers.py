"""Benchmark: do writers queue behind each other? Intake throughput of several processes.

``.venv/bin/python bench/pg_writers.py [SECONDS] [--rounds N] [--sqlite] [--queries]`` (default
15 s per measure, 2 rounds). Creates its own PostgreSQL database (``BENCH_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432/postgres`` for the server; the database is
``isogov_bench_writers_<pid>``, dropped at the end), or with ``--sqlite`` a temporary SQLite
file. Seeds the demo and four agencies with the sample catalogue, a desk unit and a desk
officer each, then measures in the same run, interleaved round by round:

- 1 process receiving for one agency;
- 4 processes, each receiving for its own agency;
- 2 processes receiving for the same agency;

each process forked after Django is set up, with its own connection, calling
``dossier_receive`` in a loop for SECONDS after a common start. Prints the dossiers per second,
the ratios to one process (targets, issue 15 §5: 4 agencies ≥ 3×, 2 on one agency ≥ 1.6×),
the machine's ``uptime`` before and after, and ``audit verify`` at the end (``--queries``: list
one intake's statements and stop). Not a timed test.

Beside each rate it prints the CPU the scenario kept busy: each writer's own CPU time and, on
PostgreSQL, its server backend's (read from ``/proc/<pid>/stat``; the backend runs on this
machine), divided by the seconds measured. One process's share of a core bounds what several can
reach on this machine: with ``C`` cores busy for one writer and ``N`` cores in all, no number of
writers goes beyond ``N / C`` times one (the ceiling printed with the ratios).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import Barrier
from pathlib import Path

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SECONDS = float(ARGS[0]) if ARGS else 15.0
ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 2
SQLITE = "--sqlite" in sys.argv
if "--rounds" in sys.argv:
    ARGS = [a for a in ARGS if a != str(ROUNDS)]
    SECONDS = float(ARGS[0]) if ARGS else 15.0
TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-writers-"))
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = f"isogov_bench_writers_{os.getpid()}"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")
# A quiet machine receives more than the 9,999 a day per agency that the codes of Circular
# 01/2018 can number, so the run uses the unlimited format of Circular 04/2025.
os.environ.setdefault("ISOGOV_DOSSIER_CODE_FORMAT", "tt04-2025")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ.pop("DATABASE_URL", None)
if SQLITE:
    os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
else:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    os.environ["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/" + PG_NAME

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from isogov.accounts.demo import UNITS, seed_demo  # noqa: E402
from isogov.accounts.models import Agency, AgencyLevel, User  # noqa: E402
from isogov.accounts.roles import Role  # noqa: E402
from isogov.accounts.services import (  # noqa: E402
    agency_create,
    role_assign,
    unit_create,
    user_create,
)
from isogov.audit.services import audit_verify_chain  # noqa: E402
from isogov.catalog.demo import SAMPLE, sample_as_catalog, seed_catalog  # noqa: E402
from isogov.catalog.exchange import catalog_import  # noqa: E402
from isogov.dossiers.services import (  # noqa: E402
    ApplicantInput,
    IntakeInput,
    PaperInput,
    dossier_receive,
)

CFS = "1.014464"
AGENCIES = [f"000.00.{n}.H26" for n in (41, 42, 43, 44)]
WARM_UP = 10
TICKS = os.sysconf("SC_CLK_TCK")


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of a server process on this machine, 0 where unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _setup() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    seed_demo()
    seed_catalog()
    city = Agency.objects.get(code="000.00.00.H26")
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for n, code in enumerate(AGENCIES, start=1):
        agency = agency_create(
            actor=None,
            code=code,
            name=f"Sở thử nghiệm {n}",
            level=AgencyLevel.DEPARTMENT,
            parent=city,
        )
        units = {
            unit_code: unit_create(
                actor=None, agency=agency, code=unit_code, name=name, is_one_stop=one_stop
            )
            for unit_code, name, one_stop in UNITS
        }
        for k in (1, 2):
            user = user_create(
                actor=None,
                username=f"desk{n}_{k}",
                password="bench-only-password",
                full_name=f"Cán bộ một cửa {n}.{k}",
                agency=agency,
                email=f"desk{n}_{k}@bench.isogov.vn",
            )
            role_assign(
                actor=None, user=user, role=Role.ONE_STOP_OFFICER, agency=agency, unit=units["MC"]
            )
        catalog_import(actor=None, data=sample_as_catalog(sample, agency_code=code))


def _intake(agency: Agency, index: int) -> IntakeInput:
    return IntakeInput(
        agency=agency,
        procedure_code=CFS,
        channel_kind="in_person",
        applicant=ApplicantInput(
            name=f"Nguyễn Thị Hồng Nhung {index}",
            phone=f"09{index % 10**8:08d}",
            email=f"nhung{index}@example.vn",
            id_number=f"0311900{index % 10**5:05d}",
            address="Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        ),
        papers=[PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
        request_summary="Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    )


def _child(worker: int, agency_n: int, user_k: int, barrier: object, write_fd: int) -> None:
    agency = Agency.objects.get(code=AGENCIES[agency_n - 1])
    officer = User.objects.get(username=f"desk{agency_n}_{user_k}")
    base = (os.getpid() % 1000) * 100_000
    for i in range(WARM_UP):
        dossier_receive(actor=officer, data=_intake(agency, base + i))
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    barrier.wait()  # type: ignore[attr-defined]
    count, i = 0, WARM_UP
    client, server = time.process_time(), _backend_cpu(backend)
    deadline = time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        dossier_receive(actor=officer, data=_intake(agency, base + i))
        count += 1
        i += 1
    client, server = time.process_time() - client, _backend_cpu(backend) - server
    os.write(write_fd, f"{worker} {count} {client:.3f} {server:.3f}\n".encode())


def _measure(plan: list[tuple[int, int]]) -> tuple[float, float, float]:
    """Dossiers per second of ``len(plan)`` processes, each (agency number, officer number),
    and the cores their own CPU and their server backends' kept busy."""
    connections.close_all()
    barrier = Barrier(len(plan))
    read_fd, write_fd = os.pipe()
    pids = []
    for worker, (agency_n, user_k) in enumerate(plan):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(read_fd)
                _child(worker, agency_n, user_k, barrier, write_fd)
            except BaseException as error:  # reported; the child must exit
                print(f"worker {worker} failed: {error!r}", file=sys.stderr)
                code = 1
            finally:
                connections.close_all()
                os._exit(code)
        pids.append(pid)
    os.close(write_fd)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if status:
            raise SystemExit(f"a worker failed (status {status})")
    with os.fdopen(read_fd) as results:
        rows = [line.split() for line in results.read().splitlines()]
    total = sum(int(row[1]) for row in rows)
    client = sum(float(row[2]) for row in rows)
    server = sum(float(row[3]) for row in rows)
    return total / SECONDS, client / SECONDS, server / SECONDS


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    started = time.perf_counter()
    _setup()
    vendor = connection.vendor
    print(f"database: {vendor} ({PG_NAME if vendor == 'postgresql' else TMP / 'bench.sqlite3'})")
    print(f"setup: {time.perf_counter() - started:.1f} s; {SECONDS:.0f} s per measure")
    agency = Agency.objects.get(code=AGENCIES[0])
    officer = User.objects.get(username="desk1_1")
    dossier_receive(actor=officer, data=_intake(agency, 99_999_001))
    with CaptureQueriesContext(connection) as queries:
        dossier_receive(actor=officer, data=_intake(agency, 99_999_002))
    print(f"statements per intake (with BEGIN and COMMIT): {len(queries)}")
    if "--queries" in sys.argv:
        for query in queries:
            print(f"  {query['time']}s {query['sql'][:110]}")
        return
    print(f"uptime before: {_uptime()}")
    scenarios = {
        "1 process": [(1, 1)],
        "4 processes, 4 agencies": [(1, 1), (2, 1), (3, 1), (4, 1)],
        "2 processes, 1 agency": [(1, 1), (1, 2)],
    }
    rates: dict[str, list[float]] = {name: [] for name in scenarios}
    cores: dict[str, list[float]] = {name: [] for name in scenarios}
    for round_no in range(1, ROUNDS + 1):
        for name, plan in scenarios.items():
            rate, client, server = _measure(plan)
            rates[name].append(rate)
            cores[name].append(client + server)
            print(
                f"  round {round_no}: {name}: {rate:,.1f} dossiers/s; cores busy "
                f"{client + server:.2f} (writers {client:.2f}, their server backends {server:.2f})"
            )
    print(f"uptime after: {_uptime()}")
    one = statistics.median(rates["1 process"])
    targets = {"4 processes, 4 agencies": 3.0, "2 processes, 1 agency": 1.6}
    print(f"median over {ROUNDS} rounds ({vendor}):")
    one_cores = statistics.median(cores["1 process"])
    machine = os.cpu_count() or 1
    print(f"  1 process: {one:,.1f} dossiers/s, {one_cores:.2f} cores busy")
    if one_cores:
        print(
            f"  ceiling on this machine ({machine} cores): {machine / one_cores:.2f}× one "
            f"process, whatever the number of writers"
        )
    for name, target in targets.items():
        rate = statistics.median(rates[name])
        ratio = rate / one if one else 0.0
        paired = [r / o for r, o in zip(rates[name], rates["1 process"], strict=True)]
        verdict = "meets" if ratio >= target else "MISSES"
        print(
            f"  {name}: {rate:,.1f} dossiers/s = {ratio:.2f}× one process "
            f"(per round {', '.join(f'{p:.2f}×' for p in paired)}; target ≥ {target}×: "
            f"{verdict})"
        )
    t = time.perf_counter()
    result = audit_verify_chain()
    print(
        f"audit verify: {'OK' if result.ok else 'BROKEN ' + result.problem}, "
        f"{result.checked:,} events in {getattr(result, 'chains', 1)} chain(s), "
        f"{time.perf_counter() - t:.1f} s"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        connections.close_all()
        shutil.rmtree(TMP, ignore_errors=True)
        if not SQLITE:
            import psycopg

            with psycopg.connect(PG_SERVER, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")

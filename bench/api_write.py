"""Benchmark: the API's writes against the service they call (target: intake ≤ 2× the service).

Run with ``make bench`` or
``.venv/bin/python bench/api_write.py [ROUNDS] [N] [--profile] [--legacy-token]``
(default 4 rounds × 300). Prints its figures; not a timed test. Builds a temporary file SQLite
database with the default settings, migrates it, seeds the demo agencies and catalogue (the
sample process's steps linked to the demo units, as in ``bench/dossier_queue.py``), and then,
in one process, in each round, side by side:

(a) ``services.dossier_receive`` called directly, by the desk officer ``motcua``;
(b) ``POST /api/v1/dossiers/`` with the same intake as JSON, through DRF's ``APIClient`` with
    a named token as ``POST /api/v1/auth/token/`` issues it (``--legacy-token``: DRF's single
    token of earlier versions, looked up after the named ones) (in process: routing,
    middleware, authentication, parsing, the input serializer, the service, the lean answer,
    rendering; no network);
(c) the action ``complete_step`` (the desk hands the dossier on) through
    ``POST /api/v1/dossiers/<code>/actions/complete_step/``, and the same action through its
    service ``dossier_step_complete`` for comparison;
(d) the full detail ``GET /api/v1/dossiers/<code>/``.

(a) and (b) alternate call by call, as do the two halves of (c), so that a busy neighbour on the
machine slows both sides alike. It prints the median and 95th percentile in milliseconds per
call, the ratio (b)/(a), and the SQL queries of one call of each, split into those before the
service is called, in the service, and after it returns (target: at most one after the write).
``--profile`` prints a cProfile of the API intakes of one more round.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-api-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")
# The API's throttles out of the way (a fast machine makes more than the user's 1,200 calls a
# minute), but still counted at each call, as bench/http_edge.py has them.
os.environ["ISOGOV_THROTTLE_USER"] = "100000000/minute"
os.environ["ISOGOV_THROTTLE_ANON"] = "100000000/minute"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency, Unit, User  # noqa: E402
from isogov.accounts.services.security import api_token_create  # noqa: E402
from isogov.catalog.demo import seed_catalog  # noqa: E402
from isogov.catalog.models import ProcessStep  # noqa: E402
from isogov.dossiers import actions, services  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402

CFS = "1.014464"
URL = "/api/v1/dossiers/"
WARM_UP = 20
TARGET_RATIO = 2.0


def intake(agency: Agency, index: int) -> services.IntakeInput:
    """The same intake as ``bench/dossier_intake.py``."""
    return services.IntakeInput(
        agency=agency,
        procedure_code=CFS,
        channel_kind="in_person",
        applicant=services.ApplicantInput(
            name=f"Nguyễn Thị Hồng Nhung {index}",
            phone=f"09{index:08d}",
            email=f"nhung{index}@example.vn",
            id_number=f"0311900{index:05d}",
            address="Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        ),
        papers=[services.PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
        request_summary="Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    )


def body(index: int) -> dict[str, Any]:
    """The same intake as the API's JSON body."""
    return {
        "procedure_code": CFS,
        "channel": "in_person",
        "applicant": {
            "name": f"Nguyễn Thị Hồng Nhung {index}",
            "phone": f"09{index:08d}",
            "email": f"nhung{index}@example.vn",
            "id_number": f"0311900{index:05d}",
            "address": "Số 5 Lạch Tray, Ngô Quyền, Hải Phòng",
        },
        "papers": [{"name": "Đơn đề nghị (theo mẫu)", "originals": 1}],
        "request_summary": "Cấp giấy chứng nhận CFS cho lô sách xuất khẩu",
    }


class Bench:
    def __init__(self) -> None:
        self.agency = Agency.objects.get(code="000.00.15.H26")
        self.officer = User.objects.get(username="motcua")
        if "--legacy-token" in sys.argv:  # DRF's single token: one failed named lookup first
            key = Token.objects.get_or_create(user=self.officer)[0].key
        else:  # a named token, as ``POST /api/v1/auth/token/`` issues it
            key = api_token_create(actor=self.officer, name="bench")[1]
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        self.index = 0

    def next_index(self) -> int:
        self.index += 1
        return self.index

    # --- the four measures (each returns the dossier code it wrote or read) ---------------
    def service_intake(self) -> str:
        dossier = services.dossier_receive(
            actor=self.officer, data=intake(self.agency, self.next_index())
        )
        return dossier.code

    def api_intake(self) -> str:
        response = self.client.post(URL, body(self.next_index()), format="json")
        assert response.status_code == 201, response.content
        return str(response.json()["code"])

    def service_complete(self, code: str, version: int) -> None:
        services.dossier_step_complete(actor=self.officer, code=code, version=version)

    def api_complete(self, code: str, version: int) -> None:
        response = self.client.post(
            f"{URL}{code}/actions/complete_step/", {"version": version}, format="json"
        )
        assert response.status_code == 200, response.content

    def api_detail(self, code: str) -> None:
        response = self.client.get(f"{URL}{code}/")
        assert response.status_code == 200, response.content


def timed(call: Callable[[], Any], key: str, into: dict[str, list[float]]) -> Any:
    """Run ``call``; add its wall time to ``into[key]`` and its CPU time to ``into[key + "_cpu"]``
    (the process's own, which a busy neighbour on the machine or a slow disk does not add to)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    into[key].append((time.perf_counter() - wall) * 1000)
    into[f"{key}_cpu"].append((time.process_time() - cpu) * 1000)
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


@contextmanager
def split_at_service(
    module: Any, name: str, into: list[int], queries: CaptureQueriesContext
) -> Iterator[None]:
    """Note the query count when ``module.name`` (a service) is entered and when it returns."""
    original = module[name] if isinstance(module, dict) else getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        into.append(len(queries))
        result = original(*args, **kwargs)
        into.append(len(queries))
        return result

    if isinstance(module, dict):
        module[name] = wrapper
    else:
        setattr(module, name, wrapper)
    try:
        yield
    finally:
        if isinstance(module, dict):
            module[name] = original
        else:
            setattr(module, name, original)


def count_queries(label: str, call: Callable[[], Any], module: Any, name: str) -> list[str]:
    """One call's queries: before the service, in it, after it returns."""
    marks: list[int] = []
    with (
        CaptureQueriesContext(connection) as queries,
        split_at_service(module, name, marks, queries),
    ):
        call()
    total = len(queries)
    if not marks:  # a direct service call
        print(f"  {label}: {total} queries")
        return []
    enter, leave = marks
    after = [q["sql"] for q in queries.captured_queries[leave:]]
    print(
        f"  {label}: {total} queries = {enter} before the service + {leave - enter} in it "
        f"+ {total - leave} after it returns"
    )
    return after


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rounds = int(args[0]) if args else 4
    per_round = int(args[1]) if len(args) > 1 else 300
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    seed_demo()
    seed_catalog()
    agency = Agency.objects.get(code="000.00.15.H26")
    for label, code in (("Bộ phận Một cửa", "MC"), ("Phòng chuyên môn", "BCXB")):
        unit = Unit.objects.get(agency=agency, code=code)
        ProcessStep.objects.filter(unit_label=label).update(unit=unit)
    print(f"database: {connection.vendor} file {TMP / 'bench.sqlite3'}")
    print(f"migrate + seed demo + catalogue: {time.perf_counter() - started:.1f} s")

    bench = Bench()
    for _ in range(WARM_UP):  # compile the calendar, load the URLs and translations
        for code in (bench.service_intake(), bench.api_intake()):
            bench.api_detail(code)
            bench.api_complete(code, Dossier.objects.get(code=code).version)

    print("SQL queries of one call (BEGIN … COMMIT and SAVEPOINTs included):")
    count_queries("(a) dossier_receive", bench.service_intake, services, "dossier_receive")
    after = count_queries("(b) POST intake", bench.api_intake, services, "dossier_receive")
    code = bench.service_intake()
    version = Dossier.objects.get(code=code).version
    after_action = count_queries(
        "(c) POST complete_step",
        lambda: bench.api_complete(code, version),
        actions.SERVICES,
        "complete_step",
    )
    count_queries("(d) GET detail", lambda: bench.api_detail(code), services, "dossier_receive")
    for label, sqls in (("intake", after), ("complete_step", after_action)):
        for sql in sqls:
            print(f"    after the {label} service: {sql[:150]}")

    keys = ("service", "api", "service_step", "api_step", "detail")
    times: dict[str, list[float]] = {k: [] for key in keys for k in (key, f"{key}_cpu")}
    ratios = []
    for _round in range(rounds):
        this: dict[str, list[float]] = {k: [] for k in times}
        codes = []
        for _ in range(per_round):
            codes.append(timed(bench.service_intake, "service", this))
            codes.append(timed(bench.api_intake, "api", this))
        versions = dict(Dossier.objects.filter(code__in=codes).values_list("code", "version"))
        for first, second in zip(codes[::2], codes[1::2], strict=True):
            timed(lambda c=first, v=versions: bench.service_complete(c, v[c]), "service_step", this)
            timed(lambda c=second, v=versions: bench.api_complete(c, v[c]), "api_step", this)
        for code in codes[:per_round]:
            timed(lambda c=code: bench.api_detail(c), "detail", this)
        for key, values in this.items():
            times[key] += values
        ratios.append(statistics.median(this["api"]) / statistics.median(this["service"]))

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nms per call, {rounds} rounds × {per_round} "
        f"(load average now {load}; {os.cpu_count()} CPUs):"
    )
    print(f"  {'':44} {'median':>7} {'p95':>7} {'CPU med':>8}")
    rows = (
        ("(a) services.dossier_receive", "service"),
        ("(b) POST /api/v1/dossiers/ (token, JSON)", "api"),
        ("    dossier_step_complete (service)", "service_step"),
        ("(c) POST …/actions/complete_step/", "api_step"),
        ("(d) GET /api/v1/dossiers/<code>/", "detail"),
    )
    for label, key in rows:
        values, cpu = times[key], times[f"{key}_cpu"]
        print(
            f"  {label:44} {statistics.median(values):7.2f} {p95(values):7.2f} "
            f"{statistics.median(cpu):8.2f}"
        )

    def ratio_of(api: str, service: str) -> float:
        return statistics.median(times[api]) / statistics.median(times[service])

    ratio = ratio_of("api", "service")
    print(
        f"ratio (b)/(a): {ratio:.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"CPU time {ratio_of('api_cpu', 'service_cpu'):.2f}); complete_step API/service: "
        f"{ratio_of('api_step', 'service_step'):.2f} (CPU time "
        f"{ratio_of('api_step_cpu', 'service_step_cpu'):.2f})"
    )
    verdict = "meets" if ratio <= TARGET_RATIO and len(after) <= 1 else "MISSES"
    print(
        f"target: API intake ≤ {TARGET_RATIO:.0f}× the service, at most one query after the "
        f"write: {verdict}"
    )

    if "--profile" in sys.argv:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(per_round):
            bench.api_intake()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)

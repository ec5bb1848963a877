"""Benchmark: server time of the public pages (issue 12 item 6, target ≤ 50 ms; not a timed test).

    .venv/bin/python bench/portal_pages.py [N] [--dossiers D]

A temporary SQLite database (default settings, WAL) is migrated and seeded with the demo
agencies and catalogue, then ``demo_generate`` writes D dossiers (default 20,000) over the last
12 months. Each public page is rendered through Django's test client N times (default 30) after
one warm-up: the home (its most used procedures are counted once an hour, so the warm-up pays
that count; it is timed alone too; so is the transparency page, whose figures are computed
once per ``ISOGOV_TRANSPARENCY_CACHE_SECONDS``), the catalogue list, a search without diacritics, a
procedure, the lookup form, a lookup by code and phone (POST), a wrong lookup, the receipt's
token link, "Hồ sơ của tôi" and the transparency page. Prints the median and 95th percentile
in milliseconds, with the load average (the machine is shared: figures are noisy).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-portal-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")
# The benchmark's own lookups must not be throttled.
os.environ["ISOGOV_LOOKUP_IP_FAILURES"] = "1000000"
os.environ["ISOGOV_LOOKUP_CODE_FAILURES"] = "1000000"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE, seed_catalog  # noqa: E402
from isogov.dossiers.generator import demo_generate  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402
from isogov.dossiers.selectors import procedure_usage  # noqa: E402


def measure(client: Client, method: str, url: str, data: dict[str, str], runs: int) -> list[float]:
    call = client.post if method == "POST" else client.get
    call(url, data)  # warm up (templates, translations, the hourly count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = call(url, data)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(times)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = 20_000
    if "--dossiers" in sys.argv:
        size = int(sys.argv[sys.argv.index("--dossiers") + 1])
        args.remove(str(size))
    runs = int(args[0]) if args else 30
    call_command("migrate", verbosity=0)
    seed_demo()
    seed_catalog()
    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    started = time.monotonic()
    demo_generate(agency=agency, dossiers=size, months=12)
    print(f"{Dossier.objects.count():,} dossiers generated in {time.monotonic() - started:.0f} s")
    dossier = Dossier.objects.exclude(applicant_phone="").exclude(received_at=None).first()
    assert dossier is not None
    setup_test_environment()
    client = Client()
    client.get("/tra-cuu/")  # load the templates and translations before timing first hits
    start = time.perf_counter()
    procedure_usage(agency=agency, since=timezone.now() - dt.timedelta(days=365), limit=8)
    print(f"count of the most used procedures alone: {(time.perf_counter() - start) * 1000:.1f} ms")
    cache.clear()
    start = time.perf_counter()
    client.get("/")
    print(
        f"home with the most used procedures counted (once an hour): "
        f"{(time.perf_counter() - start) * 1000:.1f} ms"
    )
    start = time.perf_counter()
    client.get("/minh-bach/", {"co_quan": DEPARTMENT_CODE})
    print(
        "transparency with its figures computed (once per "
        f"{settings.ISOGOV_TRANSPARENCY_CACHE_SECONDS} s): "
        f"{(time.perf_counter() - start) * 1000:.1f} ms"
    )
    lookup = {"ma": dossier.code, "thong_tin": dossier.applicant_phone}
    pages = [
        ("home", "GET", "/", {}),
        ("catalogue list", "GET", "/thu-tuc/", {}),
        ("search 'giay phep'", "GET", "/thu-tuc/", {"q": "giay phep"}),
        ("procedure", "GET", "/thu-tuc/1.014464/", {}),
        ("lookup form", "GET", "/tra-cuu/", {}),
        ("lookup code + phone", "POST", "/tra-cuu/", lookup),
        ("lookup, wrong phone", "POST", "/tra-cuu/", {**lookup, "thong_tin": "0900000000"}),
        ("token link", "GET", f"/tra-cuu/h/{dossier.access_token}/", {}),
        ("my dossiers (form)", "GET", "/ho-so-cua-toi/", {}),
        ("transparency", "GET", "/minh-bach/", {"co_quan": DEPARTMENT_CODE}),
    ]
    load = os.getloadavg()
    print(
        f"{'page':26} {'median ms':>10} {'p95 ms':>8}   ({runs} runs, SQLite; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs)"
    )
    for label, method, url, data in pages:
        times = measure(client, method, url, data, runs)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"{label:26} {statistics.median(times):10.1f} {p95:8.1f}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)

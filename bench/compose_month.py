"""Benchmark: one closed month's Decision 766 set composed from its daily snapshots against
the same set computed live (``compute_all``), in CPU milliseconds, and whether they are equal.

``.venv/bin/python bench/compose_month.py DB FROM TO`` on a SQLite file whose days FROM–TO are
backfilled (``isogov indicators snapshots``). Reads only. Not a timed test.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

os.environ["ISOGOV_SQLITE_PATH"] = sys.argv[1]
os.environ["ISOGOV_DATA_DIR"] = tempfile.mkdtemp(prefix="isogov-bench-compose-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")
import django

django.setup()
from isogov.accounts.models import Agency  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE  # noqa: E402
from isogov.indicators import rollup  # noqa: E402
from isogov.indicators.registry import Scope, codes, compute_all  # noqa: E402

agency = Agency.objects.get(code=DEPARTMENT_CODE)
scope = Scope(agency=agency)
period = (dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]))
wanted = codes("766")


def cpu(call):
    t = time.process_time()
    w = time.perf_counter()
    out = call()
    return out, (time.process_time() - t) * 1000, (time.perf_counter() - w) * 1000


rollup.compose(scope, *period, wanted)
runs = [cpu(lambda: rollup.compose(scope, *period, wanted)) for _ in range(5)]
composed = runs[0][0]
print(
    "composed month (766 set), CPU ms per run:",
    [round(r[1], 1) for r in runs],
    "median",
    round(statistics.median(r[1] for r in runs), 1),
)
live, live_cpu, live_wall = cpu(lambda: compute_all(scope, *period, only=wanted))
print(f"live month (compute_all), CPU ms: {live_cpu:,.0f} (wall {live_wall:,.0f})")
same = [r.as_dict() for r in composed] == [r.as_dict() for r in live]
print("composed == live:", same)
if not same:
    for a, b in zip(composed, live, strict=True):
        if a.as_dict() != b.as_dict():
            print(a.as_dict(), b.as_dict())

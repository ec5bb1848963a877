"""Benchmark: bytes per dossier, by table and index (issue 15 §4).

``.venv/bin/python bench/storage.py [N] [M]`` (default N = 10,000, M = 400; M = 0: skip; ``--keep``:
keep the SQLite database, its path printed). SQLite in a
temporary folder by default; with ``DATABASE_URL`` set (an empty PostgreSQL database) it runs
there. It migrates, seeds the demo agencies and catalogue, and measures two loads, each from
the seeded database:

1. **the generator** (``isogov demo generate``, the same as ``bench/generate.py``): N dossiers
   with their steps, timeline events, clock stops, papers and fees; it writes one audit event
   per batch, not one per action, and no notices;
2. **the services**: M dossiers of the demo department, received and worked through the
   services as ``isogov seed-demo`` works its older ones (``dossiers/demo.py``), so with one
   audit event per action and the outbox's notices, delivered (to memory and the log) and,
   after the outbox's retention, pruned (``outbox_prune``, when it exists).

Each load prints the bytes per dossier of each table and of its indexes (SQLite: the
``dbstat`` virtual table, after ``VACUUM``; PostgreSQL: ``pg_table_size`` and
``pg_indexes_size`` after ``VACUUM FULL``), the whole database's, the load average, and
``isogov audit verify``'s verdict. The temporary database is removed at the end (PostgreSQL:
every table is dropped by a flush).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-storage-"))
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
POSTGRES = bool(os.environ.get("DATABASE_URL"))
if not POSTGRES:
    os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")
os.environ["ISOGOV_HUEY_IMMEDIATE"] = "0"
os.environ["ISOGOV_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency  # noqa: E402
from isogov.audit.services import audit_maintenance, audit_verify_chain  # noqa: E402
from isogov.catalog.demo import DEPARTMENT_CODE, seed_catalog  # noqa: E402
from isogov.core import clock  # noqa: E402
from isogov.dossiers import services  # noqa: E402
from isogov.dossiers.demo import (  # noqa: E402
    CFS,
    PLANS,
    PROCEDURES,
    SUMMARIES,
    _fate,
    _walk,
    demo_applicant,
    demo_officers,
)
from isogov.dossiers.generator import demo_generate  # noqa: E402
from isogov.dossiers.models import Dossier  # noqa: E402
from isogov.notifications import services as outbox  # noqa: E402
from isogov.workcal.selectors import calendar_for  # noqa: E402

DB = TMP / "bench.sqlite3"
SEEDED = TMP / "seeded.sqlite3"

# Tables shown on their own line; every other table is summed into "other".
GROUPS = {
    "dossiers_dossier": "dossier",
    "dossiers_dossierstep": "steps",
    "dossiers_dossierevent": "events",
    "audit_auditevent": "audit",
    "notifications_outboxmessage": "outbox",
    "dossiers_dossierpaper": "papers, fees, stops",
    "dossiers_dossierfee": "papers, fees, stops",
    "dossiers_clockstop": "papers, fees, stops",
    "dossiers_extension": "papers, fees, stops",
}
ORDER = ["dossier", "steps", "events", "audit", "outbox", "papers, fees, stops", "other"]


def sizes() -> dict[str, tuple[int, int]]:
    """Bytes of each table: (its rows, its indexes)."""
    found: dict[str, tuple[int, int]] = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("SELECT name, tbl_name, type FROM sqlite_master")
            owner = {name: (table, kind) for name, table, kind in cursor.fetchall()}
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            for name, size in cursor.fetchall():
                table, kind = owner.get(name, (name, "table"))
                rows, indexes = found.get(table, (0, 0))
                if kind == "index":
                    indexes += int(size)
                else:
                    rows += int(size)
                found[table] = (rows, indexes)
        return found
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL")
        cursor.execute(
            "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
        for name, rows, indexes in cursor.fetchall():
            found[name] = (int(rows), int(indexes))
    return found


def grouped(found: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for table, (rows, indexes) in found.items():
        group = GROUPS.get(table, "other")
        out[group][0] += rows
        out[group][1] += indexes
    return {group: (pair[0], pair[1]) for group, pair in out.items()}


def report(title: str, base: dict[str, tuple[int, int]], dossiers: int) -> None:
    after = grouped(sizes())
    before = grouped(base)
    verdict = audit_verify_chain()
    load = os.getloadavg()
    print(f"\n{title}: {dossiers:,} dossiers; load average {load[0]:.1f} {load[1]:.1f}")
    print(f"  {'table':<22}{'rows B/dossier':>16}{'indexes B/dossier':>19}{'total':>9}")
    total_rows = total_indexes = 0
    for group in ORDER:
        rows = after.get(group, (0, 0))[0] - before.get(group, (0, 0))[0]
        indexes = after.get(group, (0, 0))[1] - before.get(group, (0, 0))[1]
        total_rows += rows
        total_indexes += indexes
        print(
            f"  {group:<22}{rows / dossiers:>16,.0f}{indexes / dossiers:>19,.0f}"
            f"{(rows + indexes) / dossiers:>9,.0f}"
        )
    total = total_rows + total_indexes
    print(
        f"  {'all':<22}{total_rows / dossiers:>16,.0f}{total_indexes / dossiers:>19,.0f}"
        f"{total / dossiers:>9,.0f}   ({total / dossiers / 1024:.2f} KB per dossier, "
        f"{total / dossiers * 100_000 / 2**30:.2f} GiB at 100k); "
        f"audit verify: {'OK' if verdict.ok else 'BROKEN'} ({verdict.checked} events)"
    )
    sys.stdout.flush()


def fresh_database() -> None:
    """Back to the seeded database (no dossiers)."""
    connection.close()
    if POSTGRES:
        wipe()
        seed()
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    shutil.copy(SEEDED, DB)


def seed() -> None:
    seed_demo()
    seed_catalog()


def wipe() -> None:
    with audit_maintenance():
        call_command("flush", interactive=False, verbosity=0)


def services_load(count: int) -> int:
    """``count`` dossiers of the demo department through the services, eight a working day, each
    worked as the demo seeding works its older ones (``demo.PLANS``: most returned, some with a
    supplement request or an apology, some late), then their notices delivered and (after the
    outbox's retention) pruned."""
    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    officers = demo_officers(agency=agency)
    calendar = calendar_for(agency=agency)
    until = clock.now()
    day = calendar.working_day_before(clock.to_local(until).date(), count // 8 + 12)
    for index in range(count):
        if index and index % 8 == 0:
            day = calendar.working_day_after(day, 1)
        opening = dt.datetime.combine(day, dt.time(8, 5), tzinfo=clock.LOCAL_TZ)
        at = calendar.add_working_us(opening, (index % 8) * 50 * 60_000_000)
        procedure = PROCEDURES[index % len(PROCEDURES)]
        fate = _fate(99, index)
        if procedure != CFS and fate not in {"returned", "finished"}:
            procedure = CFS
        data = services.IntakeInput(
            agency=agency,
            procedure_code=procedure,
            channel_kind="in_person",
            applicant=demo_applicant(index + 1),
            papers=[services.PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
            request_summary=SUMMARIES[procedure],
        )
        with transaction.atomic():
            with clock.as_of(at):
                dossier = services.dossier_receive(actor=officers[0].user, data=data)
            _walk(dossier, PLANS[fate], calendar=calendar, officers=officers, until=until)
    while outbox.outbox_deliver_due():
        pass
    prune = getattr(outbox, "outbox_prune", None)
    if prune is not None:
        with clock.as_of(clock.now() + dt.timedelta(days=366)):
            prune()
    return Dossier.objects.count()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = int(args[0]) if args else 10_000
    through_services = int(args[1]) if len(args) > 1 else 400
    call_command("migrate", verbosity=0)
    if POSTGRES:
        wipe()
    seed()
    connection.close()
    if not POSTGRES:
        shutil.copy(DB, SEEDED)
    engine = (
        f"PostgreSQL {connection.pg_version}"  # type: ignore[attr-defined]
        if POSTGRES
        else f"SQLite {sqlite3.sqlite_version}"
    )
    print(f"Python {sys.version.split()[0]}, {engine}, {os.cpu_count()} CPUs")
    try:
        base = sizes()
        agency = Agency.objects.get(code=DEPARTMENT_CODE)
        demo_generate(agency=agency, dossiers=size, months=12)
        report("The generator (isogov demo generate)", base, Dossier.objects.count())
        if through_services:
            fresh_database()
            base = sizes()
            count = services_load(through_services)
            report("The services (one audit event per action, notices)", base, count)
    finally:
        connection.close()
        if POSTGRES:
            wipe()
        if "--keep" in sys.argv and not POSTGRES:
            print(f"kept: {DB}")
        else:
            shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()

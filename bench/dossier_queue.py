"""Benchmark: the officer queue with 10,000 open dossiers (target ≤ 200 ms, constant queries).

Run with ``make bench`` or ``.venv/bin/python bench/dossier_queue.py [N]``. Prints its figures; not
a timed test. Builds a temporary file SQLite database with the default settings, migrates it,
seeds the demo agencies and catalogue, and links the sample process's steps to the demo units
("Bộ phận Một cửa" → MC, "Phòng chuyên môn" → BCXB), as an agency does when it sets its process
up. A few dossiers go through the services (receive; hand on to the unit head; the head assigns
the specialist and hands on); the N open dossiers are bulk copies of them (Dossier and
DossierStep rows as the services made them, with their own codes, register lines and spread-out
due times). Then it times
``dossier_queue`` for the desk officer, the specialist and the agency leader (the agency's tab): a
fresh user object per run, as in a request, so the role lookup is counted too.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="isogov-bench-queue-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
os.environ["ISOGOV_DATA_DIR"] = str(TMP)
os.environ["ISOGOV_SQLITE_PATH"] = str(TMP / "bench.sqlite3")
os.environ.setdefault("ISOGOV_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.forms.models import model_to_dict  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from isogov.accounts.demo import seed_demo  # noqa: E402
from isogov.accounts.models import Agency, Unit, User  # noqa: E402
from isogov.catalog.demo import seed_catalog  # noqa: E402
from isogov.catalog.models import ProcessStep  # noqa: E402
from isogov.dossiers import services  # noqa: E402
from isogov.dossiers.models import Dossier, DossierStep  # noqa: E402
from isogov.dossiers.selectors import dossier_queue  # noqa: E402

CFS = "1.014464"
RUNS = 20
BATCH = 1_000
USERS = (
    ("desk officer", "motcua"),
    ("unit head", "truongphong"),
    ("specialist", "chuyenvien"),
    ("agency leader", "lanhdao"),
)
# The leader's own queue holds only the signing steps: time the agency's tab they oversee.
TABS = {"lanhdao": "unit"}


def intake(agency: Agency, index: int) -> services.IntakeInput:
    return services.IntakeInput(
        agency=agency,
        procedure_code=CFS,
        channel_kind="in_person",
        applicant=services.ApplicantInput(
            name=f"Nguyễn Thị Hồng Nhung {index}",
            phone=f"09{index:08d}",
            id_number=f"0311900{index:05d}",
        ),
        papers=[services.PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
    )


def templates(agency: Agency) -> list[Dossier]:
    """Three real dossiers: at the desk; handed on to the unit; handed on and assigned.

    Authority is per step (``permissions``): the desk officer finishes the desk's step; the
    head of BCXB (``truongphong``) names the specialist on the appraisal step (a later step of
    the unit, by ``step_id``) and then finishes his own assigning step, so the dossier waits
    on the specialist.
    """
    officer, head = User.objects.get(username="motcua"), User.objects.get(username="truongphong")
    specialist = User.objects.get(username="chuyenvien")
    at_desk = services.dossier_receive(actor=officer, data=intake(agency, 0))
    handed = services.dossier_receive(actor=officer, data=intake(agency, 1))
    handed = services.dossier_step_complete(actor=officer, code=handed.code, version=1)
    assigned = services.dossier_receive(actor=officer, data=intake(agency, 2))
    assigned = services.dossier_step_complete(actor=officer, code=assigned.code, version=1)
    assert assigned.current_step is not None
    appraisal = assigned.steps.get(order=assigned.current_step.order + 1)
    assigned = services.dossier_step_assign(
        actor=head,
        code=assigned.code,
        version=assigned.version,
        assignee=specialist,
        step_id=appraisal.pk,
    )
    assigned = services.dossier_step_complete(
        actor=head, code=assigned.code, version=assigned.version
    )
    assert assigned.current_step_id == appraisal.pk
    return [Dossier.objects.get(pk=d.pk) for d in (at_desk, handed, assigned)]


SKIP = {"id", "code", "register_line", "current_step", "search_text"}


def copy_dossiers(models: list[Dossier], n: int) -> None:
    """Bulk copies of the template dossiers and their steps, due times spread over a month."""
    rng = random.Random(42)
    agency_code = models[0].agency.code
    first_line = Dossier.objects.count() + 1
    steps_of = {d.pk: list(d.steps.order_by("order", "id")) for d in models}
    for start in range(0, n, BATCH):
        with transaction.atomic():
            sources, rows = [], []
            for index in range(start, min(start + BATCH, n)):
                source = models[index % 4 % 3]  # half at the desk, a quarter each handed on
                shift = dt.timedelta(minutes=rng.randrange(-20 * 24 * 60, 10 * 24 * 60))
                fields = model_to_dict(source, exclude=list(SKIP))
                copy = Dossier(**{f"{k}_id" if k in FK else k: v for k, v in fields.items()})
                copy.code = f"{agency_code}-BENCH-{index:06d}"
                copy.register_line = first_line + index
                copy.search_text = source.search_text
                for name in ("received_at", "due_at", "promised_due_at", "start_counted_at"):
                    value = getattr(source, name)
                    setattr(copy, name, value + shift if value else None)
                sources.append((source, shift))
                rows.append(copy)
            Dossier.objects.bulk_create(rows)
            steps, current = [], []
            for copy, (source, shift) in zip(rows, sources, strict=True):
                for step in steps_of[source.pk]:
                    clone = DossierStep(
                        **{
                            (f"{k}_id" if k in STEP_FK else k): v
                            for k, v in model_to_dict(step, exclude=["id", "dossier"]).items()
                        },
                        dossier_id=copy.pk,
                    )
                    for name in ("received_at", "due_at", "finished_at"):
                        value = getattr(step, name)
                        setattr(clone, name, value + shift if value else None)
                    steps.append(clone)
                    if step.pk == source.current_step_id:
                        current.append((copy, clone))
            DossierStep.objects.bulk_create(steps)
            for copy, clone in current:
                copy.current_step_id = clone.pk
            Dossier.objects.bulk_update([copy for copy, _ in current], ["current_step"])


FK = {
    f.name
    for f in Dossier._meta.concrete_fields
    if f.is_relation and f.name not in SKIP  # copied as <name>_id
}
STEP_FK = {f.name for f in DossierStep._meta.concrete_fields if f.is_relation}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    seed_demo()
    seed_catalog()
    agency = Agency.objects.get(code="000.00.15.H26")
    for label, code in (("Bộ phận Một cửa", "MC"), ("Phòng chuyên môn", "BCXB")):
        unit = Unit.objects.get(agency=agency, code=code)
        ProcessStep.objects.filter(unit_label=label).update(unit=unit)
    print(f"database: {connection.vendor} file {TMP / 'bench.sqlite3'}")
    print(f"migrate + seed: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    copy_dossiers(templates(agency), n)
    open_count = Dossier.objects.filter(status__in=["received", "in_process"]).count()
    print(
        f"{open_count:,} open dossiers, {DossierStep.objects.count():,} steps "
        f"(made in {time.perf_counter() - started:.1f} s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    for label, username in USERS:
        tab = TABS.get(username, "all")
        dossier_queue(user=User.objects.get(username=username), tab=tab)  # warm up
        times = []
        for _ in range(RUNS):
            user = User.objects.get(username=username)
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                rows = dossier_queue(user=user, tab=tab)
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[max(0, int(RUNS * 0.95) - 1)]
        print(
            f"queue of the {label} ({username}): median {statistics.median(times):.1f} ms, "
            f"p95 {p95:.1f} ms over {RUNS} runs; {len(queries)} queries; {len(rows)} rows shown"
        )
    print("target ≤ 200 ms with a constant number of queries")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)

"""The demo history generator (``isogov demo generate``): months of dossiers in bulk.

Each dossier is what the services would have written had the desk and the officers done the
work on those days: the intake plan of the procedure's version in force, its code and register
line from the agency's counters, the deadlines from the one pure deadline function, its steps,
timeline events, clock stop, apology and stop notice (``history.py`` works them out with the
services' pure rules as ``stories.py``'s stories, ``rows.py`` turns them into rows and
``tables.py`` writes those). What it does not write, on purpose:

- **one audit event per batch** (``dossier.generate``: how many dossiers, their first and last
  code and key, marked as generated demo data) instead of one per action: the chain stays
  whole (``isogov audit verify``) and says plainly which dossiers nobody handled;
- **no notices** in the outbox: nobody is to be told about invented past dossiers.

Re-running **appends**: each run adds ``dossiers`` more, numbered after those already there
(the day's codes and the year's register lines continue the agency's counters). Run it when
nobody is receiving: a batch that finds the counters or keys moved since the run was planned
is refused.

Speed (docs/benchmarks.md): the batches are worked out in forked worker processes while this
one writes (``batches.py``); each batch is one transaction, with SQLite's ``synchronous = OFF``
and a larger page cache for the run only, and the full-text lines of the batch written in one
statement (``rows.insert_dossiers``). On SQLite a worker hands its rows over as a database
file (in memory, ``/dev/shm``) that this process copies with one ``INSERT … SELECT`` per table
(``packed.py``); elsewhere one ``executemany`` per table (``rows.Batch.write``).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency
from isogov.audit.services import audit_record
from isogov.catalog.intake import IntakePlan, IntakePlanError, intake_plan
from isogov.catalog.models import AgencyProcedure
from isogov.core import clock
from isogov.core.errors import ValidationFailed
from isogov.core.sql import execute, fetch_one, refresh_statistics, sqlite_cache
from isogov.core.text import fold_vietnamese
from isogov.workcal.engine import MemoisedCalendar
from isogov.workcal.selectors import calendar_for

from .. import codes
from ..applicants import applicant_clean
from ..demo import SUMMARIES, demo_applicant, demo_officers, officer_for
from ..models import Dossier, DossierStep
from ..permissions import step_refusal
from ..rulesets import RuleSet, ruleset_in_force
from ..search import id_key, phone_key
from ..transitions import Status
from . import packed
from .batches import Context, Made, plan_jobs, run
from .history import SLOT_US
from .load import daily_counts, day_weights
from .rows import Applicant, number_outgoing, read_counters, write_counters
from .stories import Actors
from .tables import next_ids

BATCH = 20_000
BULK_CACHE_KIB = 262_144  # 256 MiB
APPLICANTS = 5_000  # distinct invented applicants
TOO_MANY = gettext_lazy(
    "More than %(max)d dossiers would be received on one day: ask for more months."
)
CHANGED = gettext_lazy(
    "Dossiers were received while the history was generated: run the generator when nobody "
    "is receiving."
)
NO_PROCEDURE = gettext_lazy("The agency has no procedure with an internal process to receive.")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class GenerateResult:
    dossiers: int
    steps: int
    events: int
    first_code: str
    last_code: str
    seconds: float


def _applicants(count: int) -> list[Applicant]:
    pool = []
    for index in range(1, count + 1):
        raw = demo_applicant(index)
        clean = applicant_clean(
            name=raw.name,
            kind=raw.kind,
            id_number=raw.id_number,
            phone=raw.phone,
            email=raw.email,
        )
        pool.append(
            Applicant(
                kind=raw.kind,
                name=clean.name,
                id_number=clean.id_number,
                address=raw.address.strip(),
                phone=clean.phone,
                email=clean.email,
                representative_name=raw.representative_name.strip(),
                folded=fold_vietnamese(f"{clean.name} {clean.phone} {clean.id_number}"),
                phone_key=phone_key(clean.phone),
                id_key=id_key(clean.id_number),
            )
        )
    return pool


def _actors(agency: Agency, plans: list[IntakePlan]) -> Actors:
    """Who does what: the first demo officer the action table lets act (``demo.officer_for``)."""
    officers = demo_officers(agency=agency)
    desk = officers[0].user
    by_step: dict[tuple[int, int], int] = {}
    for plan in plans:
        for step in plan.steps:
            probe = DossierStep(role=step.role, unit_id=step.unit_id)
            for officer in officers:
                if step_refusal(probe, officer.held) is None:
                    by_step[(plan.version_id, step.order)] = officer.user.pk
                    break
    # The result is recorded and approved while the dossier waits on its last (return) step.
    last = plans[0].steps[-1]
    # An unsaved probe (id 0, never stored) with the process's steps as if read already.
    finished = Dossier(id=0, agency=agency, status=Status.FINISHED)
    finished.current_step = DossierStep(role=last.role, unit_id=last.unit_id)
    finished._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "steps": [
            DossierStep(id=-step.order, order=step.order, role=step.role, unit_id=step.unit_id)
            for step in plans[0].steps
        ]
    }
    record = officer_for(finished, "record_result", officers)
    approve = officer_for(finished, "approve_result", officers)
    return Actors(desk=desk.pk, record=record.pk, approve=approve.pk, by_step=by_step)


class _Plans:
    """The intake plan of each procedure on each day of the history.

    Reading a plan costs some ten queries, so not one per day: a version is in force over one
    stretch of days, so when the same version is in force on the first and the last day of a
    stretch it is in force on every day of it; otherwise the stretch is halved.
    """

    def __init__(self, agency: Agency, codes_: list[str], first: dt.date, last: dt.date) -> None:
        self.agency = agency
        self.codes = codes_
        self._read: dict[tuple[str, dt.date], IntakePlan | None] = {}
        # Per procedure: the first day of each stretch and its plan, in order.
        self._stretches: dict[str, list[tuple[dt.date, IntakePlan | None]]] = {}
        for code in dict.fromkeys(codes_):
            stretches: list[tuple[dt.date, IntakePlan | None]] = []
            self._split(code, first, last, stretches)
            self._stretches[code] = stretches

    def _plan(self, code: str, day: dt.date) -> IntakePlan | None:
        key = (code, day)
        if key not in self._read:
            at = dt.datetime.combine(day, dt.time(12), tzinfo=clock.LOCAL_TZ)
            try:
                plan = intake_plan(
                    agency=self.agency, procedure_code=code, channel_kind="in_person", at=at
                )
            except IntakePlanError:
                plan = None
            self._read[key] = plan if plan is not None and plan.steps else None
        return self._read[key]

    def _split(
        self,
        code: str,
        first: dt.date,
        last: dt.date,
        out: list[tuple[dt.date, IntakePlan | None]],
    ) -> None:
        head, tail = self._plan(code, first), self._plan(code, last)
        same = _version(head) == _version(tail)
        if same or (last - first).days <= 1:
            if not out or _version(out[-1][1]) != _version(head):
                out.append((first, head))
            if not same:
                out.append((last, tail))
            return
        middle = first + (last - first) / 2
        self._split(code, first, middle, out)
        self._split(code, middle, last, out)

    def any_on(self, day: dt.date) -> bool:
        return any(self.get(code, day) is not None for code in self._stretches)

    def get(self, code: str, day: dt.date) -> IntakePlan | None:
        found = None
        for start, plan in self._stretches[code]:
            if start > day:
                break
            found = plan
        return found


def _version(plan: IntakePlan | None) -> int | None:
    return plan.version_id if plan is not None else None


def _procedure_codes(agency: Agency) -> list[str]:
    codes_ = list(
        AgencyProcedure.objects.filter(agency=agency, is_active=True)
        .order_by("procedure__code")
        .values_list("procedure__code", flat=True)
    )
    # The demo's mix: the CFS procedure three times as often as any other (``demo.PROCEDURES``).
    return [code for code in codes_ for _ in range(3 if code == "1.014464" else 1)]


def _receipts(
    calendar: MemoisedCalendar,
    days: list[tuple[dt.date, int]],
    rng: random.Random,
    until: dt.datetime,
) -> list[dt.datetime]:
    """Each dossier's receipt time: a random slot of its day's working time (up to ``until``
    on its last day), in order."""
    last = calendar.position(until)
    times: list[dt.datetime] = []
    for day, count in days:
        if not count:
            continue
        if count > codes.MAX_DAILY_SEQUENCE_01_2018:
            message = TOO_MANY % {"max": codes.MAX_DAILY_SEQUENCE_01_2018}
            raise ValidationFailed(message, details={"months": [str(message)]})
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=clock.LOCAL_TZ)
        opened = calendar.next_opening(midnight)
        opening = calendar.position(opened)
        slots = min(calendar.standard_day_us, last - opening) // SLOT_US + 1
        picks = sorted(rng.randrange(slots) for _ in range(count))
        # The day's opening has the position of the last working day's close, and ``instant``
        # gives the earliest instant of a position: slot 0 is the opening itself.
        times.extend(
            opened if pick == 0 else calendar.instant(opening + pick * SLOT_US) for pick in picks
        )
    return times


def demo_generate(
    *,
    agency: Agency,
    dossiers: int,
    months: int,
    seed: int = 1,
    until: dt.datetime | None = None,
    batch_size: int = BATCH,
    progress: Progress | None = None,
    workers: int | None = None,
) -> GenerateResult:
    """Generate ``dossiers`` demo dossiers received over the ``months`` before ``until``."""
    started = time.monotonic()
    until = until or clock.now()
    rng = random.Random(seed)
    calendar = MemoisedCalendar(calendar_for(agency=agency))
    last_day = clock.to_local(until).date()
    first_day = (clock.to_local(until) - dt.timedelta(days=round(months * 30.44))).date()
    if calendar.position(until) <= calendar.position(
        dt.datetime.combine(last_day, dt.time(), tzinfo=clock.LOCAL_TZ)
    ):
        last_day -= dt.timedelta(days=1)  # nothing received yet on the last day
    plans = _Plans(agency, _procedure_codes(agency), first_day, last_day)
    # Only the days on which the agency could receive a procedure (a version in force).
    weights = [
        (day, w) for day, w in day_weights(calendar, first_day, last_day) if plans.any_on(day)
    ]
    if not weights:
        raise ValidationFailed(NO_PROCEDURE, details={"agency": [str(NO_PROCEDURE)]})
    days = daily_counts(weights, dossiers, rng)
    receipts = _receipts(calendar, days, rng, until)
    # Every plan the run will use, so each process's officers are found once.
    chosen: list[tuple[dt.datetime, IntakePlan, RuleSet]] = []
    rulesets: dict[dt.date, RuleSet] = {}
    in_force: dict[dt.date, list[IntakePlan]] = {}
    for at in receipts:
        day = at.date()
        day_plans = in_force.get(day)
        if day_plans is None:  # the plans of the procedures in force that day, in the mix
            day_plans = in_force[day] = [
                plan for plan in (plans.get(c, day) for c in plans.codes) if plan is not None
            ]
            if not day_plans:
                raise ValidationFailed(NO_PROCEDURE, details={"agency": [str(NO_PROCEDURE)]})
            rulesets[day] = ruleset_in_force(day)
        # The same draw as choosing the procedure's code first (same list length and order).
        chosen.append((at, rng.choice(day_plans), rulesets[day]))
    distinct = list({plan.version_id: plan for _at, plan, _r in chosen}.values())
    if not distinct:
        raise ValidationFailed(NO_PROCEDURE, details={"agency": [str(NO_PROCEDURE)]})
    actors = _actors(agency, distinct)
    applicants = _applicants(min(APPLICANTS, max(len(chosen), 1)))
    jobs = plan_jobs(
        chosen,
        batch_size=batch_size,
        counters=read_counters(agency.pk).values,
        dossier_id=next_ids(Dossier),
        step_id=next_ids(DossierStep),
        rng=rng,
    )
    context = Context(
        agency_id=agency.pk,
        agency_code=agency.code,
        agency_short=agency.short_name or agency.code,
        actors=actors,
        calendar=calendar,
        until=until,
        chosen=chosen,
        applicants=applicants,
        summaries=SUMMARIES,
    )
    if workers is None:
        workers = default_workers()
    total = len(chosen)
    done = steps = events = 0
    first_code = last_code = ""
    images: AbstractContextManager[str] = packed.attached() if packed.usable() else nullcontext("")
    with _bulk_settings(), images as directory:
        context = replace(context, images=directory)
        for made in run(context, jobs, workers):
            if made.image is not None:
                packed.load(made.image)  # outside the batch's transaction
            _write(agency, made)
            first_code = first_code or made.codes[0]
            last_code = made.codes[-1]
            done += len(made.codes)
            steps += made.steps
            events += made.events
            if progress is not None:
                progress(done, total)
    refresh_statistics()  # the planner needs to know the tables grew
    return GenerateResult(done, steps, events, first_code, last_code, time.monotonic() - started)


def default_workers() -> int:
    """Processes that work out batches while this one writes: one per core, at most four
    (the single writer is the limit beyond that; ``ISOGOV_GENERATE_WORKERS`` overrides)."""
    configured = os.environ.get("ISOGOV_GENERATE_WORKERS", "")
    if configured.isdigit():
        return int(configured)
    return min(os.cpu_count() or 1, 4)


@contextmanager
def _bulk_settings() -> Iterator[None]:
    """SQLite, while the batches go in: a larger page cache (the indexes outgrow the default)
    and ``synchronous = OFF`` (no fsync at each commit: a crash of the machine, not of the
    process, could lose the last batches; demo data only). WAL stays as configured. Both are
    set back afterwards. Inside a caller's transaction (the tests) the safety level cannot
    change and stays."""
    if connection.vendor != "sqlite":
        yield
        return
    outside = not connection.in_atomic_block
    row = fetch_one("PRAGMA synchronous")
    synchronous = int(row[0]) if row else 1
    if outside:
        execute("PRAGMA synchronous = OFF")
    try:
        with sqlite_cache(BULK_CACHE_KIB):
            yield
    finally:
        if outside:
            execute(f"PRAGMA synchronous = {synchronous}")


@transaction.atomic
def _write(agency: Agency, made: Made) -> None:
    """One batch in one transaction: its rows, the agency's counters, its audit event."""
    counters = read_counters(agency.pk)
    job = made.job
    moved = any(counters.values.get(scope, 0) != value for scope, value in job.counters.items())
    if moved or next_ids(Dossier) != job.dossier_id or next_ids(DossierStep) != job.step_id:
        raise ValidationFailed(CHANGED, details={"agency": [str(CHANGED)]})
    if made.image is None:
        number_outgoing(made.batch, made.pending, counters)
    else:  # loaded from its image (``packed.load``)
        numbers = packed.numbered(made.pending, counters)
    for scope, value in made.counters.items():
        counters.values[scope] = value
        counters.touched.add(scope)
    if made.image is None:
        made.batch.write()
    else:
        packed.write(job.dossier_id, job.dossier_id + len(made.codes) - 1, numbers)
    write_counters(agency.pk, counters)
    _audit_batch(agency, made)


def _audit_batch(agency: Agency, made: Made) -> None:
    """The batch's one audit event, chained (and hashed) like every other by ``audit_record``."""
    audit_record(
        actor=None,
        action="dossier.generate",
        object_type=Dossier._meta.label_lower,
        object_id=f"{made.job.dossier_id}-{made.job.dossier_id + len(made.codes) - 1}",
        agency=agency,
        after={
            "generated_demo_data": True,
            "dossiers": len(made.codes),
            "steps": made.steps,
            "events": made.events,
            "first_code": made.codes[0],
            "last_code": made.codes[-1],
        },
        reason="Demo history generated by isogov demo generate (not real dossiers).",
    )

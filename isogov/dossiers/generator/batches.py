"""The generator's batches: worked out in worker processes, written by one.

Working out a batch (its stories with the services' pure rules, then its rows) needs no
database, so it runs in ``workers`` processes forked after the run is planned, while the
writing process writes the batch before. Everything a batch's rows depend on is fixed before
it is handed out, so the rows do not depend on how many workers there are:

- its dossier and step keys (the next free keys, plus the dossiers and the steps of their
  processes before it);
- its day and register counters (the receipts before it, counted per day and per year);
- its random seed (drawn in order from the run's generator).

Only the outgoing numbers of stop notices and apologies depend on what happened to the
dossiers before; the writer gives them under the batch's lock (``rows.number_outgoing``).
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from isogov.catalog.intake import IntakePlan
from isogov.workcal.engine import MemoisedCalendar

from ..rulesets import RuleSet
from . import packed
from .history import Simulator
from .rows import (
    Applicant,
    Batch,
    Counters,
    RowMaker,
    day_scope,
    receipt_day,
    register_scope,
)
from .stories import Actors

Chosen = tuple[dt.datetime, IntakePlan, RuleSet]


@dataclass(frozen=True)
class Job:
    """One batch: the dossiers ``chosen[start:end]`` and what their rows start from."""

    start: int
    end: int
    dossier_id: int
    step_id: int
    counters: dict[str, int]  # the day and register counters the batch uses, before it
    seed: int


@dataclass
class Made:
    job: Job
    batch: Batch
    codes: list[str]
    pending: list[tuple[str, int, str]]  # outgoing numbers to give (``rows.number_outgoing``)
    counters: dict[str, int]  # the day and register counters after the batch
    steps: int
    events: int
    # On SQLite outside a transaction: the file of the rows as a database image (``packed``),
    # the lists of ``batch`` then empty.
    image: str | None = None


@dataclass(frozen=True)
class Context:
    """What every batch reads; set before the workers are forked (they inherit it)."""

    agency_id: int
    agency_code: str
    agency_short: str
    actors: Actors
    calendar: MemoisedCalendar
    until: dt.datetime
    chosen: list[Chosen]
    applicants: list[Applicant]
    summaries: dict[str, str]
    images: str = ""  # the directory of the batches' SQLite images (``packed``), or none


_CONTEXT: Context | None = None
_SIMULATOR: Simulator | None = None


def plan_jobs(
    chosen: list[Chosen],
    *,
    batch_size: int,
    counters: dict[str, int],
    dossier_id: int,
    step_id: int,
    rng: random.Random,
) -> list[Job]:
    """Cut the run into batches, each with the keys and counters it starts from."""
    jobs = []
    running = dict(counters)
    scopes_at: dict[dt.datetime, tuple[str, str]] = {}  # a receipt time's two counters
    for start in range(0, len(chosen), batch_size):
        part = chosen[start : start + batch_size]
        # How many numbers of each counter the batch takes, in the order first taken.
        taken: dict[str, int] = {}
        steps = 0
        for at, plan, _ruleset in part:
            pair = scopes_at.get(at)
            if pair is None:
                day = receipt_day(at)
                pair = scopes_at[at] = (day_scope(day), register_scope(day))
            for scope in pair:
                taken[scope] = taken.get(scope, 0) + 1
            steps += len(plan.steps)
        before = {scope: running.get(scope, 0) for scope in taken}
        for scope, count in taken.items():
            running[scope] = running.get(scope, 0) + count
        jobs.append(
            Job(start, start + len(part), dossier_id, step_id, before, rng.randrange(2**32))
        )
        dossier_id += len(part)
        step_id += steps
    return jobs


def make(job: Job) -> Made:
    """Work out one batch's stories and rows (in a worker, or in the writing process).

    The cyclic garbage collector is off meanwhile: a batch's stories and rows hold no cycles
    (reference counting frees them), and each of its full collections walked every object of
    the batch and of the plan the worker inherited (docs/benchmarks.md: 3–14 % of the
    workers' CPU on a quiet machine, a quarter beside another load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _make(job)
    finally:
        if enabled:
            gc.enable()


def _make(job: Job) -> Made:
    context = _CONTEXT
    assert context is not None, "batches.run sets the context"
    global _SIMULATOR
    rng = random.Random(job.seed)
    simulator = _SIMULATOR
    if simulator is None:  # one per process: what the rules answered serves every batch
        simulator = _SIMULATOR = Simulator(
            calendar=context.calendar, until=context.until, actors=context.actors, seed=0
        )
    simulator.reseed(rng.randrange(2**32))
    counters = Counters(dict(job.counters), set())
    maker = RowMaker(
        agency_id=context.agency_id,
        agency_code=context.agency_code,
        agency_short=context.agency_short,
        desk_id=context.actors.desk,
        approve_id=context.actors.approve,
        counters=counters,
        dossier_id=job.dossier_id,
        step_id=job.step_id,
        summaries=context.summaries,
    )
    applicants = context.applicants
    pick = rng.randrange
    for at, plan, ruleset in context.chosen[job.start : job.end]:
        story = simulator.story(received_at=at, plan=plan, ruleset=ruleset)
        maker.add(story, applicants[pick(len(applicants))])
    after = {scope: counters.values[scope] for scope in counters.touched}
    batch = maker.batch
    made = Made(job, batch, maker.codes, maker.pending, after, len(batch.steps), len(batch.events))
    if context.images:
        made.image = os.path.join(context.images, f"batch-{job.start}.sqlite3")
        packed.pack(batch, made.image)
        made.batch = Batch.empty()
    return made


def run(context: Context, jobs: list[Job], workers: int) -> Iterator[Made]:
    """The batches in order; with ``workers`` > 0 worked out that many at a time in forked
    processes, at most two ahead of the writer per worker (the memory stays bounded).

    Before the workers fork, the objects alive (the plan of the run, Django's) are frozen out
    of the garbage collector's reach until the run ends (``gc.freeze``): no collection in the
    writer or in a worker walks them again, nor writes to their pages that the workers share
    with the writer."""
    global _CONTEXT, _SIMULATOR
    _CONTEXT = context
    _SIMULATOR = None
    frozen = False
    try:
        if workers <= 0 or len(jobs) <= 1:
            for job in jobs:
                yield make(job)
            return
        gc.collect()
        gc.freeze()
        frozen = True
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            waiting = deque(pool.apply_async(make, (job,)) for job in jobs[: 2 * workers])
            following = iter(jobs[2 * workers :])
            while waiting:
                made = waiting.popleft().get()
                upcoming = next(following, None)
                if upcoming is not None:
                    waiting.append(pool.apply_async(make, (upcoming,)))
                yield made
    finally:
        if frozen:
            gc.unfreeze()
        _CONTEXT = _SIMULATOR = None

"""What happened to each generated dossier, worked out with the services' own pure rules.

No ORM here: the receipt's deadlines come from ``deadlines.compute_deadline`` (as
``refresh_deadline`` calls it), the first step's due time from ``first_step_due_at`` (intake),
each later step's from ``deadlines.step_due_at`` and its outcome from ``deadlines.step_outcome``
(``services/steps.py``), the dossier's outcome from ``deadlines.dossier_outcome`` (return of the
result), and every timeline line from the message helpers the services use. ``stories.py`` holds
what it works out (``Story``); ``rows.py`` turns a ``Story`` into table rows.

Times lie on a five-minute grid of working time, so the memoised calendar answers most questions
from memory (``workcal.engine.MemoisedCalendar``). A worker process keeps one ``Simulator`` for all
its batches (``reseed`` starts each batch's draws), so the deadlines of a receipt slot, process and
rule set, the first step's due time and the receipt's timeline line are worked out once per
process and reused by every dossier received in that slot (at a million dossiers, some forty).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from decimal import Decimal
from itertools import accumulate

from isogov.catalog.intake import IntakePlan, PlannedStep
from isogov.core.clock import to_local
from isogov.workcal.engine import HOUR_US, MemoisedCalendar
from isogov.workcal.engine import Unit as TimeUnit

from .. import deadlines
from ..rulesets import RuleSet
from ..services.clock import apology_message, first_step_due_at, supplement_received_message
from ..services.intake import receipt_message
from ..services.steps import handover_message
from ..transitions import Status
from .stories import (
    APOLOGY_REASON,
    FATES,
    SUPPLEMENT_ITEMS,
    SUPPLEMENT_REASON,
    WITHDRAWAL_REASON,
    Act,
    Actors,
    Fate,
    StepState,
    Story,
)

SLOT_US = 5 * 60 * 1_000_000  # the grid of generated times: five minutes of working time


class Simulator:
    """Works out stories on one agency's calendar, cut at ``until`` (what has not happened yet
    is left out: the dossier is still open)."""

    def __init__(
        self, *, calendar: MemoisedCalendar, until: dt.datetime, actors: Actors, seed: int
    ) -> None:
        self.calendar = calendar
        self.until = until
        self.actors = actors
        self.rng = random.Random(seed)
        self._allowance_us: dict[tuple[Decimal, str], int] = {}
        self._messages: dict[tuple[object, ...], str] = {}
        self._fates = [fate for fate, _share in FATES]
        # ``choices`` with these cumulative weights draws as with the shares (it sums them so).
        self._cum_weights = list(accumulate(share for _fate, share in FATES))
        self._total = self._cum_weights[-1] + 0.0
        self._last_fate = len(self._fates) - 1
        # The answers of the pure rules, each worked out once per process (times lie on the
        # grid, so the same questions come back: same receipt slot, same process, same rules).
        self._deadlines: dict[tuple[object, ...], tuple[object, ...]] = {}
        self._first_due: dict[tuple[object, ...], dt.datetime] = {}
        self._days: dict[dt.datetime, dt.date] = {}
        self._by_day: dict[int, bool] = {}  # by planned step (they live as long as the run)
        self._step_due: dict[tuple[dt.datetime, int], dt.datetime | None] = {}
        self._receipts: dict[tuple[object, ...], tuple[str, dict[str, object]]] = {}

    def reseed(self, seed: int) -> None:
        """Start the next batch's draws (as a new simulator with ``seed`` would), keeping what
        the rules answered."""
        self.rng.seed(seed)

    # --- helpers --------------------------------------------------------------------------
    def _receipt_message(self, story: Story) -> str:
        key = ("receipt", story.promised_due_at, story.service_due_at)
        message = self._messages.get(key)
        if message is None:
            message = receipt_message(story.promised_due_at, story.service_due_at)
            self._messages[key] = message
        return message

    def _handover_message(self, from_step: str, to_step: str) -> str:
        key = ("handover", from_step, to_step)
        message = self._messages.get(key)
        if message is None:
            message = self._messages[key] = handover_message(from_step, to_step)
        return message

    def _us(self, step: PlannedStep) -> int:
        key = (step.allowance_value, step.allowance_unit)
        amount = self._allowance_us.get(key)
        if amount is None:
            unit = TimeUnit(step.allowance_unit)
            if unit in (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS):
                amount = self.calendar.amount_to_us(step.allowance_value, unit)
            else:
                amount = self.calendar.standard_day_us
            self._allowance_us[key] = amount
        return amount

    def _after(self, start: dt.datetime, amount_us: int) -> dt.datetime:
        """``start`` plus working time, on the grid (at least one slot)."""
        slots = max(amount_us // SLOT_US, 1)
        return self.calendar.add_working_us(start, slots * SLOT_US)

    def _fraction(self, low: float, high: float) -> float:
        return low + (high - low) * self.rng.random()

    def _deadline(self, story: Story, extended: dt.datetime | None = None) -> None:
        """``refresh_deadline``: the due times from the stored facts."""
        plan = story.plan
        key = (story.received_at, id(plan), story.ruleset.on_supplement, story.stop, extended)
        known = self._deadlines.get(key)
        if known is not None:
            (
                story.start_counted_at,
                story.due_at,
                story.promised_due_at,
                story.service_due_at,
                story.waiting_seconds,
            ) = known  # type: ignore[assignment]
            return
        stops = []
        if story.stop is not None:
            stops = [deadlines.ClockStop(story.stop[0], story.stop[1], SUPPLEMENT_REASON)]
        result = deadlines.compute_deadline(
            calendar=self.calendar,
            received_at=story.received_at,
            amount=plan.time_value,
            unit=plan.time_unit,
            stops=stops,
            on_supplement=story.ruleset.on_supplement,
            extended_due_at=extended,
            service_amount=plan.promise_value,
            service_unit=plan.promise_unit or TimeUnit.WORKING_DAYS,
        )
        story.start_counted_at = result.start_counted_at
        story.due_at = result.legal_due_at
        story.promised_due_at = result.promised_due_at
        story.service_due_at = result.service_due_at
        story.waiting_seconds = result.waiting_us // 1_000_000
        self._deadlines[key] = (
            story.start_counted_at,
            story.due_at,
            story.promised_due_at,
            story.service_due_at,
            story.waiting_seconds,
        )

    def _act(self, story: Story, act: Act, *, save: bool = True) -> None:
        if act.to_status:
            story.status = act.to_status
        story.acts.append(act)
        if save:
            story.version += 1
        story.updated_at = act.at

    def _start(self, story: Story, index: int, at: dt.datetime) -> None:
        """``_start_step``."""
        state = story.steps[index]
        step = state.planned
        state.received_at = at
        if step.is_counted:  # remembered per start and planned step (the same ones come back)
            key = (at, id(step))
            due = self._step_due.get(key)
            if due is None:
                due = self._step_due[key] = deadlines.step_due_at(
                    calendar=self.calendar,
                    started_at=at,
                    amount=step.allowance_value,
                    unit=step.allowance_unit,
                    is_counted=True,
                    promised_due_at=None,
                )
            state.due_at = due
        else:  # ``step_due_at``: due at the dossier's appointment
            state.due_at = story.promised_due_at
        state.updated_at = at
        story.current = index
        if step.unit_id:
            story.handling_unit_id = step.unit_id

    def _finish(self, story: Story, index: int, at: dt.datetime, actor: int) -> None:
        """``_finish_step``."""
        state = story.steps[index]
        step = state.planned
        state.finished_at = at
        state.finished_by = actor
        state.updated_at = at
        if state.due_at is not None:
            # ``deadlines.step_outcome``, with its "by day" worked out once per planned step.
            by_day = self._by_day.get(id(step))
            if by_day is None:
                by_day = self._by_day[id(step)] = not step.is_counted or not (
                    deadlines.is_shorter_than_a_day(
                        self.calendar, step.allowance_value, step.allowance_unit
                    )
                )
            due = state.due_at
            if by_day and at <= due:
                # ``deadlines.classify`` by day, not late: early when finished on a day before
                # the due day. The local days are remembered (the same times come back).
                early = self._local_day(at) < self._local_day(due)
                state.outcome = deadlines.Outcome.EARLY if early else deadlines.Outcome.ON_TIME
                state.late_by_seconds = 0
                return
            classified = deadlines.classify(
                calendar=self.calendar, finished_at=at, due_at=due, by_day=by_day
            )
            state.outcome = classified.outcome
            state.late_by_seconds = classified.late_by_us // 1_000_000

    def _local_day(self, at: dt.datetime) -> dt.date:
        """The day of ``at`` in Vietnam (``clock.to_local(at).date()``), once per instant."""
        day = self._days.get(at)
        if day is None:
            day = self._days[at] = to_local(at).date()
        return day

    # --- the story ------------------------------------------------------------------------
    def story(self, *, received_at: dt.datetime, plan: IntakePlan, ruleset: RuleSet) -> Story:
        # ``rng.choices(fates, cum_weights=…)[0]`` without its checks and its list: the same
        # draw and the same arithmetic (``random.choices``).
        fate = self._fates[
            bisect_right(self._cum_weights, self.rng.random() * self._total, 0, self._last_fate)
        ]
        story = Story(received_at=received_at, plan=plan, ruleset=ruleset, fate=fate)
        story.steps = [StepState(step) for step in plan.steps]
        self._deadline(story)
        # Intake (``_mark_received`` and ``_plan_steps``).
        first = story.steps[0]
        first.received_at = received_at
        first_key = (received_at, id(first.planned), id(ruleset))
        due = self._first_due.get(first_key)
        if due is None:
            due = self._first_due[first_key] = first_step_due_at(
                self.calendar,
                ruleset,
                received_at,
                amount=first.planned.allowance_value,
                unit=first.planned.allowance_unit,
            )
        first.due_at = due
        first.updated_at = received_at
        if first.planned.unit_id:
            story.handling_unit_id = first.planned.unit_id
        receipt_key = (story.promised_due_at, story.service_due_at, story.due_at)
        receipt = self._receipts.get(receipt_key)
        if receipt is None:  # the data is shared, never changed (``rows`` reads it)
            receipt = self._receipts[receipt_key] = (
                self._receipt_message(story),
                {
                    "due_at": story.due_at.isoformat() if story.due_at else None,
                    "service_due_at": (
                        story.service_due_at.isoformat() if story.service_due_at else None
                    ),
                    "backdated": False,
                },
            )
        story.acts.append(
            Act(
                received_at,
                self.actors.desk,
                "receive",
                to_status=Status.RECEIVED,
                message=receipt[0],
                data=receipt[1],
            )
        )
        story.updated_at = received_at
        self._handle(story)
        return story

    def _counted_run(self, story: Story) -> int:
        """The index of the step whose completion finishes the dossier."""
        steps = story.plan.steps
        for index in range(len(steps) - 1):
            if not steps[index + 1].is_counted:
                return index
        return len(steps) - 1

    def _durations(self, story: Story, last: int) -> list[int]:
        rng_fraction = self._fraction
        random = self.rng.random
        steps = story.plan.steps
        # The desk hands over within the hour (the transfer rule, art. 18.2); ``_fraction``'s
        # arithmetic, inlined.
        durations = [int(HOUR_US * (0.1 + (1.0 - 0.1) * random()))]
        for index in range(1, last + 1):
            durations.append(int(self._us(steps[index]) * (0.2 + (0.85 - 0.2) * random())))
        if story.fate in (Fate.LATE, Fate.APOLOGY) and last >= 1:
            # The last counted step overruns: finished up to two working days after the whole
            # process's time would have run out.
            total = sum(self._us(step) for step in story.plan.steps[: last + 1])
            used = sum(durations[:last])
            extra = int(self.calendar.standard_day_us * rng_fraction(0.05, 2.0))
            durations[last] = max(total - used + extra, durations[last])
        return durations

    def _handle(self, story: Story) -> None:
        until = self.until
        last = self._counted_run(story)
        durations = self._durations(story, last)
        supplement_at = 1 if story.fate == Fate.SUPPLEMENT and last >= 2 else None
        apology_at = 1 if story.fate == Fate.APOLOGY and last >= 2 else None
        withdraw_at = (
            self.rng.randint(1, last) if story.fate == Fate.WITHDRAWN and last >= 1 else None
        )
        index = 0
        at = story.received_at
        while index <= last:
            state = story.steps[index]
            assert state.received_at is not None
            start = state.received_at
            if index == supplement_at and not self._supplement(story, start):
                return
            if index == apology_at and not self._apology(story, start):
                return
            if index == withdraw_at:
                self._withdraw(story, start)
                return
            start = story.steps[index].received_at or start
            at = self._after(start, durations[index])
            if at > until:
                return
            self._complete(story, index, at, last)
            index += 1
        self._result(story, at)

    def _complete(self, story: Story, index: int, at: dt.datetime, last: int) -> None:
        """``_complete_current``: finish the step, then hand over or finish the dossier."""
        state = story.steps[index]
        planned = state.planned
        actors = self.actors
        actor = actors.by_step.get((story.plan.version_id, planned.order), actors.desk)
        self._finish(story, index, at, actor)
        if story.status == Status.RECEIVED:
            self._act(
                story,
                Act(
                    at,
                    actor,
                    "transfer",
                    Status.RECEIVED,
                    Status.IN_PROCESS,
                    state.planned.name,
                ),
                save=False,
            )
        if index == last:
            self._act(
                story, Act(at, actor, "finish", story.status, Status.FINISHED, state.planned.name)
            )
            story.finished_at = at
            if index + 1 < len(story.steps):
                self._start(story, index + 1, at)
            return
        self._start(story, index + 1, at)
        following = story.steps[index + 1].planned
        self._act(
            story,
            Act(
                at,
                actor,
                "handover",
                message=self._handover_message(state.planned.name, following.name),
                data={"step": index, "outcome": state.outcome},
            ),
        )

    def _supplement(self, story: Story, start: dt.datetime) -> bool:
        """Form 02 during appraisal (within 3 working days of receipt), the full dossier some
        working days later: the clock restarts (or resumes, by the rule set)."""
        requested = self._after(start, int(HOUR_US * self._fraction(0.5, 4)))
        ruleset = story.ruleset
        if requested > self.until:
            return False
        if not deadlines.within_working_days_of(
            calendar=self.calendar,
            event_at=story.received_at,
            at=requested,
            days=ruleset.supplement_within_working_days,
            day_count=ruleset.day_count,
        ):
            return True  # too late for a supplement: handled as an ordinary dossier
        actor = self.actors.step(story.plan, story.steps[story.current].planned)
        story.stop = (requested, None)
        self._deadline(story)
        self._act(
            story,
            Act(
                requested,
                actor,
                "request_supplement",
                story.status,
                Status.SUPPLEMENT_REQUESTED,
                SUPPLEMENT_REASON,
                {"items": SUPPLEMENT_ITEMS},
            ),
        )
        back = self._after(requested, int(self.calendar.standard_day_us * self._fraction(0.5, 8)))
        if back > self.until:
            return False
        story.stop = (requested, back)
        self._deadline(story)
        self._act(
            story,
            Act(
                back,
                actor,
                "supplement_received",
                Status.SUPPLEMENT_REQUESTED,
                Status.IN_PROCESS,
                supplement_received_message(
                    story.ruleset, story.promised_due_at, story.waiting_seconds
                ),
                {
                    "due_at": story.due_at.isoformat() if story.due_at else None,
                    "appointment": (
                        story.promised_due_at.isoformat() if story.promised_due_at else None
                    ),
                    "received_items": [],
                },
            ),
        )
        self._start(story, story.current, back)
        return True

    def _apology(self, story: Story, start: dt.datetime) -> bool:
        """Form 04 at least one working day before the appointment: 16 working hours more."""
        at = self._after(start, SLOT_US)
        if at > self.until:
            return False
        current = story.promised_due_at
        ruleset = story.ruleset
        if current is None or not deadlines.at_least_working_days_before(
            calendar=self.calendar,
            at=at,
            due_at=current,
            days=ruleset.apology_min_working_days_before,
            day_count=ruleset.day_count,
        ):
            return True
        new_due = self.calendar.add_working_us(current, 16 * HOUR_US)
        story.extension = (at, current, new_due)
        self._deadline(story, extended=new_due)
        self._act(
            story,
            Act(
                at,
                self.actors.approve,
                "apologise",
                message=apology_message(new_due, APOLOGY_REASON),
            ),
        )
        return True

    def _withdraw(self, story: Story, start: dt.datetime) -> None:
        asked = self._after(start, int(HOUR_US * self._fraction(0.5, 6)))
        if asked > self.until:
            return
        desk = self.actors.desk
        self._act(
            story,
            Act(
                asked,
                desk,
                "request_withdrawal",
                story.status,
                Status.WITHDRAWAL_REQUESTED,
                WITHDRAWAL_REASON,
            ),
        )
        stopped = self._after(asked, int(HOUR_US * self._fraction(1, 8)))
        if stopped > self.until:
            return
        self._act(
            story,
            Act(stopped, desk, "stop", Status.WITHDRAWAL_REQUESTED, Status.STOPPED, ""),
        )
        story.stopped_at = stopped

    def _result(self, story: Story, finished: dt.datetime) -> None:
        """The result recorded and approved at the desk, then handed over (``results.py``)."""
        recorded = self._after(finished, 3 * SLOT_US)
        if recorded > self.until:
            return
        self._act(story, Act(recorded, self.actors.record, "record_result"))
        story.result_recorded = True
        approved = self._after(recorded, 3 * SLOT_US)
        if approved > self.until:
            return
        self._act(story, Act(approved, self.actors.approve, "approve_result"))
        story.result_approved_at = approved
        returned = self._after(
            approved, int(self.calendar.standard_day_us * self._fraction(0.05, 1.5))
        )
        if returned > self.until:
            return
        desk = self.actors.desk
        self._act(
            story,
            Act(
                returned,
                desk,
                "return_result",
                Status.FINISHED,
                Status.RETURNED,
                "\0collector",  # rows.py: the applicant's name
                {"method": "at_desk", "collector": "\0collector", "tracking_number": ""},
            ),
        )
        state = story.steps[story.current]
        if state.finished_at is None:
            self._finish(story, story.current, returned, desk)
        story.returned_at = returned
        assert story.due_at is not None and story.finished_at is not None
        classified = deadlines.dossier_outcome(
            calendar=self.calendar,
            finished_at=story.finished_at,
            legal_due_at=story.due_at,
            promised_due_at=story.promised_due_at,
            appointment_moved=story.extension is not None,
            late_after_apology=story.ruleset.late_after_apology,
            amount=story.plan.time_value,
            unit=story.plan.time_unit,
        )
        story.outcome = classified.outcome
        story.late_by_seconds = classified.late_by_us // 1_000_000

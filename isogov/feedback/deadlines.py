"""The handling deadlines of a feedback item and whether it kept them. Pure: no ORM.

Decision 766/QĐ-TTg indicator 5.2 (indicators.md A): refuse ≤ 2, request more information ≤ 5,
answer ≤ 15, publish ≤ 2 working days. Each period is counted as the Civil Code counts periods in
days (arts. 147–148, vn-one-stop-rules.md §4): from the day after the event, to the close of
office hours of its last working day (``WorkingCalendar.period_end``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from isogov.core import clock
from isogov.dossiers.deadlines import Outcome, classify
from isogov.workcal.engine import WorkingCalendar

# The settings' keys (``FeedbackSetting.key``) and their defaults, seeded by migration 0002.
KEYS = ("refuse", "request_info", "answer", "publish")
SOURCE_5_2 = "QĐ 766/QĐ-TTg, Phụ lục, chỉ số 5.2; indicators.md A"
DEFAULT_DAYS = {"refuse": 2, "request_info": 5, "answer": 15, "publish": 2}
DEFAULTS_FROM = dt.date(2022, 8, 1)  # Decision 766/QĐ-TTg live nationally since 1/8/2022 [S]


@dataclass(frozen=True)
class DeadlineDays:
    refuse: int
    request_info: int
    answer: int
    publish: int


@dataclass(frozen=True)
class DueTimes:
    refuse: dt.datetime
    request_info: dt.datetime
    answer: dt.datetime
    publish: dt.datetime | None


def due_times(
    calendar: WorkingCalendar,
    *,
    days: DeadlineDays,
    received_at: dt.datetime,
    info_supplied_at: dt.datetime | None = None,
    answered_at: dt.datetime | None = None,
) -> DueTimes:
    """The due times of an item's steps.

    [A] When more information was asked for, the answer's 15 days count from the day the
    submitter sent it: the petition is complete only then (as a supplemented dossier's clock
    restarts); the refusal and request deadlines stay counted from receipt.
    """

    def end(event: dt.datetime, count: int) -> dt.datetime:
        return calendar.period_end(event, count, working_days=True)

    return DueTimes(
        refuse=end(received_at, days.refuse),
        request_info=end(received_at, days.request_info),
        answer=end(info_supplied_at or received_at, days.answer),
        publish=end(answered_at, days.publish) if answered_at is not None else None,
    )


@dataclass(frozen=True)
class Facts:
    """What happened to an item, and when, for the on-time test of indicator 5.2."""

    refused_at: dt.datetime | None
    refuse_due_at: dt.datetime
    info_requested_at: dt.datetime | None
    info_due_at: dt.datetime
    answered_at: dt.datetime | None
    answer_due_at: dt.datetime
    consent_publish: bool
    published_at: dt.datetime | None
    publish_due_at: dt.datetime | None
    waiting_for_submitter: bool  # more information asked for and not sent yet


def is_on_time(facts: Facts, *, cutoff: dt.datetime) -> bool:
    """Whether every step done kept its deadline and every step still due is within it at
    ``cutoff`` (an unfinished item is judged as 2.1 judges an unfinished dossier)."""
    done = (
        (facts.refused_at, facts.refuse_due_at),
        (facts.info_requested_at, facts.info_due_at),
        (facts.answered_at, facts.answer_due_at),
        (facts.published_at, facts.publish_due_at),
    )
    for at, due in done:
        if at is not None and due is not None and at > due:
            return False
    if facts.refused_at is not None:
        return True
    if facts.answered_at is None:
        # [A] While the submitter owes information the answer's clock waits for them.
        return facts.waiting_for_submitter or cutoff <= facts.answer_due_at
    if facts.consent_publish and facts.published_at is None and facts.publish_due_at is not None:
        return cutoff <= facts.publish_due_at
    return True


def state(
    calendar: WorkingCalendar,
    *,
    due_at: dt.datetime | None,
    done_at: dt.datetime | None,
    now: dt.datetime,
) -> str:
    """Trước hạn / Đúng hạn / Quá hạn of a step: its outcome when done, else what it would be
    if done now ("" without a due time)."""
    if due_at is None:
        return ""
    if done_at is not None:
        return classify(calendar=calendar, finished_at=done_at, due_at=due_at).outcome
    if now > due_at:
        return Outcome.LATE
    early = clock.to_local(now).date() < clock.to_local(due_at).date()
    return Outcome.EARLY if early else Outcome.ON_TIME

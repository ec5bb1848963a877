"""The officer's queue ("Việc của tôi"): the work that is theirs, by tab, and their unit's.

Whose work a dossier is comes from the step rule of ``permissions`` (``step_filter``: the
step's assignee, else its unit and role), the same rule that lets the user act on the dossier
page; the desk's own work is the statuses below. Every read here costs a constant number of
queries whatever the number of dossiers (``tests/test_selectors.py``, ``bench/dossier_queue.py``).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    F,
    Func,
    Q,
    QuerySet,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, User
from isogov.accounts.roles import Role
from isogov.core import clock
from isogov.workcal.engine import WorkingCalendar
from isogov.workcal.selectors import calendar_for

from .deadlines import Outcome
from .models import OUTCOME_CHOICES, Dossier, DossierStep, StepKind
from .permissions import Held, held_roles_by_agency, step_filter, step_matches
from .transitions import CLOCK_STOPPED, OPEN_STATUSES, Status

S = Status
# The current step's holder has work, or waits with it for the applicant.
STEP_WORK = frozenset(
    {S.RECEIVED, S.IN_PROCESS, S.FINISHED, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}
)
# The one-stop desk's own work (Decree 61/2018 arts. 18, 20): online submissions to receive or
# return, visits to complete, papers and fees the applicant brings, withdrawals, results to return.
DESK_WORK = frozenset(
    {
        S.SUBMITTED_ONLINE,
        S.INCOMPLETE_AT_INTAKE,
        S.SUPPLEMENT_REQUESTED,
        S.PAYMENT_REQUESTED,
        S.WITHDRAWAL_REQUESTED,
        S.FINISHED,
        S.REFUSED,
    }
)
# Waiting for the applicant: the papers of a supplement request (form 02), or the fees.
WAITING_FOR_PAPERS = frozenset({S.INCOMPLETE_AT_INTAKE, S.SUPPLEMENT_REQUESTED})
WAITING_FOR_FEES = frozenset({S.PAYMENT_REQUESTED})
# The result is ready (or refused): it is due to the applicant at the appointment.
TO_RETURN = frozenset({S.FINISHED, S.REFUSED})
# An opinion is answered while the dossier is open (the action table's ``answer_opinion``).
OPINION_OPEN = frozenset({S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED})


def is_open() -> RawSQL:
    """``status IN OPEN_STATUSES`` written with the statuses as literals, exactly as the partial
    index of open dossiers states it: SQLite uses a partial index only when the query repeats its
    condition, and does not match an ``IN`` of bound parameters to one of literals (the index
    unused, it read every dossier of the agency). The statuses are fixed identifiers; the column
    is the query's own dossier table (these querysets are never subqueries)."""
    assert all(status.isidentifier() for status in OPEN_STATUSES)
    listed = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    sql = f'"dossiers_dossier"."status" IN ({listed})'
    return RawSQL(sql, [], output_field=BooleanField())  # noqa: S611 (no user input)


# Who sees the unit tab, and how far it reaches.
UNIT_TAB_ROLES = frozenset({Role.AGENCY_LEADER, Role.UNIT_HEAD})
DEFAULT_LIMIT = 200
# The web page shows the queue 50 rows at a time, soonest due first, with links to the other
# pages (``docs/dossiers.md``, "My work"): 200 rows were more than anyone reads before acting on
# the first, and the rest of a desk's thousands could not be reached at all.
QUEUE_PAGE_ROWS = 50


class Tab(StrEnum):
    ALL = "all"
    OVERDUE = "overdue"
    TODAY = "today"
    SOON = "soon"
    SUPPLEMENT = "supplement"
    PAYMENT = "payment"
    UNIT = "unit"


TAB_LABELS: dict[Tab, str | Promise] = {
    Tab.ALL: _("All"),
    Tab.OVERDUE: _("Overdue"),
    Tab.TODAY: _("Due today"),
    Tab.SOON: _("Due soon (within 1 working day)"),
    Tab.SUPPLEMENT: _("Waiting for a supplement"),
    Tab.PAYMENT: _("Waiting for fees"),
    Tab.UNIT: _("My unit's"),
}
PERSONAL_TABS = (Tab.ALL, Tab.OVERDUE, Tab.TODAY, Tab.SOON, Tab.SUPPLEMENT, Tab.PAYMENT)
OUTCOME_LABELS = dict(OUTCOME_CHOICES)
PAUSED = _("Paused")
APPLICANT = _("the applicant")
ONE_STOP_DESK = _("the one-stop desk")
HOLDER_ROLE = _("%(unit)s · %(role)s")


@dataclass(frozen=True)
class Bounds:
    """The instants that split the time tabs, on one agency's working calendar."""

    now: dt.datetime
    tomorrow: dt.datetime  # the start of the next calendar day, local time
    soon: dt.datetime  # one working day from now

    @classmethod
    def of(cls, calendar: WorkingCalendar, now: dt.datetime) -> Bounds:
        local = clock.to_local(now)
        tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), local.tzinfo)
        return cls(now, tomorrow, calendar.add(now, 1, "working_days").due_at)


@dataclass(frozen=True)
class QueueRow:
    """One piece of work: a dossier, and the step of it (or the opinion asked) that waits."""

    dossier: Dossier
    step: DossierStep | None
    due_at: dt.datetime | None  # when this work is due (None: waiting for the applicant)
    urgency: str  # "overdue", "today", "soon", ""
    step_state: str  # the outcome if finished now: "early", "on_time", "late"; "" when paused
    appointment_state: str
    is_opinion: bool = False

    @property
    def step_due_at(self) -> dt.datetime | None:
        return self.step.due_at if self.step is not None else None

    @property
    def appointment(self) -> dt.datetime | None:
        return self.dossier.promised_due_at

    @property
    def step_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.step_state, PAUSED))

    @property
    def appointment_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.appointment_state, PAUSED))

    @property
    def holder(self) -> str:
        """Who holds the work now: the officer, else the step's unit and role; the applicant."""
        status = self.dossier.status
        if status in WAITING_FOR_PAPERS or status in WAITING_FOR_FEES:
            return str(APPLICANT)
        step = self.step
        if step is None or step.finished_at is not None:
            return str(ONE_STOP_DESK) if status in DESK_WORK else "—"
        if step.assignee is not None:
            return step.assignee.display_name
        unit = step.unit.name if step.unit is not None else (step.unit_label or "—")
        if not step.role:
            return unit
        return str(HOLDER_ROLE % {"unit": unit, "role": Role(step.role).label})


@dataclass(frozen=True)
class Queue:
    """A page of the queue: the tabs with their counts, the chosen tab and its rows."""

    tabs: list[tuple[Tab, str, int]]
    tab: Tab
    rows: list[QueueRow]
    page: int = 1
    pages: int = 1  # how many pages of ``limit`` rows the tab has

    @property
    def tab_counts(self) -> list[dict[str, object]]:
        return [{"key": key.value, "label": label, "count": n} for key, label, n in self.tabs]


# --- the work that is the user's -------------------------------------------------------------
def _work_filter(by_agency: dict[int, Held]) -> Q:
    """Open dossiers whose current step is the user's, or the desk's work for a desk officer."""
    mine = Q(pk__in=[])
    for agency_id, held in by_agency.items():
        theirs = Q(status__in=STEP_WORK, current_step__finished_at__isnull=True) & step_filter(
            held, prefix="current_step__"
        )
        if held.is_desk:
            theirs |= Q(status__in=DESK_WORK)
        mine |= Q(agency_id=agency_id) & theirs
    return mine


def _dossier_due() -> Case:
    """When the dossier's work is due: the step's due time while the clock runs, the decision
    deadline of an online submission, the appointment for a result to return."""
    return Case(
        When(status=S.SUBMITTED_ONLINE, then=F("intake_due_at")),
        When(status__in=WAITING_FOR_PAPERS, then=None),
        When(status__in=TO_RETURN, then=Coalesce("current_step__due_at", "promised_due_at")),
        When(status__in=STEP_WORK, then=F("current_step__due_at")),
        default=None,
        output_field=DateTimeField(),
    )


# The tabs a piece of work is listed in (``_tabs_of``); the time tabs are ``_urgency``'s values.
ALL_ONLY = frozenset({Tab.ALL})
BY_URGENCY = {
    urgency: frozenset({Tab.ALL, Tab(urgency)}) for urgency in ("overdue", "today", "soon")
}
WAITING_TABS: dict[str, frozenset[Tab]] = {
    **dict.fromkeys(WAITING_FOR_PAPERS, frozenset({Tab.ALL, Tab.SUPPLEMENT})),
    **dict.fromkeys(WAITING_FOR_FEES, frozenset({Tab.ALL, Tab.PAYMENT})),
}


def _tabs_of(
    status: str, due: dt.datetime | None, bound: Bounds, *, waits: bool = True
) -> frozenset[Tab]:
    """The personal tabs a piece of work is listed in: all; waiting for a supplement or for
    fees while its dossier waits for the applicant (``waits``: a dossier's own work does, an
    opinion asked of a unit does not), and then in no time tab; else overdue, due today or due
    soon by its due time (``_urgency``)."""
    if waits and status in WAITING_TABS:
        return WAITING_TABS[status]
    return BY_URGENCY.get(_urgency(bound, due), ALL_ONLY)


def _dossiers(by_agency: dict[int, Held]) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(is_open())
        .filter(_work_filter(by_agency))
        .annotate(work_due_at=_dossier_due())
    )


def _bounds(agency_ids: list[int], now: dt.datetime) -> dict[int, Bounds]:
    """The tab boundaries of each agency, on its working calendar."""
    return {
        agency.pk: Bounds.of(calendar_for(agency=agency), now)
        for agency in Agency.objects.filter(pk__in=agency_ids)
    }


def _state(now: dt.datetime, due: dt.datetime | None) -> str:
    """The outcome the work would have if it were finished now, as ``deadlines.classify`` judges
    it by day (without the working time it is late by, which the queue does not show)."""
    if due is None:
        return ""
    if now > due:
        return Outcome.LATE
    early = clock.to_local(now).date() < clock.to_local(due).date()
    return Outcome.EARLY if early else Outcome.ON_TIME


def _urgency(bound: Bounds, due: dt.datetime | None) -> str:
    if due is None:
        return ""
    if due < bound.now:
        return "overdue"
    if due < bound.tomorrow:
        return "today"
    return "soon" if due <= bound.soon else ""


def _row(
    dossier: Dossier,
    step: DossierStep | None,
    due: dt.datetime | None,
    *,
    bounds: dict[int, Bounds],
    is_opinion: bool = False,
) -> QueueRow:
    bound = bounds[dossier.agency_id]
    paused = dossier.status in CLOCK_STOPPED and not is_opinion
    step_due = step.due_at if step is not None and step.finished_at is None else None
    return QueueRow(
        dossier,
        step,
        due,
        _urgency(bound, due),
        "" if paused else _state(bound.now, step_due),
        "" if paused else _state(bound.now, dossier.promised_due_at),
        is_opinion,
    )


DOSSIER_RELATED = ("agency", "current_step__unit", "current_step__assignee", "handling_unit")
BY_DUE = (F("work_due_at").asc(nulls_last=True), "id")


def _opinion_rows(
    by_agency: dict[int, Held],
    bounds: dict[int, Bounds],
) -> list[QueueRow]:
    """The open opinions asked of the user's units (the step rule again: the consulted unit).

    Read through the partial index of open opinions and kept by their dossier's agency and
    status in memory: they are few, and a join would make the database read every dossier.
    """
    mine = Q(pk__in=[])
    for held in by_agency.values():
        mine |= step_filter(held)
    steps = DossierStep.objects.filter(
        mine, kind=StepKind.OPINION, finished_at__isnull=True
    ).select_related("dossier__agency", "unit", "assignee")
    rows = []
    for step in steps:
        agency_held = by_agency.get(step.dossier.agency_id)
        if agency_held is None or step.dossier.status not in OPINION_OPEN:
            continue
        if step_matches(step, agency_held):
            rows.append(
                _row(
                    step.dossier,
                    step,
                    step.due_at,
                    bounds=bounds,
                    is_opinion=True,
                )
            )
    return rows


# One piece of the user's work: its dossier's id, when it is due, the tabs it is listed in, and
# its row when already read (an opinion's); a dossier's row is read only if it is on the page.
Work = tuple[int, dt.datetime | None, frozenset[Tab], QueueRow | None]


class UtcText(Func):
    """A date and time as the text ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in UTC: SQLite stores it so
    (Django's format), PostgreSQL writes it with ``to_char``, whatever the session's time zone."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        return self.as_sql(compiler, connection, template=template, **extra)


def _instant(text: str | None) -> dt.datetime | None:
    """A due time read as ``UtcText``: ``datetime.fromisoformat`` parses it in C, where the
    drivers' own time-zone-aware reading parses each value with a regular expression in Python
    (a third of the queue's time for a specialist's 8,500 dossiers at 1,000,000 on PostgreSQL)."""
    if text is None:
        return None
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _personal_work(by_agency: dict[int, Held], bounds: dict[int, Bounds]) -> list[Work]:
    """Every piece of the user's work: their dossiers' ids, statuses and due times in one
    query (the tabs' counts and the page's order are worked out from these in memory, so the
    open dossiers and their current steps are read once, not once for the counts and again
    for the page), and the opinions asked of their units (``_opinion_rows``)."""
    dossiers: QuerySet[Any] = _dossiers(by_agency).order_by()  # annotated: ``work_due_at``
    rows = dossiers.annotate(due_text=UtcText("work_due_at")).values_list(
        "pk", "agency_id", "status", "due_text"
    )
    work: list[Work] = []
    for pk, agency_id, status, text in rows:
        due = _instant(text)
        work.append((pk, due, _tabs_of(status, due, bounds[agency_id]), None))
    for row in _opinion_rows(by_agency, bounds):
        dossier = row.dossier
        tabs = _tabs_of(dossier.status, row.due_at, bounds[dossier.agency_id], waits=False)
        work.append((dossier.pk, row.due_at, tabs, row))
    return work


def _work_page(
    work: list[Work], tab: Tab, *, limit: int, page: int, bounds: dict[int, Bounds]
) -> list[QueueRow]:
    """The ``page``-th ``limit`` pieces of ``work`` listed in ``tab``, soonest due first (those
    with no due time last), then by dossier id; only the page's dossiers are read, with their
    related rows, by primary key."""
    end = page * limit
    now = clock.now()
    listed = (item for item in work if tab in item[2])
    first = heapq.nsmallest(
        end, listed, key=lambda item: (item[1] is None, item[1] or now, item[0])
    )
    chosen = first[end - limit : end]
    wanted = [pk for pk, _due, _tabs, row in chosen if row is None]
    found = Dossier.objects.select_related(*DOSSIER_RELATED).in_bulk(wanted)
    return [  # a dossier gone between the two reads is left out, not an error
        row if row is not None else _row(found[pk], found[pk].current_step, due, bounds=bounds)
        for pk, due, _tabs, row in chosen
        if row is not None or pk in found
    ]


def _unit_scope(by_agency: dict[int, Held]) -> Q | None:
    """The dossiers a leader (the whole agency) or a unit head (the unit) oversees: the unit's
    are those whose current step is in it or that it handles (None: the user oversees none)."""
    scope: Q | None = None
    for agency_id, held in by_agency.items():
        if (Role.AGENCY_LEADER, None) in held.pairs:
            oversees = Q(agency_id=agency_id)
        else:
            units = {u for role, u in held.pairs if role == Role.UNIT_HEAD and u is not None}
            if not units:
                continue
            oversees = Q(agency_id=agency_id) & (
                Q(current_step__unit_id__in=units) | Q(handling_unit_id__in=units)
            )
        scope = oversees if scope is None else scope | oversees
    return scope


def _unit_open(scope: Q) -> QuerySet[Dossier]:
    """The open dossiers of the scope, read through the partial index of open dossiers."""
    return Dossier.objects.filter(is_open()).filter(scope)


def _unit_dossiers(scope: Q) -> QuerySet[Dossier]:
    return _unit_open(scope).annotate(work_due_at=_dossier_due())


def _unit_page(scope: Q, *, limit: int, page: int, bounds: dict[int, Bounds]) -> list[QueueRow]:
    """The ``page``-th ``limit`` open dossiers of the scope, soonest due first: the database
    orders their ids and due times, and only the page's dossiers are then read."""
    end = page * limit
    dossiers: QuerySet[Any] = _unit_dossiers(scope)  # annotated: ``work_due_at``
    keys = dossiers.order_by(*BY_DUE).values_list("pk", "work_due_at")
    work: list[Work] = [(pk, due, ALL_ONLY, None) for pk, due in keys[end - limit : end]]
    return _work_page(work, Tab.ALL, limit=limit, page=1, bounds=bounds)


def _rows(
    by_agency: dict[int, Held],
    tab: Tab,
    limit: int,
    unit_scope: Q | None,
    bounds: dict[int, Bounds],
    work: list[Work] | None = None,
    page: int = 1,
) -> list[QueueRow]:
    if limit <= 0:
        return []
    if tab != Tab.UNIT:
        if work is None:
            work = _personal_work(by_agency, bounds)
        return _work_page(work, tab, limit=limit, page=page, bounds=bounds)
    if unit_scope is None:
        return []
    return _unit_page(unit_scope, limit=limit, page=page, bounds=bounds)


def dossier_queue_tabs(
    *, user: User, tab: Tab | str = Tab.ALL, limit: int = DEFAULT_LIMIT, page: int = 1
) -> Queue:
    """The user's queue page: every tab with its count, and the ``page``-th ``limit`` rows of
    ``tab`` (a page past the last shows the last).

    Personal tabs list the steps assigned to the user and the unassigned current steps of the
    user's units and roles (``permissions.step_filter``), the opinions asked of the user's units
    and, for the one-stop desk, the desk's work. Leaders and unit heads also get "My unit's":
    every open dossier of the agency (leader) or the unit (head), overdue first, with its holder.
    A constant number of queries whatever the number of dossiers.
    """
    tab = Tab(tab)
    by_agency = held_roles_by_agency(user=user)
    bounds = _bounds(list(by_agency), clock.now())
    work = _personal_work(by_agency, bounds)
    tabs = [
        (key, str(TAB_LABELS[key]), sum(key in item[2] for item in work)) for key in PERSONAL_TABS
    ]
    unit_scope = _unit_scope(by_agency)
    if unit_scope is not None:
        tabs.append((Tab.UNIT, str(TAB_LABELS[Tab.UNIT]), _unit_open(unit_scope).count()))
    elif tab == Tab.UNIT:
        tab = Tab.ALL
    shown = {key: n for key, _label, n in tabs}[tab]
    pages = max(1, -(-shown // limit)) if limit > 0 else 1
    page = min(max(page, 1), pages)
    rows = _rows(by_agency, tab, limit, unit_scope, bounds, work, page)
    return Queue(tabs, tab, rows, page, pages)


def dossier_queue(
    *, user: User, tab: Tab | str = Tab.ALL, limit: int = DEFAULT_LIMIT
) -> list[QueueRow]:
    """The rows of one tab of the user's queue, soonest due first (``dossier_queue_tabs``)."""
    by_agency = held_roles_by_agency(user=user)
    bounds = _bounds(list(by_agency), clock.now())
    return _rows(by_agency, Tab(tab), limit, _unit_scope(by_agency), bounds)

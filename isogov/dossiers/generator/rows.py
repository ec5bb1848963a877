"""Stories to table rows, written with one prepared ``executemany`` per table.

The rows are what the services write (``services/intake.py`` ``_new_dossier``, ``_store`` and
``_plan_steps``; ``steps.py``; ``clock.py``; ``results.py``; ``withdrawal.py``), with every value
converted as Django converts it for the connection (datetimes, decimals, JSON), each distinct
value once, in the order of ``tables.COLUMNS``.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models

from isogov.core.text import fold_vietnamese

from .. import codes
from ..models import (
    ClockStop,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierFee,
    DossierPaper,
    DossierStep,
    Extension,
)
from ..rulesets import CodeFormat
from .stories import APOLOGY_REASON, SUPPLEMENT_ITEMS, SUPPLEMENT_REASON, Act, Story
from .tables import COLUMNS, fix_sequences, insert, insert_dossiers

_STOP = COLUMNS[Dossier].index("stop_number")
_OUTGOING = COLUMNS[Extension].index("outgoing_number")
_VN = dt.timezone(dt.timedelta(hours=7))  # Vietnam keeps UTC+7 all year
RESULT_SUMMARY = "Cấp theo đề nghị"
RESULT_SIGNER = "Trần Thị Lãnh"


def receipt_day(received_at: dt.datetime) -> dt.date:
    """The day in Vietnam a dossier was received: the day of its code."""
    return received_at.astimezone(dt.UTC).astimezone(_VN).date()


def day_scope(day: dt.date) -> str:
    """The counter of the day's dossier codes (``services/intake.py`` ``_new_code``)."""
    return f"day:{day.isoformat()}"


def register_scope(day: dt.date) -> str:
    """The counter of the year's register lines."""
    return DossierCounter.register_scope(day.year)


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    address: str
    phone: str
    email: str
    representative_name: str
    folded: str  # the folded "name phone id number" of the search text
    phone_key: str  # search.phone_key(phone)
    id_key: str  # search.id_key(id_number)


@dataclass
class Counters:
    """The agency's numbers read at the start of a batch, given out in memory, written back."""

    values: dict[str, int]
    touched: set[str]

    def next(self, scope: str) -> int:
        value = self.values.get(scope, 0) + 1
        self.values[scope] = value
        self.touched.add(scope)
        return value


class _Memo(dict[Any, Any]):
    """A dictionary that works out a missing value with ``make`` and keeps it."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class Converter:
    """Django's conversion of each distinct value for this connection, computed once."""

    def __init__(self) -> None:
        ops = connection.ops
        self._datetime = ops.adapt_datetimefield_value
        self._json = ops.adapt_json_value
        # Each time's stored form, worked out on first sight (``_Memo``): a dictionary lookup
        # per time, tens of them per dossier.
        times = _Memo(self._datetime)
        times[None] = None
        self.time: Callable[[dt.datetime | None], Any] = times.__getitem__
        self._empty: Any = None
        # SQLite stores JSON as the text ``json.dumps`` makes (``adapt_json_value``).
        self._plain_json = connection.vendor == "sqlite"
        self._decimals: dict[tuple[str, Any], Any] = {}
        self._fields: dict[tuple[type[models.Model], str], models.Field[Any, Any]] = {
            (model, field.name): field
            for model in COLUMNS
            for field in model._meta.concrete_fields
            if isinstance(field, models.DecimalField)
        }

    def decimal(self, model: type[models.Model], name: str, value: Any) -> Any:
        if value is None:
            return None
        key = (name, value)
        converted = self._decimals.get(key)
        if converted is None:
            field = self._fields[(model, name)]
            converted = self._decimals[key] = field.get_db_prep_save(value, connection)
        return converted

    def json(self, value: Any) -> Any:
        if not value:
            if self._empty is None:
                self._empty = self._json(value, None)
            return self._empty
        return self._json(value, None)

    def result_number(self, number: str) -> Any:
        """``{"number": …}`` as stored (the register line's number: digits and ASCII)."""
        if self._plain_json:
            return f'{{"number": "{number}"}}'
        return self._json({"number": number}, None)

    def handover(self, step_id: int, outcome: str) -> Any:
        """``{"step": …, "outcome": …}`` as ``json.dumps`` writes it (SQLite stores the text)."""
        if self._plain_json:
            return f'{{"step": {step_id}, "outcome": "{outcome}"}}'
        return self._json({"step": step_id, "outcome": outcome}, None)


def read_counters(agency_id: int) -> Counters:
    """The agency's counters, locked on PostgreSQL until the batch commits."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, last FROM {table} WHERE agency_id = %s{lock}",  # noqa: S608
            [agency_id],
        )
        rows = cursor.fetchall()
    return Counters({str(scope): int(last) for scope, last in rows}, set())


def write_counters(agency_id: int, counters: Counters) -> None:
    table = DossierCounter._meta.db_table
    rows = [(agency_id, scope, counters.values[scope]) for scope in sorted(counters.touched)]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (agency_id, scope, last) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (agency_id, scope) DO UPDATE SET last = excluded.last",
            rows,
        )


def number_outgoing(
    batch: Batch, pending: Sequence[tuple[str, int, str]], counters: Counters
) -> None:
    """Give the batch's stop notices and apologies their outgoing numbers, in the order the
    services would have (the agency's ``outgoing:YYYY`` counter, read under the batch's lock)."""
    for table, index, scope in pending:
        number = counters.next(scope)
        if table == "dossiers":
            row = batch.dossiers[index]
            batch.dossiers[index] = (*row[:_STOP], number, *row[_STOP + 1 :])
        else:
            row = batch.extensions[index]
            batch.extensions[index] = (*row[:_OUTGOING], number, *row[_OUTGOING + 1 :])


@dataclass
class Batch:
    """The rows of one batch, table by table."""

    dossiers: list[tuple[Any, ...]]
    steps: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    stops: list[tuple[Any, ...]]
    extensions: list[tuple[Any, ...]]
    papers: list[tuple[Any, ...]]
    fees: list[tuple[Any, ...]]

    @classmethod
    def empty(cls) -> Batch:
        return cls([], [], [], [], [], [], [])

    def write(self) -> None:
        insert_dossiers(self.dossiers)
        insert(DossierStep, self.steps)
        insert(DossierEvent, self.events)
        insert(ClockStop, self.stops)
        insert(Extension, self.extensions)
        insert(DossierPaper, self.papers)
        insert(DossierFee, self.fees)
        fix_sequences(Dossier, DossierStep)


class RowMaker:
    """Turns each story into its rows, numbering it as the services do."""

    def __init__(
        self,
        *,
        agency_id: int,
        agency_code: str,
        agency_short: str,
        desk_id: int,
        approve_id: int,
        counters: Counters,
        dossier_id: int,
        step_id: int,
        summaries: dict[str, str],
    ) -> None:
        self.agency_id = agency_id
        self.agency_code = agency_code
        self.counters = counters
        self.dossier_id = dossier_id
        self.step_id = step_id
        self.desk_id = desk_id
        self.approve_id = approve_id
        self.summaries = summaries
        self.convert = Converter()
        self.batch = Batch.empty()
        configured = settings.ISOGOV_DOSSIER_CODE_FORMAT
        self.code_format = CodeFormat(configured) if configured else None
        self.system_id = settings.ISOGOV_DOSSIER_SYSTEM_ID
        self.stop_symbol = settings.ISOGOV_STOP_NOTICE_SYMBOL.format(agency=agency_short)
        self.apology_symbol = settings.ISOGOV_APOLOGY_SYMBOL.format(agency=agency_short)
        self._folded: dict[str, str] = {}
        self._days: dict[dt.datetime, tuple[dt.date, str, str]] = {}
        self._code_heads: dict[tuple[CodeFormat, dt.date], str] = {}
        # The columns a step or dossier takes from its plan, by the plan's identity.
        self._step_heads: dict[int, tuple[object, tuple[Any, ...]]] = {}
        self._plan_parts: dict[int, tuple[Any, ...]] = {}
        self._returned: dict[str, Any] = {}  # the return's data by collector, as stored
        self._shared: dict[int, tuple[object, Any]] = {}  # id → (the data, as stored)
        self.codes: list[str] = []
        # Stop notices and apologies to number once the batch holds the agency's counters
        # (``number_outgoing``): the table, the row and the counter's scope, in order.
        self.pending: list[tuple[str, int, str]] = []

    @staticmethod
    def _tokens() -> tuple[str, str]:
        """The access and rating tokens (``new_access_token``: 18 random bytes each, URL-safe
        base64) from one draw: 36 bytes encode to 48 characters, 24 for each 18 bytes."""
        both = base64.urlsafe_b64encode(os.urandom(36)).decode("ascii")
        return both[:24], both[24:]

    def _code(self, code_format: CodeFormat, day: dt.date, sequence: int) -> str:
        """``codes.dossier_code``: both formats end in the four-digit sequence, so the code's
        head is worked out once per format and day (the full function past 9,999, to refuse
        it or to write the longer sequence as it does)."""
        if sequence > 9999:
            return self._dossier_code(code_format, day, sequence)
        key = (code_format, day)
        head = self._code_heads.get(key)
        if head is None:
            head = self._code_heads[key] = self._dossier_code(code_format, day, 1)[:-4]
        return f"{head}{sequence:04d}"

    def _dossier_code(self, code_format: CodeFormat, day: dt.date, sequence: int) -> str:
        return codes.dossier_code(
            code_format=code_format,
            system_id=self.system_id,
            agency_code=self.agency_code,
            received_on=day,
            sequence=sequence,
        )

    def _fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold_vietnamese(text)
        return folded

    def add(self, story: Story, applicant: Applicant) -> None:
        t = self.convert.time
        dec = self.convert.decimal
        json = self.convert.json
        handover = self.convert.handover
        plan = story.plan
        day = self._days.get(story.received_at)
        if day is None:
            local = receipt_day(story.received_at)
            day = self._days[story.received_at] = (local, day_scope(local), register_scope(local))
        local_day = day[0]
        # ``_new_code``, ``_next_number`` (register line), ``codes.dossier_code``.
        sequence = self.counters.next(day[1])
        code = self._code(self.code_format or story.ruleset.code_format, local_day, sequence)
        self.codes.append(code)
        register_line = self.counters.next(day[2])
        dossier_id = self.dossier_id
        self.dossier_id += 1
        step_ids = list(range(self.step_id, self.step_id + len(story.steps)))
        self.step_id += len(story.steps)
        # Steps (``_plan_steps``, ``_start_step``, ``_finish_step``).
        steps = self.batch.steps
        for state, step_id in zip(story.steps, step_ids, strict=True):
            step = state.planned
            known = self._step_heads.get(id(step))
            if known is None or known[0] is not step:
                head = (
                    step.order,
                    "process",
                    step.name,
                    step.unit_id,
                    step.unit_label,
                    step.role,
                    dec(DossierStep, "allowance_value", step.allowance_value),
                    step.allowance_unit,
                    step.is_counted,
                    None,
                )
                known = self._step_heads[id(step)] = (step, head)
            steps.append(
                (
                    step_id,
                    dossier_id,
                    *known[1],
                    t(state.received_at),
                    t(state.due_at),
                    t(state.finished_at),
                    state.finished_by,
                    state.outcome,
                    state.late_by_seconds,
                    "",
                )
            )
        # Events (``_event``): the handover names the step's key.
        result_number = ""
        stop_number: int | None = None
        add_event = self.batch.events.append

        def event(act: Act, message: str, data: Any) -> None:
            """The event row (no audit event of its own: the batch has one, ``__init__``)."""
            add_event(
                (
                    dossier_id,
                    t(act.at),
                    act.actor_id,
                    act.action,
                    act.from_status,
                    act.to_status,
                    message,
                    data,
                    None,
                )
            )

        for act in story.acts:
            data: dict[str, Any] = act.data
            action = act.action
            if action == "handover":
                event(
                    act,
                    act.message,
                    handover(step_ids[int(str(data["step"]))], str(data["outcome"])),
                )
            elif action == "record_result":
                result_number = f"{register_line}/GCN-SKHCN"
                event(act, act.message, self.convert.result_number(result_number))
            elif action == "return_result":
                returned_data = self._returned.get(applicant.name)
                if returned_data is None:
                    returned_data = self._returned[applicant.name] = json(
                        {**data, "collector": applicant.name}
                    )
                event(act, applicant.name, returned_data)
            elif action == "receive":
                # The receipt's data is one object per appointment (``history``): its JSON once.
                shared = self._shared.get(id(data))
                if shared is None or shared[0] is not data:
                    shared = self._shared[id(data)] = (data, json(data))
                event(act, act.message, shared[1])
            else:
                if action == "stop":
                    stop_number = 0  # numbered by ``number_outgoing``
                    scope = f"outgoing:{act.at.astimezone(_VN).year}"
                    self.pending.append(("dossiers", len(self.batch.dossiers), scope))
                elif action == "apologise" and story.extension is not None:
                    at, previous, new = story.extension
                    number = 0  # numbered by ``number_outgoing``
                    scope = f"outgoing:{at.astimezone(_VN).year}"
                    self.pending.append(("extensions", len(self.batch.extensions), scope))
                    self.batch.extensions.append(
                        (
                            dossier_id,
                            t(previous),
                            t(new),
                            APOLOGY_REASON,
                            self.approve_id,
                            t(at),
                            number,
                            self.apology_symbol,
                        )
                    )
                event(act, act.message, json(data))
        if story.stop is not None:
            started, ended = story.stop
            actor = next(a.actor_id for a in story.acts if a.action == "request_supplement")
            self.batch.stops.append(
                (
                    dossier_id,
                    t(started),
                    t(ended),
                    SUPPLEMENT_REASON,
                    "",
                    json(SUPPLEMENT_ITEMS),
                    json([]),
                    actor,
                )
            )
        for paper in plan.papers:
            if paper.is_required:
                self.batch.papers.append((dossier_id, paper.name, 1, 0, "", "", None, None))
        for fee in plan.fees:
            self.batch.fees.append((dossier_id, fee.name, fee.amount_vnd, fee.note))
        returned = story.returned_at is not None
        approved = story.result_approved_at is not None
        access_token, rating_token = self._tokens()
        parts = self._plan_parts.get(id(plan))
        if parts is None or parts[0] is not plan:
            parts = self._plan_parts[id(plan)] = (
                plan,
                (
                    self.agency_id,
                    plan.version_id,
                    plan.channel_id,
                    plan.procedure_code,
                    plan.version_name,
                    plan.channel_kind,
                    dec(Dossier, "time_value", plan.time_value),
                    plan.time_unit,
                ),
                (
                    dec(Dossier, "service_time_value", plan.promise_value),
                    plan.promise_unit if plan.promise_value is not None else "",
                ),
                self.summaries.get(plan.procedure_code) or plan.version_name,
                self._fold(plan.version_name + " " + plan.procedure_code),
            )
        self.batch.dossiers.append(
            (
                dossier_id,
                t(story.received_at),
                t(story.updated_at or story.received_at),
                story.version,
                code,
                "",
                *parts[1],
                story.ruleset.code,
                applicant.kind,
                applicant.name,
                applicant.id_number,
                applicant.address,
                applicant.phone,
                applicant.email,
                applicant.representative_name,
                parts[3],
                1,
                story.status,
                None,
                None,
                t(story.received_at),
                self.desk_id,
                False,
                story.handling_unit_id,
                step_ids[story.current],
                t(story.start_counted_at),
                t(story.due_at),
                t(story.promised_due_at),
                t(story.service_due_at),
                *parts[2],
                story.waiting_seconds,
                1 if story.stop is not None else 0,
                1 if story.extension is not None else 0,
                t(story.finished_at),
                t(story.returned_at),
                "at_desk" if returned else "",
                applicant.name if returned else "",
                applicant.id_number if returned else "",
                "",
                story.outcome,
                story.late_by_seconds,
                result_number,
                RESULT_SUMMARY if result_number else "",
                RESULT_SIGNER if result_number else "",
                "",
                self.approve_id if approved else None,
                t(story.result_approved_at),
                register_line,
                stop_number,
                self.stop_symbol if stop_number is not None else "",
                # ``search_text_of``: code, reference (none), name, phone, ID, procedure.
                f"{code.casefold()} {applicant.folded} {parts[4]}",
                applicant.phone_key,
                applicant.id_key,
                access_token,
                rating_token,  # every generated dossier was received
                "",  # source: a native dossier
                "",
                t(story.stopped_at),
            )
        )

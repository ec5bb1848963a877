"""The demo history generator writes what the services would have written."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import random
import statistics
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from isogov.accounts.models import User
from isogov.audit.models import AuditEvent
from isogov.audit.services import audit_verify_chain
from isogov.core import clock
from isogov.core.errors import ValidationFailed
from isogov.dossiers import deadlines, generator
from isogov.dossiers.demo import PLANS, _walk, demo_officers
from isogov.dossiers.generator import batches, demo_generate, packed
from isogov.dossiers.generator.load import tet_breaks
from isogov.dossiers.generator.tables import COLUMNS
from isogov.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierStep
from isogov.dossiers.search import FTS_TABLE, id_key, phone_key, search_text_of
from isogov.dossiers.services import (
    ApplicantInput,
    IntakeInput,
    PaperInput,
    dossier_approve_result,
    dossier_receive,
    dossier_record_result,
    dossier_return_result,
    dossier_step_complete,
)
from isogov.dossiers.services._kernel import _calendar, _ruleset
from isogov.dossiers.services.clock import first_step_due_at, refresh_deadline
from isogov.dossiers.transitions import BY_NAME, Status, may_lead_to
from isogov.workcal.engine import MemoisedCalendar
from isogov.workcal.selectors import calendar_for

UNTIL = dt.datetime(2026, 5, 29, 17, 0, tzinfo=clock.LOCAL_TZ)
# Sub-steps of an action that change the status inside it (``_complete_current``).
RUNNING = {"transfer": "complete_step", "finish": "complete_step"}


def _generate(agency: Any, count: int = 300, seed: int = 7) -> Any:
    return demo_generate(agency=agency, dossiers=count, months=6, seed=seed, until=UNTIL)


def test_every_column_of_the_tables_is_written() -> None:
    for model, columns in COLUMNS.items():
        names = [f.attname for f in model._meta.concrete_fields]
        expected = names if "id" in columns else [n for n in names if n != "id"]
        assert list(columns) == expected, model.__name__


@pytest.mark.django_db
def test_generated_dossiers_are_consistent_with_their_steps_events_and_deadlines(
    desk: Any,
) -> None:
    agency = desk.department
    result = _generate(agency)
    assert result.dossiers == 300
    dossiers = list(Dossier.objects.filter(agency=agency).order_by("id"))
    assert len(dossiers) == 300
    calendar = calendar_for(agency=agency)
    steps_of: dict[int, list[DossierStep]] = {}
    for step in DossierStep.objects.filter(dossier__agency=agency).order_by("order", "id"):
        steps_of.setdefault(step.dossier_id, []).append(step)
    events_of: dict[int, list[DossierEvent]] = {}
    for event in DossierEvent.objects.filter(dossier__agency=agency).order_by("at", "id"):
        events_of.setdefault(event.dossier_id, []).append(event)
    outcomes: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for dossier in dossiers:
        statuses[dossier.status] += 1
        events = events_of[dossier.id]
        steps = steps_of[dossier.id]
        # The timeline walks the action table and ends at the stored status.
        status = ""
        for event in events:
            if event.to_status:
                assert event.from_status == status, (dossier.code, event.action)
                if status:
                    action = BY_NAME[RUNNING.get(event.action, event.action)]
                    assert may_lead_to(action, status, event.to_status), event.action
                status = event.to_status
        assert events[0].action == "receive"
        # Written in the order they happened.
        assert [e.pk for e in events] == sorted(e.pk for e in events), dossier.code
        assert status == dossier.status, dossier.code
        # A stopped one says when, as the services store it: its event into "stopped".
        stops = [e.at for e in events if e.to_status == Status.STOPPED]
        assert dossier.stopped_at == (stops[0] if stops else None), dossier.code
        # The deadlines are those the one deadline function gives from the stored facts.
        recomputed = copy.copy(dossier)
        refresh_deadline(recomputed)
        for name in ("start_counted_at", "due_at", "promised_due_at", "service_due_at"):
            assert getattr(recomputed, name) == getattr(dossier, name), (dossier.code, name)
        assert recomputed.waiting_seconds == dossier.waiting_seconds
        assert steps[0].due_at == first_step_due_at(
            calendar,
            _ruleset(dossier),
            dossier.received_at,
            amount=steps[0].allowance_value,
            unit=steps[0].allowance_unit,
        )
        for step in steps:
            if step.received_at is not None and step.is_counted:
                assert step.order == 1 or step.due_at == deadlines.step_due_at(
                    calendar=calendar,
                    started_at=step.received_at,
                    amount=step.allowance_value,
                    unit=step.allowance_unit,
                    is_counted=True,
                    promised_due_at=None,
                )
            if step.finished_at is not None:
                assert step.due_at is not None
                classified = deadlines.step_outcome(
                    calendar=calendar,
                    finished_at=step.finished_at,
                    due_at=step.due_at,
                    amount=step.allowance_value,
                    unit=step.allowance_unit,
                    is_counted=step.is_counted,
                )
                assert step.outcome == classified.outcome
        # The current step is the one the handovers reached.
        handovers = sum(1 for event in events if event.action == "handover")
        current = next(step for step in steps if step.pk == dossier.current_step_id)
        assert current.order == handovers + 1 + (1 if dossier.finished_at else 0)
        open_steps = [step for step in steps if step.received_at and not step.finished_at]
        if dossier.status in (Status.RECEIVED, Status.IN_PROCESS, Status.FINISHED):
            assert open_steps == [current]
        if dossier.status == Status.RETURNED:
            assert dossier.finished_at is not None and dossier.due_at is not None
            classified = deadlines.dossier_outcome(
                calendar=calendar,
                finished_at=dossier.finished_at,
                legal_due_at=dossier.due_at,
                promised_due_at=dossier.promised_due_at,
                appointment_moved=dossier.appointment_moves > 0,
                late_after_apology=_ruleset(dossier).late_after_apology,
                amount=dossier.time_value,
                unit=dossier.time_unit,
            )
            assert dossier.outcome == classified.outcome
            outcomes[dossier.outcome] += 1
        assert dossier.search_text == search_text_of(
            dossier.code,
            dossier.reference,
            dossier.applicant_name,
            dossier.applicant_phone,
            dossier.applicant_id_number,
            dossier.procedure_name,
            dossier.procedure_code,
        )
        assert dossier.applicant_phone_key == phone_key(dossier.applicant_phone)
        assert dossier.applicant_id_key == id_key(dossier.applicant_id_number)
        assert dossier.received_by_id is not None
    # About 5 % late among the returned ones; supplements, apologies, withdrawals all occur.
    returned = sum(outcomes.values())
    assert returned > 200
    assert 0.015 <= outcomes["late"] / returned <= 0.10, outcomes
    assert statuses[Status.STOPPED] >= 1
    assert Dossier.objects.filter(agency=agency, supplement_count=1).count() >= 5
    assert Dossier.objects.filter(agency=agency, appointment_moves=1).count() >= 1
    assert statuses[Status.IN_PROCESS] + statuses[Status.RECEIVED] >= 1  # the recent ones
    # Codes: the day's sequence without gaps, the counters where the next intake continues.
    per_day: dict[str, list[int]] = {}
    for dossier in dossiers:
        day, sequence = dossier.code.rsplit("-", 2)[1:]
        per_day.setdefault(day, []).append(int(sequence))
    for day, sequences in per_day.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), day
    # The audit chain: whole, with one event per batch that says the data is generated.
    assert audit_verify_chain().ok
    event = AuditEvent.objects.get(action="dossier.generate")
    assert event.after["generated_demo_data"] is True
    assert event.after["dossiers"] == 300


@pytest.mark.django_db
def test_the_tet_break_shows_as_a_dip(desk: Any) -> None:
    agency = desk.department
    demo_generate(agency=agency, dossiers=2000, months=6, seed=3, until=UNTIL)
    per_day = Counter(
        clock.to_local(at).date()
        for at in Dossier.objects.filter(agency=agency).values_list("received_at", flat=True)
    )
    calendar = calendar_for(agency=agency)
    (back,) = tet_breaks(calendar, dt.date(2026, 1, 1), dt.date(2026, 3, 31))  # type: ignore[arg-type]
    assert back == dt.date(2026, 2, 23)  # Tết Bính Ngọ: 14–22 February 2026 off
    after = [
        per_day[back + dt.timedelta(days=n)]
        for n in range(5)
        if calendar.is_working_day(back + dt.timedelta(days=n))
    ]
    typical = statistics.median(per_day.values())
    assert statistics.mean(after) < 0.7 * typical


@pytest.mark.django_db
def test_every_receipt_falls_in_its_own_days_working_hours(desk: Any) -> None:
    # Slot 0 is the opening, whose working-time position is also the last working day's close:
    # it once came out as Monday 17:00 for a Tuesday, and the first day's hung the run.
    calendar = MemoisedCalendar(calendar_for(agency=desk.department))
    tuesday = dt.date(2026, 5, 26)
    times = generator._receipts(calendar, [(tuesday, 400)], random.Random(1), UNTIL)
    assert len(times) == 400
    assert {clock.to_local(at).date() for at in times} == {tuesday}
    assert min(clock.to_local(at) for at in times).time() == dt.time(7, 30)


@pytest.mark.django_db
def test_running_again_appends_and_continues_the_numbers(desk: Any) -> None:
    agency = desk.department
    _generate(agency, count=100, seed=1)
    _generate(agency, count=60, seed=2)
    codes = list(Dossier.objects.filter(agency=agency).values_list("code", flat=True))
    assert len(codes) == 160 == len(set(codes))
    # The register is numbered per year (``register:YYYY``).
    lines = {
        (clock.to_local(at).year, line)
        for at, line in Dossier.objects.filter(agency=agency).values_list(
            "received_at", "register_line"
        )
    }
    assert len(lines) == 160
    for counter in DossierCounter.objects.filter(agency=agency, scope__startswith="day:"):
        day = dt.date.fromisoformat(counter.scope[4:]).strftime("%y%m%d")
        assert counter.last == sum(1 for code in codes if f"-{day}-" in code)
    assert AuditEvent.objects.filter(action="dossier.generate").count() == 2
    assert audit_verify_chain().ok


@pytest.mark.django_db
def test_a_generated_dossier_has_the_rows_of_one_handled_through_the_services(desk: Any) -> None:
    """The same procedure handled by the officers through the services and generated."""
    agency = desk.department
    received_at = dt.datetime(2026, 5, 4, 8, 0, tzinfo=clock.LOCAL_TZ)
    data = IntakeInput(
        agency=agency,
        procedure_code="1.014464",
        channel_kind="in_person",
        applicant=ApplicantInput(
            name="Nguyễn Văn An", id_number="031185000001", phone="0912345678"
        ),
        papers=[PaperInput("Đơn đề nghị (theo mẫu)", originals=1)],
    )
    with clock.as_of(received_at):
        made = dossier_receive(actor=desk.user("motcua"), data=data)
    _walk(
        made,
        PLANS["returned"],
        calendar=_calendar(made),
        officers=demo_officers(agency=agency),
        until=UNTIL,
    )
    made.refresh_from_db()
    assert made.status == Status.RETURNED
    _generate(agency, count=300, seed=11)
    twin = (
        Dossier.objects.filter(
            agency=agency,
            procedure_code="1.014464",
            status=Status.RETURNED,
            supplement_count=0,
            appointment_moves=0,
        )
        .exclude(pk=made.pk)
        .first()
    )
    assert twin is not None

    def shape(dossier: Dossier) -> dict[str, Any]:
        events = list(dossier.events.order_by("at", "id"))
        steps = list(dossier.steps.order_by("order"))
        filled = [
            name
            for name in COLUMNS[Dossier]
            if getattr(dossier, name) not in (None, "", 0)
            # What the applicant gave (address, e-mail, representative) differs by applicant.
            and not name.startswith(("applicant_", "representative_"))
        ]
        return {
            "actions": [(e.action, e.from_status, e.to_status) for e in events],
            "actors": [e.actor_id for e in events],
            "data_keys": [sorted(e.data) for e in events],
            "steps": [
                (s.order, s.name, s.unit_id, s.role, s.is_counted, s.assignee_id, s.finished_by_id)
                for s in steps
            ],
            "steps_done": [bool(s.finished_at and s.outcome) for s in steps],
            "filled": filled,
            "current": dossier.current_step.order if dossier.current_step else None,
            "papers": dossier.papers.count(),
            "fees": dossier.fees.count(),
            "version": dossier.version,
        }

    made_shape, twin_shape = shape(made), shape(twin)
    # The demo's officers record and approve as the generator's; any remaining difference
    # would be a field one of them writes and the other does not.
    assert twin_shape == made_shape


# Columns that differ between two dossiers by construction: keys, the numbers the agency's
# counters give (code, register line; the search text holds the code) and the random token.
OWN = {
    "id",
    "code",
    "register_line",
    "search_text",
    "access_token",
    "rating_token",
    "current_step_id",
}


@pytest.mark.django_db
def test_a_generated_dossier_equals_the_same_one_handled_through_the_services(desk: Any) -> None:
    """Field by field: a generated dossier, then the same inputs (procedure, applicant, papers,
    receipt time, each action at the generated time by the generated officer) through the
    services; the dossier, its steps and its timeline are equal but for the own columns."""
    agency = desk.department
    _generate(agency, count=300, seed=11)
    twin = (
        Dossier.objects.filter(
            agency=agency, status=Status.RETURNED, supplement_count=0, appointment_moves=0
        )
        .order_by("id")
        .first()
    )
    assert twin is not None
    data = IntakeInput(
        agency=agency,
        procedure_code=twin.procedure_code,
        channel_kind=twin.channel_kind,
        applicant=ApplicantInput(
            name=twin.applicant_name,
            kind=twin.applicant_kind,
            id_number=twin.applicant_id_number,
            address=twin.applicant_address,
            phone=twin.applicant_phone,
            email=twin.applicant_email,
            representative_name=twin.representative_name,
        ),
        papers=[PaperInput(p.name, originals=p.originals) for p in twin.papers.order_by("id")],
        request_summary=twin.request_summary,
        sets_count=twin.sets_count,
    )
    users = {user.pk: user for user in User.objects.all()}
    # time_machine, not clock.as_of: the rows' created_at and updated_at read Django's clock.
    with time_machine.travel(twin.received_at, tick=False):
        made = dossier_receive(actor=users[twin.received_by_id], data=data)
    for event in twin.events.order_by("at", "id"):
        calls: dict[str, Any] = {
            "handover": (dossier_step_complete, {}),
            "finish": (dossier_step_complete, {}),
            "record_result": (
                dossier_record_result,
                {
                    "number": twin.result_number,
                    "summary": twin.result_summary,
                    "signer": twin.result_signer,
                },
            ),
            "approve_result": (dossier_approve_result, {}),
            "return_result": (dossier_return_result, {"method": twin.return_method}),
        }
        if event.action not in calls:
            assert event.action in ("receive", "transfer"), event.action  # within another
            continue
        service, extra = calls[event.action]
        made.refresh_from_db()
        with time_machine.travel(event.at, tick=False):
            service(actor=users[event.actor_id], code=made.code, version=made.version, **extra)
    made.refresh_from_db()

    def row(obj: Any, names: Any, own: set[str]) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in names if name not in own}

    assert row(made, COLUMNS[Dossier], OWN) == row(twin, COLUMNS[Dossier], OWN)
    step_own = {"id", "dossier_id"}
    made_steps = list(made.steps.order_by("order"))
    twin_steps = list(twin.steps.order_by("order"))
    assert [row(s, COLUMNS[DossierStep], step_own) for s in made_steps] == [
        row(s, COLUMNS[DossierStep], step_own) for s in twin_steps
    ]
    keys = {s.pk: s.order for s in [*made_steps, *twin_steps]}

    def timeline(dossier: Dossier) -> list[tuple[Any, ...]]:
        lines = []
        for e in dossier.events.order_by("at", "id"):
            data = dict(e.data)
            if "step" in data:  # the handover names the step's key: compare its order
                data["step"] = keys[data["step"]]
            lines.append((e.at, e.actor_id, e.action, e.from_status, e.to_status, e.message, data))
        return lines

    assert timeline(made) == timeline(twin)
    assert [(p.name, p.originals, p.copies) for p in made.papers.order_by("id")] == [
        (p.name, p.originals, p.copies) for p in twin.papers.order_by("id")
    ]
    assert [(f.name, f.amount_vnd) for f in made.fees.order_by("id")] == [
        (f.name, f.amount_vnd) for f in twin.fees.order_by("id")
    ]


def _plain(rows: list[tuple]) -> list[tuple]:
    """Rows with PostgreSQL's JSON parameters (psycopg's ``Jsonb``, equal only to itself)
    replaced by the values they wrap, so that two batches compare by content."""
    return [tuple(getattr(v, "obj", v) for v in row) for row in rows]


@pytest.mark.django_db
def test_the_rows_do_not_depend_on_how_many_workers_work_them_out(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worked out in this process or in two forked workers, batch by batch, the same rows
    (but the random access and rating tokens), outgoing numbers included. While the workers
    run, what was alive before they forked is out of the collector's reach; after the run it
    is back, and the collector on as it was."""
    made: dict[int, list[Any]] = {0: [], 2: []}
    frozen: dict[int, list[int]] = {0: [], 2: []}
    tokens = {COLUMNS[Dossier].index("access_token"), COLUMNS[Dossier].index("rating_token")}
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    collecting: list[bool] = []  # while a batch is made in this process
    make = batches._make

    def made_without_collector(job: Any) -> Any:
        collecting.append(gc.isenabled())
        return make(job)

    monkeypatch.setattr(batches, "_make", made_without_collector)
    for workers, out in made.items():

        def write(_agency: Any, batch: Any, out: list[Any] = out, workers: int = workers) -> None:
            frozen[workers].append(gc.get_freeze_count())
            out.append(batch)

        monkeypatch.setattr(generator, "_write", write)
        demo_generate(
            agency=desk.department,
            dossiers=400,
            months=6,
            seed=5,
            until=UNTIL,
            batch_size=90,
            workers=workers,
        )
    assert len(made[0]) == len(made[2]) == 5
    assert frozen[0] == [frozen_before] * 5  # in this process: nothing frozen
    assert all(count > frozen_before for count in frozen[2])
    assert gc.get_freeze_count() == frozen_before and gc.isenabled()
    assert collecting == [False] * 5
    for alone, forked in zip(made[0], made[2], strict=True):
        assert alone.job == forked.job
        assert alone.pending == forked.pending and alone.counters == forked.counters
        for table in ("steps", "events", "stops", "extensions", "papers", "fees"):
            assert _plain(getattr(alone.batch, table)) == _plain(getattr(forked.batch, table)), (
                table
            )

        def strip(rows: list[tuple]) -> list[tuple]:
            return [tuple(v for i, v in enumerate(row) if i not in tokens) for row in rows]

        assert strip(alone.batch.dossiers) == strip(forked.batch.dossiers)
    # Consecutive batches: keys and counters follow on.
    first, second = made[0][0].job, made[0][1].job
    assert second.dossier_id == first.dossier_id + 90
    assert second.step_id == first.step_id + len(made[0][0].batch.steps)
    assert sum(len(m.pending) for m in made[0]) >= 1  # some stop notice or apology to number


@pytest.mark.django_db
def test_a_batch_is_refused_when_a_dossier_was_received_meanwhile(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency = desk.department
    real_write = generator._write

    def received_meanwhile(agency_: Any, made: Any) -> None:
        # Between planning and writing, the desk took the day's next code.
        scope = min(scope for scope in made.job.counters if scope.startswith("day:"))
        DossierCounter.objects.update_or_create(
            agency=agency, scope=scope, defaults={"last": made.job.counters[scope] + 1}
        )
        real_write(agency_, made)

    monkeypatch.setattr(generator, "_write", received_meanwhile)
    with pytest.raises(ValidationFailed) as caught:
        demo_generate(agency=agency, dossiers=20, months=6, seed=9, until=UNTIL, workers=0)
    assert "agency" in caught.value.details
    assert not Dossier.objects.filter(agency=agency).exists()


@pytest.mark.django_db
def test_too_many_dossiers_a_day_is_refused_naming_months(desk: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        demo_generate(agency=desk.department, dossiers=300_000, months=1, until=UNTIL)
    assert "months" in caught.value.details


@pytest.mark.django_db
def test_the_command_prints_the_rate(desk: Any, capsys: Any) -> None:
    call_command("demo", "generate", "--dossiers", "40", "--months", "2", "--until", "2026-05-29")
    out, err = capsys.readouterr()
    assert "Generated 40 dossiers" in out and "dossiers/s" in out
    assert "100%" in err and "/s" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "value"),
    [("--batch", "0"), ("--batch", "-5"), ("--workers", "-1"), ("--workers", "99")],
)
def test_the_command_refuses_a_batch_or_workers_out_of_range_naming_it(
    desk: Any, option: str, value: str
) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=option):
        call_command("demo", "generate", "--dossiers", "5", "--months", "1", option, value)
    assert not Dossier.objects.filter(agency=desk.department).exists()


def _stored_rows() -> dict[str, list[tuple]]:
    """Every row of the generator's tables as stored, but the random tokens; and the
    full-text lines."""
    tokens = {"access_token", "rating_token"}
    found = {}
    with connection.cursor() as cursor:
        for model, names in COLUMNS.items():
            by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
            columns = ", ".join(
                connection.ops.quote_name(by_attname[name]) for name in names if name not in tokens
            )
            table = model._meta.db_table
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
            found[table] = cursor.fetchall()
        cursor.execute(f"SELECT rowid, search_text FROM {FTS_TABLE} ORDER BY rowid")  # noqa: S608
        found[FTS_TABLE] = cursor.fetchall()
    return found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's image hand-over")
@pytest.mark.django_db(transaction=True)
def test_a_batch_handed_over_as_an_image_stores_the_same_rows(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite outside a transaction the workers hand their rows over as a database image
    (``packed``): stored, they are the rows written from memory, outgoing numbers included."""
    arguments = {
        "agency": desk.department,
        "dossiers": 300,
        "months": 6,
        "seed": 11,
        "until": UNTIL,
        "batch_size": 70,
        "workers": 2,
    }

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():  # in a transaction: from memory
        demo_generate(**arguments)
        from_memory = _stored_rows()
        raise Rollback
    assert not Dossier.objects.exists()
    loaded: list[int] = []
    real_load = packed.load
    monkeypatch.setattr(packed, "load", lambda image: (loaded.append(1), real_load(image)))
    demo_generate(**arguments)
    assert len(loaded) == 5  # every batch came as an image
    from_images = _stored_rows()
    assert from_images == from_memory
    assert len(from_images[FTS_TABLE]) == 300
    assert any(
        row[COLUMNS[Dossier].index("stop_number")] for row in from_images["dossiers_dossier"]
    )
    assert audit_verify_chain().ok

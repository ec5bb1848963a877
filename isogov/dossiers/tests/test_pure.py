"""The dossier engine's pure rules: deadlines, step due times, outcomes, codes, states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from isogov.dossiers.codes import SequenceExhausted, dossier_code, parse_dossier_code
from isogov.dossiers.deadlines import (
    ClockStop,
    Outcome,
    ShiftKind,
    StepAllowance,
    classify,
    compute_deadline,
    step_due_times,
)
from isogov.dossiers.rulesets import (
    DECREE_61_2018,
    DECREE_118_2025,
    DECREE_118_2025_INTERIM,
    CodeFormat,
    OnSupplement,
    ruleset_in_force,
)
from isogov.dossiers.transitions import (
    ACTIONS,
    BY_NAME,
    NATIONAL_CODE,
    TERMINAL,
    Status,
    allowed_in,
    may_lead_to,
)
from isogov.workcal.engine import CalendarSpec, Unit, WorkingCalendar
from isogov.workcal.national import national_days

VN = dt.timezone(dt.timedelta(hours=7))
CAL = WorkingCalendar(CalendarSpec(2018, 2035, *national_days(2018, 2035)))
HOUR_US = 3_600_000_000


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


CFS_STEPS = [
    StepAllowance(Decimal(value), Unit.WORKING_DAYS, is_counted=counted)
    for value, counted in [
        ("0.25", True),
        ("0.25", True),
        ("0.5", True),
        ("0.25", True),
        ("0.25", True),
        ("0.25", True),
        ("1.25", True),
        ("0", False),
    ]
]


def test_cfs_sample_received_friday_before_tet_gets_steps_due_after_tet() -> None:
    # Fri 13/2/2026 16:00; Tết 16–20/2; worked out by hand in the comments.
    dues = step_due_times(calendar=CAL, start=at(2, 13, 16), allowances=CFS_STEPS)
    assert dues == [
        at(2, 23, 8, 30),  # 1 h on Friday + 1 h on Monday 23/2
        at(2, 23, 10, 30),
        at(2, 23, 16),  # 1 h before lunch, 3 h after
        at(2, 24, 8, 30),
        at(2, 24, 10, 30),
        at(2, 24, 14),
        at(2, 25, 16),  # 10 h: Tue 3 h, Wed 7 h
        at(2, 25, 16),  # the return step is not counted
    ]
    appointment = compute_deadline(
        calendar=CAL, received_at=at(2, 13, 16), amount=3, unit="working_days"
    )
    assert appointment.legal_due_at == dues[-1]


def test_supplement_restarts_the_time_from_zero() -> None:
    deadline = compute_deadline(
        calendar=CAL,
        received_at=at(3, 9, 8),
        amount=3,
        unit="working_days",
        stops=[ClockStop(at(3, 10, 10), at(3, 12, 14), "Thiếu bản sao giấy phép")],
    )
    # Thu 12/3 14:00 + 24 h: Thu 3 h, Fri 8 h, Mon 8 h, Tue 17/3 5 h → 14:00.
    assert deadline.legal_due_at == at(3, 17, 14)
    assert deadline.waiting_us == int(18.5 * HOUR_US)
    assert [s.kind for s in deadline.shifts] == [
        ShiftKind.STARTED,
        ShiftKind.STOPPED,
        ShiftKind.RESTARTED,
    ]


def test_supplement_pauses_the_clock_under_the_pause_rule() -> None:
    deadline = compute_deadline(
        calendar=CAL,
        received_at=at(3, 9, 8),
        amount=3,
        unit="working_days",
        stops=[ClockStop(at(3, 10, 10), at(3, 12, 14))],
        on_supplement=OnSupplement.PAUSE,
    )
    # Due Thu 12/3 08:00 without the stop; plus 18.5 working hours → Mon 16/3 10:30.
    assert deadline.legal_due_at == at(3, 16, 10, 30)


def test_open_supplement_request_leaves_no_due_time() -> None:
    deadline = compute_deadline(
        calendar=CAL,
        received_at=at(3, 9, 8),
        amount=3,
        unit="working_days",
        stops=[ClockStop(at(3, 10, 10), None)],
    )
    assert deadline.is_clock_stopped and deadline.promised_due_at is None


def test_apology_moves_the_promise_but_not_the_legal_due_time() -> None:
    deadline = compute_deadline(
        calendar=CAL,
        received_at=at(3, 9, 8),
        amount=3,
        unit="working_days",
        extended_due_at=at(3, 16, 17),
        extension_reason="Chờ ý kiến phối hợp",
    )
    assert deadline.legal_due_at == at(3, 12, 8)
    assert deadline.promised_due_at == at(3, 16, 17)
    assert deadline.shifts[-1].kind == ShiftKind.EXTENDED


@pytest.mark.parametrize(
    ("finished", "outcome", "late_hours"),
    [
        (at(3, 11, 16), Outcome.EARLY, 0),  # the day before the due day
        (at(3, 12, 7, 45), Outcome.ON_TIME, 0),  # on the due day, before 08:00
        (at(3, 12, 8), Outcome.ON_TIME, 0),  # exactly at the due time
        (at(3, 12, 10), Outcome.LATE, 2),  # two working hours late
        # Thu 08:00–11:30 (3.5 h) + 13:00–17:00 (4 h) + Fri 07:30–09:00 (1.5 h) = 9 h.
        (at(3, 13, 9), Outcome.LATE, 9),
    ],
)
def test_outcome_of_a_finished_dossier(
    finished: dt.datetime, outcome: Outcome, late_hours: float
) -> None:
    result = classify(calendar=CAL, finished_at=finished, due_at=at(3, 12, 8))
    assert result.outcome == outcome
    assert result.late_by_us == int(late_hours * HOUR_US)


def test_rule_set_follows_the_receipt_date() -> None:
    assert ruleset_in_force(dt.date(2025, 6, 30)) is DECREE_61_2018
    assert ruleset_in_force(dt.date(2025, 7, 1)) is DECREE_118_2025_INTERIM
    assert ruleset_in_force(dt.date(2025, 9, 14)) is DECREE_118_2025_INTERIM
    assert ruleset_in_force(dt.date(2025, 9, 15)) is DECREE_118_2025
    assert DECREE_118_2025.supplement_limit == 1 and DECREE_61_2018.supplement_limit is None


def test_dossier_code_per_circular_01_2018() -> None:
    code = dossier_code(
        code_format=CodeFormat.CIRCULAR_01_2018,
        agency_code="000.00.15.H26",
        received_on=dt.date(2026, 2, 13),
        sequence=2,
    )
    assert code == "000.00.15.H26-260213-0002"
    parsed = parse_dossier_code(code, code_format=CodeFormat.CIRCULAR_01_2018)
    assert (
        parsed is not None and parsed.sequence == 2 and parsed.received_on == dt.date(2026, 2, 13)
    )


def test_circular_01_2018_codes_stop_at_9999_a_day() -> None:
    with pytest.raises(SequenceExhausted):
        dossier_code(
            code_format=CodeFormat.CIRCULAR_01_2018,
            agency_code="X",
            received_on=dt.date(2026, 2, 13),
            sequence=10_000,
        )


def test_circular_04_2025_sequence_grows_past_four_digits() -> None:
    code = dossier_code(
        code_format=CodeFormat.CIRCULAR_04_2025,
        agency_code="000.00.15.H26",
        received_on=dt.date(2026, 2, 13),
        sequence=12_345,
        system_id="01",
    )
    assert code == "000.00.15.H26-260213-0112345"
    parsed = parse_dossier_code(code, code_format=CodeFormat.CIRCULAR_04_2025)
    assert parsed is not None and (parsed.system_id, parsed.sequence) == ("01", 12_345)


@pytest.mark.parametrize(
    "text", ["", "abc", "000.00.15.H26-261313-0001", "000.00.15.H26-260213-01"]
)
def test_bad_codes_do_not_parse(text: str) -> None:
    assert parse_dossier_code(text, code_format=CodeFormat.CIRCULAR_01_2018) is None


def test_every_status_has_a_national_code_and_the_terminal_ones_have_no_way_out() -> None:
    assert set(Status) == set(NATIONAL_CODE)
    assert set(NATIONAL_CODE.values()) == set(range(1, 11))
    assert {Status.NOT_RECEIVED, Status.STOPPED, Status.RETURNED} == TERMINAL


def test_every_open_status_has_an_action_leading_out() -> None:
    for status in set(Status) - TERMINAL:
        assert any(
            allowed_in(action, status) and action.leads_to - {status} for action in ACTIONS
        ), status


def test_the_table_is_keyed_by_action_and_names_a_known_authority() -> None:
    assert len(BY_NAME) == len(ACTIONS)
    for action in ACTIONS:
        assert action.authority, action.name
        assert action.leads_to <= set(Status)
        assert not action.irreversible or action.confirm, action.name


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        # The review's findings: a supplement cannot be "received" while fees are awaited.
        ("supplement_received", Status.PAYMENT_REQUESTED, False),
        ("supplement_received", Status.SUPPLEMENT_REQUESTED, True),
        # No payment on a returned dossier; no approval or answer after the end.
        ("record_payment", Status.RETURNED, False),
        ("approve_result", Status.RETURNED, False),
        ("answer_opinion", Status.RETURNED, False),
        # A result is returned only once ready (or refused), never while in process.
        ("return_result", Status.IN_PROCESS, False),
        ("return_result", Status.FINISHED, True),
        ("return_result", Status.REFUSED, True),
        # Decree 118/2025 art. 21: a withdrawal until the decision, not after it.
        ("request_withdrawal", Status.FINISHED, False),
        ("request_withdrawal", Status.SUPPLEMENT_REQUESTED, True),
        # Decree 118/2025 art. 19.5: only an unanswered supplement request is closed.
        ("close_unanswered", Status.IN_PROCESS, False),
    ],
)
def test_the_action_table_decides_which_action_runs_in_which_status(
    action: str, status: Status, allowed: bool
) -> None:
    assert allowed_in(BY_NAME[action], status) is allowed


def test_a_status_change_must_be_one_the_running_action_leads_to() -> None:
    assert may_lead_to(BY_NAME["return_result"], Status.FINISHED, Status.RETURNED)
    assert not may_lead_to(BY_NAME["complete_step"], Status.IN_PROCESS, Status.RETURNED)
    # A withdrawal taken back returns where the request came from, nowhere else.
    assert BY_NAME["cancel_withdrawal"].leads_to == BY_NAME["request_withdrawal"].from_statuses


def test_the_agency_promise_restarts_with_the_legal_time_and_lapses_after_an_apology() -> None:
    stop = ClockStop(at(3, 10, 10), at(3, 12, 14), "Thiếu bản sao giấy phép")
    common = {"calendar": CAL, "received_at": at(3, 9, 8), "amount": 3, "unit": "working_days"}
    promised = compute_deadline(**common, stops=[stop], service_amount=2)
    # Restarted from Thu 12/3 14:00: Thu 3 h, Fri 8 h, Mon 16/3 5 h → 14:00 (legal: Tue 17/3).
    assert promised.service_due_at == at(3, 16, 14)
    assert promised.legal_due_at == at(3, 17, 14)
    assert compute_deadline(**common, service_amount=3).service_due_at is None  # not shorter
    apologised = compute_deadline(**common, service_amount=2, extended_due_at=at(3, 16, 17))
    assert apologised.service_due_at is None
    stopped = compute_deadline(**common, stops=[ClockStop(at(3, 10, 10), None)], service_amount=2)
    assert stopped.service_due_at is None

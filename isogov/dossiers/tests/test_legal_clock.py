"""Legal fidelity of the clock, the windows and the numbers (issue 8 §4).

Every expected value is worked out by hand in the comment beside it, from the 2026 calendar:
Tết 2026 is Mon 16/2–Fri 20/2 (days off), so Fri 13/2 and Mon 23/2 are working days; office
hours 07:30–11:30 and 13:00–17:00 (vn-one-stop-rules.md §4).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from rest_framework.test import APIClient

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.core.errors import ApplicationError, ValidationFailed
from isogov.dossiers import rulesets, services
from isogov.dossiers.deadlines import (
    ClockStop,
    Outcome,
    classify,
    compute_deadline,
    dossier_outcome,
    is_shorter_than_a_day,
)
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.dossiers.rulesets import FormSet
from isogov.dossiers.selectors import dossier_get, dossier_lookup_public
from isogov.dossiers.services.clock import APOLOGY_NOT_WORKING_TIME, supplement_period_end
from isogov.dossiers.tasks import dossiers_close_unanswered
from isogov.dossiers.transitions import Status
from isogov.workcal.engine import CalendarSpec, Unit, WorkingCalendar
from isogov.workcal.national import national_days

from .conftest import act, at, intake

CAL = WorkingCalendar(CalendarSpec(2025, 2027, *national_days(2025, 2027)))


def receive(desk: Any, when: dt.datetime) -> Dossier:
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))


def supplement_requested(desk: Any, received: dt.datetime, requested: dt.datetime) -> Dossier:
    """A dossier received at ``received`` whose desk step is done at once and whose specialist
    asks for a supplement at ``requested``."""
    dossier = receive(desk, received)
    act(received, services.dossier_step_complete, dossier, None)
    act(
        requested,
        services.dossier_request_supplement,
        dossier,
        None,
        reason="Thiếu bản sao giấy phép xuất bản",
        items=["Bản sao giấy phép xuất bản"],
    )
    return dossier


def run_job(when: dt.datetime) -> int:
    with time_machine.travel(when, tick=False):
        return int(dossiers_close_unanswered.call_local())


@pytest.fixture
def agency(desk: Any) -> Any:
    desk.department.short_name = "STTTT"
    desk.department.save(update_fields=["short_name"])
    return desk.department


# --- item 1–2: the 15-day closure, counted in days -------------------------------------------
@pytest.mark.django_db
def test_supplement_of_2_2_2026_runs_to_the_close_of_monday_23_2_after_tet(
    desk: Any, agency: Any
) -> None:
    dossier = supplement_requested(desk, at(2, 2, 8), at(2, 2, 10))
    stop = dossier.clock_stops.get()
    # Civil Code art. 147: the period starts the day after the request, Tue 3/2 (day 1); day 15
    # is 3/2 + 14 = Tue 17/2, a Tết day; art. 148: it runs to the next working day — 18–20/2
    # are Tết, 21–22/2 a weekend — Mon 23/2, and ends at that day's close, 17:00.
    assert supplement_period_end(dossier, stop.started_at) == at(2, 23, 17)
    # The hourly job (minute 15) closed it on 17/2 10:15 before: 15 × 24 h after 2/2 10:00.
    for when in (
        at(2, 17, 10, 15),  # the old 15 × 24 h instant: a Tết day, the period still runs
        at(2, 20, 16, 15),  # Tết
        at(2, 22, 10, 15),  # Sunday
        at(2, 23, 16, 15),  # the last day of the period
        at(2, 23, 17, 15),  # the period has ended, but the office is closed
        at(2, 24, 7, 15),  # not open yet
    ):
        assert run_job(when) == 0, when
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    # The first run in office time of a working day after 23/2 17:00: Tue 24/2 08:15.
    assert run_job(at(2, 24, 8, 15)) == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
    event = DossierEvent.objects.get(dossier=dossier, action="close_unanswered")
    assert event.at == at(2, 24, 8, 15) and CAL.is_working_day(dt.date(2026, 2, 24))
    # It names the unanswered request and its date, and keeps them as data for the notice.
    assert "02/02/2026" in event.message and "17:00 23/02/2026" in event.message
    assert dt.datetime.fromisoformat(event.data["supplement_requested_at"]) == at(2, 2, 10)
    assert dt.datetime.fromisoformat(event.data["period_ended_at"]) == at(2, 23, 17)
    # The stop notice is the agency's first outgoing document of 2026.
    assert (dossier.stop_number, dossier.stop_label) == (1, "1/TB-STTTT")
    assert event.data["number"] == "1/TB-STTTT"


@pytest.mark.django_db
def test_period_ending_before_tet_is_closed_on_the_next_working_day_not_on_a_day_off(
    desk: Any,
) -> None:
    dossier = supplement_requested(desk, at(1, 29, 8), at(1, 29, 10))
    # Requested Thu 29/1: day 1 is Fri 30/1, day 15 is 30/1 + 14 = Fri 13/2, a working day:
    # the period ends Fri 13/2 17:00; the next office time is Mon 23/2 07:30 (weekend, Tết).
    assert supplement_period_end(dossier, dossier.clock_stops.get().started_at) == at(2, 13, 17)
    for when in (at(2, 13, 17, 15), at(2, 14, 10, 15), at(2, 17, 9, 15), at(2, 22, 23, 15)):
        assert run_job(when) == 0, when
    assert run_job(at(2, 23, 8, 15)) == 1
    event = DossierEvent.objects.get(dossier=dossier, action="close_unanswered")
    assert event.at == at(2, 23, 8, 15)


@pytest.mark.django_db
def test_closing_by_hand_before_the_period_has_run_is_refused(desk: Any) -> None:
    dossier = supplement_requested(desk, at(2, 2, 8), at(2, 2, 10))
    with time_machine.travel(at(2, 23, 16, 59), tick=False), pytest.raises(ApplicationError):
        services.dossier_close_unanswered(code=dossier.code)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.stop_number is None


# --- item 9: windows in days are compared by day -----------------------------------------------
@pytest.mark.django_db
def test_supplement_request_during_the_whole_third_working_day_is_allowed(desk: Any) -> None:
    # Received Mon 9/3 08:00. "Không quá 03 ngày làm việc kể từ ngày tiếp nhận": Tue 10/3,
    # Wed 11/3, Thu 12/3 — the whole of Thu 12/3 is in time. (24 working hours from the instant
    # would have ended Thu 08:00 and refused this 16:30 request.)
    dossier = supplement_requested(desk, at(3, 9, 8), at(3, 12, 16, 30))
    assert dossier.status == Status.SUPPLEMENT_REQUESTED


@pytest.mark.django_db
def test_supplement_request_on_the_fourth_working_day_is_refused(desk: Any) -> None:
    with pytest.raises(ApplicationError) as error:
        supplement_requested(desk, at(3, 9, 8), at(3, 13, 7, 45))  # Fri 13/3: day 4
    assert error.value.code == "supplement_too_late"


@pytest.mark.django_db
def test_apology_on_the_working_day_before_the_due_day_is_in_time(desk: Any, agency: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))  # 3 working days: due Thu 12/3 08:00
    assert dossier.promised_due_at == at(3, 12, 8)
    # "Chậm nhất 01 ngày trước ngày hết hạn": the working day before Thu 12/3 is Wed 11/3, all
    # of it. Working time from Wed 16:45 to Thu 08:00 is only 0.75 h, which the hour count
    # refused.
    act(
        at(3, 11, 16, 45),
        services.dossier_apologise,
        dossier,
        None,
        new_due_at=at(3, 16, 17),
        reason="Chờ ý kiến phối hợp",
    )
    extension = dossier.extensions.get()
    assert dossier.promised_due_at == at(3, 16, 17)
    # Item 11: the apology is the agency's first outgoing document of 2026.
    assert (extension.outgoing_number, extension.outgoing_label) == (1, "1/PXL-STTTT")


# --- item 10: the new appointment is in office hours of a working day --------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "new_due",
    [
        at(3, 14, 9),  # Saturday
        at(3, 16, 12),  # Monday, lunch break (11:30–13:00)
        at(3, 16, 17, 1),  # Monday, after the close
        at(4, 30, 9),  # Thursday 30/4, a national holiday
    ],
)
def test_apology_to_a_time_the_desk_is_closed_is_refused_naming_new_due_at(
    desk: Any, new_due: dt.datetime
) -> None:
    dossier = receive(desk, at(3, 9, 8))
    with pytest.raises(ValidationFailed) as error:
        act(
            at(3, 10, 9),
            services.dossier_apologise,
            dossier,
            None,
            new_due_at=new_due,
            reason="Chờ phối hợp",
        )
    assert error.value.details == {"new_due_at": [str(APOLOGY_NOT_WORKING_TIME)]}
    dossier.refresh_from_db()
    assert dossier.appointment_moves == 0 and not dossier.extensions.exists()


@pytest.mark.django_db
def test_apology_to_a_saturday_through_the_api_is_400_naming_new_due_at(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    client = APIClient()
    client.login(username="lanhdao", password=DEMO_PASSWORD)
    with time_machine.travel(at(3, 10, 9), tick=False):
        response = client.post(
            f"/api/v1/dossiers/{dossier.code}/actions/apologise/",
            {"version": dossier.version, "new_due_at": "2026-03-14T09:00:00+07:00", "reason": "x"},
            format="json",
        )
    assert response.status_code == 400
    assert "new_due_at" in response.json()["error"]["details"]


# --- item 11: one register of outgoing documents per agency and year ---------------------------
@pytest.mark.django_db
def test_stop_and_apology_share_the_yearly_register_of_outgoing_documents(
    desk: Any, agency: Any
) -> None:
    first, second = receive(desk, at(3, 9, 8)), receive(desk, at(3, 9, 9))
    act(at(3, 9, 10), services.dossier_request_withdrawal, first, None, reason="Xin rút")
    act(at(3, 9, 11), services.dossier_stop, first, None, reason="Dừng theo đề nghị")
    act(
        at(3, 10, 9),
        services.dossier_apologise,
        second,
        None,
        new_due_at=at(3, 16, 17),
        reason="Chờ phối hợp",
    )
    # 2026's register: 1 = the stop notice, 2 = the apology; symbols from the settings.
    assert first.stop_label == "1/TB-STTTT"
    assert second.extensions.get().outgoing_label == "2/PXL-STTTT"
    # A new year starts the register again at 1.
    third = receive(desk, at(1, 5, 8, year=2027))
    act(at(1, 5, 9, year=2027), services.dossier_request_withdrawal, third, None, reason="Rút")
    act(at(1, 5, 10, year=2027), services.dossier_stop, third, None, reason="Dừng")
    assert third.stop_label == "1/TB-STTTT"


# --- item 8: dossier codes carry the receipt date; refused visits take none --------------------
@pytest.mark.django_db
def test_online_dossier_gets_its_code_with_the_receipt_date_and_keeps_its_reference(
    desk: Any,
) -> None:
    with time_machine.travel(at(3, 6, 16), tick=False):  # Fri 6/3 16:00
        online = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    # Not received yet: a reference of the agency's 2026 online series, no date segment.
    assert online.code == online.reference == "000.00.15.H26-TT-2026-0001"
    assert online.rating_token is None  # the rating link comes with the receipt
    act(at(3, 9, 8), services.dossier_accept, online, None)
    # Received through the desk's one receipt path: its rating link for form 01, stored.
    stored = Dossier.objects.get(pk=online.pk).rating_token
    assert stored and stored == online.rating_token and stored != online.access_token
    # Accepted Mon 9/3 08:00 as the first dossier received that day: 260309-0001, not 260306.
    assert online.code == "000.00.15.H26-260309-0001"
    assert online.reference == "000.00.15.H26-TT-2026-0001"
    # The tracking reference the citizen was given still finds the dossier.
    assert dossier_lookup_public(code=online.reference, phone="0912 345 678") == online
    assert dossier_get(user=desk.user("motcua"), code=online.reference) == online
    assert receive(desk, at(3, 9, 9)).code == "000.00.15.H26-260309-0002"


@pytest.mark.django_db
def test_visit_refused_or_returned_at_intake_takes_a_slip_number_not_a_dossier_code(
    desk: Any,
) -> None:
    officer = desk.user("motcua")
    with time_machine.travel(at(3, 9, 8), tick=False):
        refused = services.dossier_intake_refuse(
            actor=officer, data=intake(desk), reason="Không thuộc thẩm quyền của Sở"
        )
        returned = services.dossier_intake_incomplete(
            actor=officer, data=intake(desk), reason="Thiếu đơn", items=["Đơn đề nghị"]
        )
    # The agency's 2026 slip series, one number each (form 03 then form 02).
    assert (refused.slip_number, returned.slip_number) == ("PT-2026-0001", "PT-2026-0002")
    assert refused.code == "000.00.15.H26-PT-2026-0001"
    assert refused.register_line is None and returned.register_line is None
    # Neither used a number of the day's series: the first dossier received on 9/3 is 0001,
    # and it is the first line of the 2026 register.
    received = receive(desk, at(3, 9, 9))
    assert (received.code, received.register_line) == ("000.00.15.H26-260309-0001", 1)
    # Completed later (after form 02), the visit is received: then it takes a code of that day.
    act(at(3, 10, 8), services.dossier_accept, returned, None)
    assert returned.code == "000.00.15.H26-260310-0001" and returned.register_line == 2


# --- item 12: steps shorter than a day can be early --------------------------------------------
@pytest.mark.parametrize(
    ("finished", "by_day", "outcome"),
    [
        # A 2-hour step due Mon 9/3 10:00.
        (at(3, 9, 9, 59), False, Outcome.EARLY),  # before the due time
        (at(3, 9, 10), False, Outcome.ON_TIME),  # at it
        (at(3, 9, 10, 1), False, Outcome.LATE),  # after it
        (at(3, 9, 9, 59), True, Outcome.ON_TIME),  # a day-level step: the due day is on time
    ],
)
def test_a_step_shorter_than_a_day_compares_instants(
    finished: dt.datetime, by_day: bool, outcome: Outcome
) -> None:
    result = classify(calendar=CAL, finished_at=finished, due_at=at(3, 9, 10), by_day=by_day)
    assert result.outcome == outcome


@pytest.mark.parametrize(
    ("amount", "unit", "shorter"),
    [
        (Decimal("0.25"), Unit.WORKING_DAYS, True),  # 2 of 8 working hours
        (Decimal("1"), Unit.WORKING_DAYS, False),
        (Decimal("7.5"), Unit.WORKING_HOURS, True),
        (Decimal("8"), Unit.WORKING_HOURS, False),  # one standard working day
        (Decimal("0"), Unit.SAME_DAY, False),  # "trong ngày" is judged by day
    ],
)
def test_shorter_than_a_day_is_measured_in_the_standard_working_day(
    amount: Decimal, unit: Unit, shorter: bool
) -> None:
    assert is_shorter_than_a_day(CAL, amount, unit) is shorter


@pytest.mark.django_db
def test_desk_step_finished_before_its_due_time_is_early(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))
    # The desk step is 0.25 day = 2 working hours: due Mon 9/3 10:00; done at 09:00.
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    step = dossier.steps.order_by("order").first()
    assert step is not None and step.due_at == at(3, 9, 10)
    assert step.outcome == Outcome.EARLY


# --- item 13: "đầu giờ" of the next working day ------------------------------------------------
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(3, 9, 14, 59), at(3, 9, 17)),  # before 15:00: the same working day
        (at(3, 9, 15, 30), at(3, 10, 8, 30)),  # after 15:00: Tue opening 07:30 + 1 working hour
        (at(2, 13, 16), at(2, 23, 8, 30)),  # Fri before Tết: Mon 23/2 08:30
        (at(3, 14, 10), at(3, 16, 8, 30)),  # Saturday (online): Mon 08:30
    ],
)
def test_transfer_after_15h_is_due_by_the_first_working_hour_of_the_next_day(
    received: dt.datetime, due: dt.datetime
) -> None:
    assert services.transfer_due_at(CAL, received) == due


def test_transfer_hours_follow_the_rule_set() -> None:
    # Two working hours from Tue 10/3 07:30: 09:30.
    assert services.transfer_due_at(CAL, at(3, 9, 15, 30), next_day_working_hours=2) == at(
        3, 10, 9, 30
    )


# --- item 15: open questions are rule-set options ------------------------------------------------
@pytest.mark.parametrize(
    ("late_after_apology", "finished", "outcome"),
    [
        # Legal due Thu 12/3 08:00, moved by an apology to Mon 16/3 17:00.
        (True, at(3, 11, 16), Outcome.LATE),  # before the legal due time, but apologised
        (False, at(3, 11, 16), Outcome.EARLY),  # Wed, a day before the new appointment's day
        (False, at(3, 16, 16), Outcome.ON_TIME),  # on the new appointment's day
        (False, at(3, 17, 8), Outcome.LATE),  # after the new appointment
    ],
)
def test_late_after_apology_is_a_rule_set_option(
    late_after_apology: bool, finished: dt.datetime, outcome: Outcome
) -> None:
    result = dossier_outcome(
        calendar=CAL,
        finished_at=finished,
        legal_due_at=at(3, 12, 8),
        promised_due_at=at(3, 16, 17),
        appointment_moved=True,
        late_after_apology=late_after_apology,
        amount=3,
        unit=Unit.WORKING_DAYS,
    )
    assert result.outcome == outcome


def test_a_pause_moves_the_due_time_by_the_working_time_waited() -> None:
    # 3 working days from Mon 9/3 08:00: Thu 12/3 08:00. Paused Tue 10/3 10:00 – Wed 11/3
    # 10:00: 1.5 h + 4 h on Tuesday, 2.5 h on Wednesday = 8 working hours, so Fri 13/3 08:00.
    paused = compute_deadline(
        calendar=CAL,
        received_at=at(3, 9, 8),
        amount=3,
        unit=Unit.WORKING_DAYS,
        pauses=[ClockStop(at(3, 10, 10), at(3, 11, 10))],
    )
    assert paused.legal_due_at == at(3, 13, 8) and paused.waiting_us == 8 * 3_600_000_000
    waiting = compute_deadline(
        calendar=CAL,
        received_at=at(3, 9, 8),
        amount=3,
        unit=Unit.WORKING_DAYS,
        pauses=[ClockStop(at(3, 10, 10), None)],
    )
    assert waiting.legal_due_at is None


def pay(desk: Any, dossier: Dossier) -> None:
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(at(3, 10, 10), services.dossier_request_payment, dossier, None)


@pytest.mark.django_db
def test_payment_time_counts_against_the_agency_by_default(desk: Any) -> None:
    dossier = receive(desk, at(3, 9, 8))  # due Thu 12/3 08:00
    pay(desk, dossier)
    assert dossier.due_at == at(3, 12, 8)
    act(
        at(3, 11, 10),
        services.dossier_record_payment,
        dossier,
        None,
        amount_vnd=50_000,
        method="cash",
        receipt_number="BL-0001",
    )
    assert dossier.status == Status.IN_PROCESS and dossier.due_at == at(3, 12, 8)


@pytest.mark.django_db
def test_a_rule_set_may_leave_the_payment_time_out(desk: Any, monkeypatch: Any) -> None:
    sector = dataclasses.replace(rulesets.DECREE_118_2025, payment_time_counts=False)
    monkeypatch.setattr(
        rulesets, "RULE_SETS", (rulesets.DECREE_61_2018, rulesets.DECREE_118_2025_INTERIM, sector)
    )
    dossier = receive(desk, at(3, 9, 8))  # due Thu 12/3 08:00
    pay(desk, dossier)  # Tue 10/3 10:00: the clock pauses
    assert dossier.due_at is None
    act(
        at(3, 11, 10),
        services.dossier_record_payment,
        dossier,
        None,
        amount_vnd=50_000,
        method="cash",
        receipt_number="BL-0001",
    )
    # Paid Wed 11/3 10:00 after 8 working hours of waiting (see the pure test): Fri 13/3 08:00.
    assert dossier.status == Status.IN_PROCESS and dossier.due_at == at(3, 13, 8)
    assert dossier.waiting_seconds == 8 * 3600


# --- item 14: the Circular 03/2025 forms from the circular's date --------------------------------
@pytest.mark.django_db
def test_forms_follow_circular_03_2025_from_its_date_and_stored_dossiers_move(desk: Any) -> None:
    # Received Mon 4/8/2025: Decree 118/2025 is in force, Circular 03/2025 not yet.
    assert rulesets.ruleset_in_force(dt.date(2025, 8, 4)).form_set == FormSet.CIRCULAR_01_2018
    august, march = receive(desk, at(3, 9, 9)), receive(desk, at(3, 9, 10))
    assert march.ruleset == "nd118-2025"
    # A dossier stored as "nd118-2025" but received before 15/9/2025 (the catalogue has no
    # version in force then, so its receipt time is set here): migration 0006 moves it.
    Dossier.objects.filter(pk=august.pk).update(received_at=at(8, 4, 9, year=2025))
    migration = importlib.import_module("isogov.dossiers.migrations.0006_ruleset_circular_03_2025")
    migration.forward(django_apps, None)
    august.refresh_from_db()
    march.refresh_from_db()
    assert (august.ruleset, march.ruleset) == ("nd118-2025-tt01", "nd118-2025")
    assert rulesets.ruleset_by_code(august.ruleset).form_set == FormSet.CIRCULAR_01_2018

"""Decision 766 indicators on the crafted dataset (tests/conftest.py), expectations by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from isogov.indicators.registry import Scope, State, evaluate_all, measure

from .conftest import March

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_on_time_rate_counts_the_end_withdrawal_and_open_dossiers(march: March, desk: Any) -> None:
    result = measure("2.1", Scope(agency=desk.department), *MARCH)
    # Handled in March: A, B, D1, D2, E (F ended in February). On time: A (finished exactly at
    # 09:00 on its due time), D1 (open on 31/3, due 2/4), E (withdrawn 4/3, due 6/3).
    # Late: B (one minute after), D2 (open on 31/3, due 30/3). 3 ÷ 5 = 60.00 %.
    assert (result.numerator, result.denominator, result.value) == (3, 5, Decimal("60.00"))
    assert result.state == State.OK
    # 20 points × 60 % (full at 100 %).
    assert (result.points, result.max_points) == (Decimal("12.00"), Decimal("20"))


def test_the_whole_set_reads_the_counts_behind_the_leader_dashboard(
    march: March, desk: Any
) -> None:
    by_code = {
        r.code: r for r in evaluate_all(Scope(agency=desk.department), *MARCH, group_prefix="")
    }
    values = {code: by_code[code].numerator for code in by_code if code.startswith("count.")}
    assert values == {
        "count.received": 5,  # A, B, D1, D2, E
        "count.finished": 2,  # A, B (a stop is not a finished processing)
        "count.finished_late": 1,  # B
        "count.overdue_at_end": 1,  # D2
        "count.open_at_end": 2,  # D1, D2
        "count.stopped": 1,  # E
    }
    # 2.2: A took 3 days, B 3 days and 1 minute: 6.00 days ÷ 2 = 3.00 days.
    assert (by_code["2.2"].numerator, by_code["2.2"].denominator) == (Decimal("6.00"), 2)
    assert by_code["2.2"].value == Decimal("3.00")
    # 3.3: none of the five came online: 0 ÷ 5.
    assert (by_code["3.3"].numerator, by_code["3.3"].denominator, by_code["3.3"].value) == (
        0,
        5,
        Decimal("0.00"),
    )
    # 4.1: A and B have a result number but no signed file stored: 0 ÷ 2.
    assert (by_code["4.1"].numerator, by_code["4.1"].denominator) == (0, 2)


@pytest.mark.parametrize("code", ["1.4", "3.5", "4.3", "4.4", "4.5", "5.1", "5.2", "5.3", "5.4"])
def test_indicators_without_data_say_so_instead_of_a_figure(
    march: March, desk: Any, code: str
) -> None:
    result = measure(code, Scope(agency=desk.department), *MARCH)
    assert result.state == State.NO_DATA
    assert (result.numerator, result.denominator, result.value, result.points) == (
        None,
        None,
        None,
        None,
    )


def test_a_period_without_dossiers_is_not_applicable_not_zero(march: March, desk: Any) -> None:
    for code in ("2.1", "2.2", "3.3", "3.6", "4.1", "4.2"):
        result = measure(
            code, Scope(agency=desk.department), dt.date(2026, 1, 1), dt.date(2026, 1, 31)
        )
        assert result.state == State.NOT_APPLICABLE, code
        assert (result.denominator, result.value, result.points) == (0, None, None), code


def test_a_scope_narrowed_to_another_agency_sees_none_of_them(march: March, desk: Any) -> None:
    result = measure("2.1", Scope(agency=desk.other), *MARCH)
    assert (result.numerator, result.denominator, result.value) == (0, 0, None)


def test_the_period_before_counts_the_february_dossier_only(march: March, desk: Any) -> None:
    result = measure(
        "2.1", Scope(agency=desk.department), dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    )
    # F: received 2/2, every step at its due time: finished exactly at its appointment.
    assert (result.numerator, result.denominator) == (1, 1)


def test_more_than_one_supplement_request_is_late_even_when_finished_early(desk: Any) -> None:
    from isogov.catalog.models import ProcedureVersion
    from isogov.dossiers import services
    from isogov.dossiers.tests.conftest import act, at

    from .conftest import receive

    # Decree 61/2018 allowed several requests: a dossier received on Mon 2/6/2025 (the sample
    # version is moved back to be in force then).
    ProcedureVersion.objects.filter(procedure__code="1.014464").update(
        effective_from=dt.date(2025, 1, 1)
    )
    dossier = receive(desk, at(6, 2, 8, year=2025))
    act(at(6, 2, 9, year=2025), services.dossier_step_complete, dossier, None)
    for requested, answered in (((6, 3, 9), (6, 3, 14)), ((6, 4, 9), (6, 4, 10))):
        act(
            at(*requested, year=2025),
            services.dossier_request_supplement,
            dossier,
            None,
            reason="Thiếu giấy tờ",
            items=["Bản sao giấy phép"],
        )
        act(at(*answered, year=2025), services.dossier_supplement_received, dossier, None)
    dossier.refresh_from_db()
    assert dossier.supplement_count == 2
    # Restarted from zero on Wed 4/6 10:00: due Mon 9/6 10:00; finished on Thu 5/6.
    assert dossier.due_at == at(6, 9, 10, year=2025)
    from .conftest import finish

    finish(dossier, last_at=at(6, 5, 15, year=2025))
    june = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    result = measure("2.1", Scope(agency=desk.department), *june)
    assert (result.numerator, result.denominator, result.value) == (0, 1, Decimal("0.00"))
    # 2.2 leaves out the two waits (3/6 09:00–14:00 and 4/6 09:00–10:00, 6 h): received 2/6
    # 08:00, finished 5/6 15:00 = 3 days 7 h; less 6 h = 3 days 1 h = 3.04 days.
    average = measure("2.2", Scope(agency=desk.department), *june)
    assert (average.denominator, average.value) == (1, Decimal("3.04"))


def test_dossiers_paid_online_over_those_with_fees(march: March, desk: Any) -> None:
    from isogov.dossiers import services
    from isogov.dossiers.models import DossierFee
    from isogov.dossiers.tests.conftest import act, at

    # D1 and D2 owe a fee (as pinned at intake from a channel with fees); D1 pays it online,
    # D2 at the desk in cash. A, B and E owe nothing.
    for dossier in (march.open_within, march.open_overdue):
        DossierFee.objects.create(dossier=dossier, name="Lệ phí", amount_vnd=100_000)
    for dossier, method in ((march.open_within, "online"), (march.open_overdue, "cash")):
        act(
            at(3, 31, 9),
            services.dossier_record_payment,
            dossier,
            None,
            amount_vnd=100_000,
            method=method,
            receipt_number=f"BL-{dossier.pk}",
        )
    result = measure("3.6", Scope(agency=desk.department), *MARCH)
    assert (result.numerator, result.denominator, result.value) == (1, 2, Decimal("50.00"))

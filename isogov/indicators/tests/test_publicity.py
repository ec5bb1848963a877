"""Decision 766 group 1 on the sample catalogue, with dates set by hand (2026 calendar)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from isogov.catalog.models import AgencyProcedure, ProcedureVersion
from isogov.dossiers.tests.conftest import VN
from isogov.indicators.registry import Scope, State, measure

pytestmark = pytest.mark.django_db
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def decided(desk: Any) -> tuple[ProcedureVersion, ProcedureVersion]:
    ids = AgencyProcedure.objects.filter(agency=desk.department).values("procedure_id")
    versions = ProcedureVersion.objects.filter(procedure_id__in=ids).exclude(status="draft")
    versions.update(decision_date=None)
    first, second = versions.order_by("procedure__code")[:2]
    # First: decided Mon 2/3, in force Mon 9/3: 5 working days before is Mon 2/3 → on time;
    # published Tue 10/3, after the 5th working day after the decision (Mon 9/3) → late.
    # Second: decided Wed 4/3, in force Mon 9/3 → late; published Thu 5/3 (by Wed 11/3) → on time.
    for version, decided_on, published in (
        (first, dt.date(2026, 3, 2), dt.datetime(2026, 3, 10, 9, tzinfo=VN)),
        (second, dt.date(2026, 3, 4), dt.datetime(2026, 3, 5, 9, tzinfo=VN)),
    ):
        ProcedureVersion.objects.filter(pk=version.pk).update(
            decision_date=decided_on,
            effective_from=dt.date(2026, 3, 9),
            effective_to=None,
            published_at=published,
            authority="Sở Khoa học và Công nghệ",
            steps_text="Nộp hồ sơ; thẩm định; trả kết quả.",
            result="Giấy chứng nhận",
        )
    # The second lacks its result: not complete (1.3).
    ProcedureVersion.objects.filter(pk=second.pk).update(result="")
    return first, second


def test_published_on_time_against_the_date_it_takes_effect(decided: Any, desk: Any) -> None:
    result = measure("1.1", Scope(agency=desk.department), *MARCH)
    assert (result.numerator, result.denominator, result.value) == (1, 2, Decimal("50.00"))
    assert result.points == Decimal("2.00")  # 4 points × 50 %


def test_made_public_within_five_working_days_of_the_decision(decided: Any, desk: Any) -> None:
    result = measure("1.2", Scope(agency=desk.department), *MARCH)
    assert (result.numerator, result.denominator, result.value) == (1, 2, Decimal("50.00"))


def test_published_with_every_component(decided: Any, desk: Any) -> None:
    first, _second = decided
    result = measure("1.3", Scope(agency=desk.department), *MARCH)
    complete = bool(
        first.channels.exists() and first.papers.exists() and first.legal_bases.exists()
    )
    assert (result.numerator, result.denominator) == (int(complete), 2)
    assert complete  # the sample's first procedure has channels, papers and legal bases


def test_no_decision_in_the_period_is_not_applicable(decided: Any, desk: Any) -> None:
    result = measure(
        "1.1", Scope(agency=desk.department), dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    )
    assert (result.state, result.denominator, result.value) == (State.NOT_APPLICABLE, 0, None)

"""Indicators 5.1–5.4 and the survey scores over a small crafted April 2026, hand-computed.

Items received in April (5): I1 answered in time and rated dissatisfied; I2 answered late
(due Tue 28/4 17:00: 15 working days after Mon 6/4, Mon 27/4 a holiday); I3 unclassified,
unanswered and within its deadline at the period's end, about dossier D4; I4 refused in time,
a repeat; I6 opened by D2's dissatisfied rating, unclassified, within its deadline.
Dossiers handled (4): D1 and D2 on time, D3 a minute late, D4 on time.
Token ratings: D1 very satisfied (attitude satisfied), D2 dissatisfied (attitude
dissatisfied), none answering the online-service question. Counter tablet: satisfied, neutral.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine

from isogov.dossiers.tests.conftest import at
from isogov.feedback import services as feedback_services
from isogov.feedback.tests.helpers import run, submit
from isogov.indicators.registry import Scope, State, compute_all

from .conftest import finish, receive, return_result

CODES = [
    "5.1",
    "5.2",
    "5.3",
    "5.4",
    "survey.overall",
    "survey.attitude",
    "survey.online_service",
    "survey.kiosk",
]


def _april(desk: Any) -> None:
    motcua, chuyenvien = desk.user("motcua"), desk.user("chuyenvien")
    unit = str(desk.department.units.get(code="BCXB").pk)
    d1 = receive(desk, at(4, 6, 9))
    finish(d1)
    return_result(d1, at(4, 10, 9))
    d2 = receive(desk, at(4, 6, 10))
    finish(d2)
    return_result(d2, at(4, 10, 10))
    d3 = receive(desk, at(4, 7, 9))
    assert d3.due_at == at(4, 10, 9)
    finish(d3, last_at=at(4, 10, 9, 1))
    d4 = receive(desk, at(4, 8, 9))
    finish(d4)
    for dossier, overall, attitude in (
        (d1, "very_satisfied", "satisfied"),
        (d2, "dissatisfied", "dissatisfied"),
    ):
        rating = feedback_services.rating_invite(dossier=dossier)
        with time_machine.travel(at(4, 13, 9), tick=False):
            feedback_services.rating_submit(
                token=rating.token or "", data={"overall": overall, "attitude": attitude}
            )
    for overall in ("satisfied", "neutral"):
        with time_machine.travel(at(4, 14, 9), tick=False):
            feedback_services.rating_kiosk_submit(
                actor=motcua,
                agency=desk.department,
                officer_id=str(motcua.pk),
                data={"overall": overall},
            )
    i1 = submit(desk, at(4, 6, 10))
    run(i1, at(4, 7, 9), "classify", motcua, kind="procedure", unit=unit)
    run(i1, at(4, 10, 9), "answer", chuyenvien, answer="Đã trả lời.")
    run(i1, at(4, 13, 9), "rate_answer", rating="dissatisfied")
    i2 = submit(desk, at(4, 6, 10))
    run(i2, at(4, 7, 9), "classify", motcua, kind="conduct", unit=unit)
    i2 = run(i2, at(4, 29, 9), "answer", chuyenvien, answer="Trả lời muộn.")
    assert i2.answer_due_at == at(4, 28, 17)
    submit(desk, at(4, 20, 10), dossier_code=d4.code)
    i4 = submit(desk, at(4, 21, 10))
    run(i4, at(4, 21, 11), "classify", motcua, kind="procedure", unit=unit, is_repeat="1")
    run(i4, at(4, 22, 9), "refuse", motcua, reason="Đã trả lời ngày 10/4.")
    submit(desk, at(3, 2, 10))  # March: outside the period


def _values(desk: Any, first: dt.date, last: dt.date) -> dict[str, Any]:
    results = compute_all(Scope(desk.department), first, last, only=CODES)
    return {r.code: (r.state, r.numerator, r.denominator, r.value) for r in results}


def test_indicators_5_and_the_survey_on_a_crafted_april(desk: Any) -> None:
    _april(desk)
    got = _values(desk, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    ok = State.OK
    assert got["5.1"] == (ok, 3, 5, Decimal("60.00"))  # I1, I2, I4 classified
    assert got["5.2"] == (ok, 4, 5, Decimal("80.00"))  # all but I2
    assert got["5.3"] == (ok, 2, 5, Decimal("40.00"))  # less I1 (rated), I2 (late), I4 (repeat)
    # 4 handled − 1 late (D3) − 2 with a petition or a dislike (D2, D4) = 1 of 4.
    assert got["5.4"] == (ok, 1, 4, Decimal("25.00"))
    assert got["survey.overall"] == (ok, 1, 2, Decimal("50.00"))
    assert got["survey.attitude"] == (ok, 1, 2, Decimal("50.00"))
    # Ratings exist but none answered this question: a zero denominator, "N/A".
    assert got["survey.online_service"] == (State.NOT_APPLICABLE, 0, 0, None)
    assert got["survey.kiosk"] == (ok, 1, 2, Decimal("50.00"))  # lower trust, counted apart


def test_a_period_without_petitions_or_ratings_has_no_data(desk: Any) -> None:
    _april(desk)
    got = _values(desk, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert {code: value[0] for code, value in got.items()} == dict.fromkeys(CODES, State.NO_DATA)


def test_the_officer_scope_counts_the_items_about_that_officer(desk: Any) -> None:
    _april(desk)
    results = compute_all(
        Scope(desk.department, officer=desk.user("motcua")),
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 30),
        only=["5.1", "survey.kiosk"],
    )
    by_code = {r.code: r for r in results}
    # Only I6 names an officer (D2's receiver, motcua): unclassified.
    assert (by_code["5.1"].numerator, by_code["5.1"].denominator) == (0, 1)
    assert (by_code["survey.kiosk"].numerator, by_code["survey.kiosk"].denominator) == (1, 2)

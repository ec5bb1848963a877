"""The handling deadlines of indicator 5.2 over the working calendar, hand-computed.

April–May 2026: Sat 25/4 and Sun 26/4 weekend (26/4 Hùng Kings), Mon 27/4 its day in lieu,
Thu 30/4 and Fri 1/5 holidays, Sat 2/5 and Sun 3/5 weekend. From Wed 22/4 the working days
are: 23/4 (1), 24/4 (2), 28/4 (3), 29/4 (4), 4/5 (5), 5/5–8/5 (6–9), 11/5–15/5 (10–14),
18/5 (15). Each period ends at the close of office hours (17:00) of its last day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from isogov.dossiers.tests.conftest import at
from isogov.feedback.deadlines import Facts, is_on_time
from isogov.feedback.models import FeedbackKind, FeedbackSetting
from isogov.feedback.selectors import deadline_days_on

from .helpers import run, submit


def test_due_times_skip_the_weekend_and_the_holidays(demo: Any) -> None:
    item = submit(demo, at(4, 22, 10))
    assert item.refuse_due_at == at(4, 24, 17)
    assert item.info_due_at == at(5, 4, 17)
    assert item.answer_due_at == at(5, 18, 17)
    assert item.publish_due_at is None


def test_information_supplied_restarts_the_answer_and_publication_follows_it(demo: Any) -> None:
    item = submit(demo, at(4, 22, 10), consent_publish="1")
    motcua = demo.user("motcua")
    unit = demo.department.units.get(code="BCXB")
    run(item, at(4, 23, 9), "classify", motcua, kind=FeedbackKind.PROCEDURE, unit=str(unit.pk))
    run(item, at(4, 29, 9), "request_info", motcua, request="Xin cho biết tên thủ tục.")
    item = run(item, at(5, 7, 9), "supply_info", information="Thủ tục cấp giấy chứng nhận CFS.")
    # 15 working days after Thu 7/5: 8/5 (1), 11–15/5 (2–6), 18–22/5 (7–11), 25–28/5 (12–15).
    assert item.answer_due_at == at(5, 28, 17)
    assert item.refuse_due_at == at(4, 24, 17)  # still from receipt
    item = run(item, at(5, 29, 9), "answer", motcua, answer="Hồ sơ gồm 01 bộ.")
    # Published within 2 working days of Fri 29/5: Mon 1/6 (1), Tue 2/6 (2).
    assert item.publish_due_at == at(6, 2, 17)


def test_a_later_setting_applies_to_items_received_from_its_date(demo: Any) -> None:
    FeedbackSetting.objects.create(key="answer", effective_from=dt.date(2026, 5, 1), value=10)
    assert deadline_days_on(dt.date(2026, 4, 30)).answer == 15
    assert deadline_days_on(dt.date(2026, 5, 1)).answer == 10
    before = submit(demo, at(4, 22, 10))
    after = submit(demo, at(5, 4, 10))
    assert before.answer_due_at == at(5, 18, 17)
    # 10 working days after Mon 4/5: 5/5–8/5 (1–4), 11/5–15/5 (5–9), 18/5 (10).
    assert after.answer_due_at == at(5, 18, 17)
    assert after.refuse_due_at == at(5, 6, 17)


def _facts(**kwargs: Any) -> Facts:
    base: dict[str, Any] = {
        "refused_at": None,
        "refuse_due_at": at(4, 24, 17),
        "info_requested_at": None,
        "info_due_at": at(5, 4, 17),
        "answered_at": None,
        "answer_due_at": at(5, 18, 17),
        "consent_publish": False,
        "published_at": None,
        "publish_due_at": None,
        "waiting_for_submitter": False,
    }
    return Facts(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("facts", "cutoff", "expected"),
    [
        pytest.param(
            _facts(answered_at=at(5, 18, 17)), at(6, 1, 9), True, id="answered_at_the_deadline"
        ),
        pytest.param(
            _facts(answered_at=at(5, 19, 8)), at(6, 1, 9), False, id="answered_a_day_late"
        ),
        pytest.param(_facts(refused_at=at(4, 24, 16)), at(6, 1, 9), True, id="refused_in_time"),
        pytest.param(_facts(refused_at=at(4, 28, 8)), at(6, 1, 9), False, id="refused_too_late"),
        pytest.param(
            _facts(info_requested_at=at(5, 5, 9), answered_at=at(5, 6, 9)),
            at(6, 1, 9),
            False,
            id="information_asked_for_too_late",
        ),
        pytest.param(_facts(), at(5, 18, 17), True, id="unanswered_still_within"),
        pytest.param(_facts(), at(5, 19, 8), False, id="unanswered_past_the_deadline"),
        pytest.param(
            _facts(waiting_for_submitter=True, info_requested_at=at(4, 28, 9)),
            at(6, 1, 9),
            True,
            id="waiting_for_the_submitter",
        ),
        pytest.param(
            _facts(
                answered_at=at(5, 15, 9),
                consent_publish=True,
                publish_due_at=at(5, 19, 17),
            ),
            at(5, 20, 9),
            False,
            id="consented_answer_not_published_in_time",
        ),
        pytest.param(
            _facts(
                answered_at=at(5, 15, 9),
                consent_publish=True,
                publish_due_at=at(5, 19, 17),
                published_at=at(5, 19, 10),
            ),
            at(6, 1, 9),
            True,
            id="published_in_time",
        ),
    ],
)
def test_on_time_for_indicator_5_2(facts: Facts, cutoff: dt.datetime, expected: bool) -> None:
    assert is_on_time(facts, cutoff=cutoff) is expected

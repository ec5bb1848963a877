"""A small crafted dataset driven through the dossier services with the clock moved.

March 2026 (Mon 2/3 … Tue 31/3), the CFS procedure: 3 working days, office hours 07:30–11:30
and 13:00–17:00, so a dossier received at 09:00 on a Monday is due at 09:00 on Thursday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import act, at, intake
from isogov.dossiers.transitions import Status


def receive(desk: Any, when: dt.datetime, **kwargs: Any) -> Dossier:
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(actor=desk.user("motcua"), data=intake(desk, **kwargs))


def finish(dossier: Dossier, *, last_at: dt.datetime | None = None) -> Dossier:
    """Complete every step exactly at its due time (the last one at ``last_at`` if given)."""
    dossier.refresh_from_db()
    while dossier.status != Status.FINISHED:
        step = dossier.current_step
        assert step is not None and step.due_at is not None
        when = step.due_at
        dossier_after = Dossier.objects.get(pk=dossier.pk)
        is_last = dossier_after.steps.filter(order__gt=step.order, is_counted=True).count() == 0
        if is_last and last_at is not None:
            when = last_at
        act(when, services.dossier_step_complete, dossier, None)
    return dossier


def return_result(dossier: Dossier, when: dt.datetime) -> Dossier:
    act(
        when,
        services.dossier_record_result,
        dossier,
        None,
        number=f"{dossier.pk}/GCN-STTTT",
        summary="Cấp giấy chứng nhận CFS",
        signer="Trần Thị Lãnh",
    )
    act(when, services.dossier_approve_result, dossier, None)
    act(when, services.dossier_return_result, dossier, None, method="at_desk")
    return dossier


@dataclass
class March:
    at_appointment: Dossier  # A: finished exactly at its appointment, returned
    late_one_minute: Dossier  # B: finished one minute after it, returned
    open_within: Dossier  # D1: unfinished on 31/3, due 2/4
    open_overdue: Dossier  # D2: unfinished on 31/3, due 30/3
    withdrawn: Dossier  # E: withdrawn and stopped before its appointment
    february: Dossier  # F: received and finished in February


@pytest.fixture
def march(desk: Any) -> March:
    a = receive(desk, at(3, 2, 9))
    assert a.due_at == at(3, 5, 9)
    finish(a)
    return_result(a, at(3, 6, 9))
    b = receive(desk, at(3, 2, 10))
    assert b.due_at == at(3, 5, 10)
    finish(b, last_at=at(3, 5, 10, 1))
    return_result(b, at(3, 6, 10))
    d1 = receive(desk, at(3, 30, 9))
    assert d1.due_at == at(4, 2, 9)
    d2 = receive(desk, at(3, 25, 9))
    assert d2.due_at == at(3, 30, 9)
    e = receive(desk, at(3, 3, 9))
    act(at(3, 4, 9), services.dossier_request_withdrawal, e, None, reason="Xin rút hồ sơ")
    act(at(3, 4, 10), services.dossier_stop, e, None, reason="Dừng theo đề nghị")
    f = receive(desk, at(2, 2, 9))
    finish(f)
    for dossier in (a, b, d1, d2, e, f):
        dossier.refresh_from_db()
    assert a.finished_at == at(3, 5, 9) and b.finished_at == at(3, 5, 10, 1)
    assert (a.outcome, b.outcome) == ("on_time", "late")
    assert e.status == Status.STOPPED
    return March(a, b, d1, d2, e, f)

"""Helpers of the feedback tests: an item sent at a given time, a dossier returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from isogov.dossiers import services as dossier_services
from isogov.dossiers.models import Dossier
from isogov.dossiers.tests.conftest import act, intake
from isogov.dossiers.transitions import Status
from isogov.feedback import services
from isogov.feedback.models import FeedbackItem

FORM = {
    "name": "Nguyễn Văn An",
    "phone": "0987654321",
    "email": "an@example.vn",
    "title": "Hướng dẫn thủ tục chưa rõ",
    "content": "Trang thủ tục không ghi rõ số bộ hồ sơ phải nộp.",
}


def submit(demo: Any, when: dt.datetime, **data: Any) -> FeedbackItem:
    with time_machine.travel(when, tick=False):
        return services.feedback_submit(agency=demo.department, data={**FORM, **data})


def run(
    item: FeedbackItem, when: dt.datetime, action: str, user: Any = None, **data: Any
) -> FeedbackItem:
    """Run ``action`` at ``when``: by ``user``, or by the submitter (no user)."""
    item.refresh_from_db()
    with time_machine.travel(when, tick=False):
        if user is None:
            return services.feedback_act(
                action=action, data=data, version=item.version, token=item.token
            )
        return services.feedback_act(
            action=action, data=data, version=item.version, actor=user, code=item.code
        )


def returned_dossier(desk: Any, when: dt.datetime, **applicant: str) -> Dossier:
    """A dossier received at ``when``, every step done at its due time, returned after."""
    with time_machine.travel(when, tick=False):
        dossier = dossier_services.dossier_receive(
            actor=desk.user("motcua"), data=intake(desk, **applicant)
        )
    while dossier.status != Status.FINISHED:
        step = dossier.current_step
        assert step is not None and step.due_at is not None
        act(step.due_at, dossier_services.dossier_step_complete, dossier, None)
    done = dossier.finished_at
    assert done is not None
    later = done + dt.timedelta(hours=1)
    act(
        later,
        dossier_services.dossier_record_result,
        dossier,
        None,
        number=f"{dossier.pk}/GCN",
        summary="Cấp giấy chứng nhận",
        signer="Trần Thị Lãnh",
    )
    act(later, dossier_services.dossier_approve_result, dossier, None)
    act(later, dossier_services.dossier_return_result, dossier, None, method="at_desk")
    assert dossier.status == Status.RETURNED
    return dossier

"""A rejected action (wrong state, wrong role, stale version, bad input) changes nothing stored:
every row of every table the dossier engine writes is the same afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from isogov.core.errors import ApplicationError, ConflictError, PermissionDenied, ValidationFailed
from isogov.dossiers import models, services

from .conftest import VN, intake, snapshot

pytestmark = pytest.mark.django_db

RECEIVED_AT = dt.datetime(2026, 3, 9, 8, 0, tzinfo=VN)
ACT_AT = dt.datetime(2026, 3, 9, 9, 0, tzinfo=VN)


def blank_name(desk: Any) -> services.IntakeInput:
    data = intake(desk)
    return type(data)(**{**data.__dict__, "applicant": services.ApplicantInput(name="  ")})


# (rejected call, expected error); the dossier was received and its desk step completed, so it
# is "in process" at version 2, its second step current.
Case = Callable[[Any, models.Dossier], Any]
CASES: dict[str, tuple[Case, type[ApplicationError]]] = {
    "wrong_state_return_result_while_in_process": (
        lambda desk, d: services.dossier_return_result(
            actor=desk.user("motcua"), code=d.code, version=d.version, method="at_desk"
        ),
        ApplicationError,
    ),
    "wrong_state_accept_an_already_received_dossier": (
        lambda desk, d: services.dossier_accept(
            actor=desk.user("motcua"), code=d.code, version=d.version
        ),
        ApplicationError,
    ),
    "wrong_role_specialist_refuses": (
        lambda desk, d: services.dossier_refuse(
            actor=desk.user("chuyenvien"), code=d.code, version=d.version, reason="Không đủ"
        ),
        PermissionDenied,
    ),
    "wrong_role_officer_of_another_agency_completes_the_step": (
        lambda desk, d: services.dossier_step_complete(
            actor=desk.user("tuphap"), code=d.code, version=d.version
        ),
        PermissionDenied,
    ),
    "wrong_role_specialist_receives_at_the_desk": (
        lambda desk, d: services.dossier_receive(actor=desk.user("chuyenvien"), data=intake(desk)),
        PermissionDenied,
    ),
    "stale_version_step_complete": (
        lambda desk, d: services.dossier_step_complete(
            actor=desk.user("chuyenvien"), code=d.code, version=d.version - 1
        ),
        ConflictError,
    ),
    "stale_version_request_supplement": (
        lambda desk, d: services.dossier_request_supplement(
            actor=desk.user("chuyenvien"),
            code=d.code,
            version=d.version - 1,
            reason="Thiếu giấy phép",
            items=["Giấy phép xuất bản"],
        ),
        ConflictError,
    ),
    "bad_input_supplement_without_a_reason": (
        lambda desk, d: services.dossier_request_supplement(
            actor=desk.user("chuyenvien"), code=d.code, version=d.version, reason=" ", items=[]
        ),
        ValidationFailed,
    ),
    "bad_input_payment_of_zero_dong": (
        lambda desk, d: services.dossier_record_payment(
            actor=desk.user("motcua"),
            code=d.code,
            version=d.version,
            amount_vnd=0,
            method="cash",
            receipt_number="BL-01",
        ),
        ValidationFailed,
    ),
    "bad_input_intake_without_the_applicant_name": (
        lambda desk, d: services.dossier_receive(actor=desk.user("motcua"), data=blank_name(desk)),
        ValidationFailed,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_rejected_action_changes_nothing_stored(desk: Any, case: str) -> None:
    call, error = CASES[case]
    officer = desk.user("motcua")
    with time_machine.travel(RECEIVED_AT, tick=False):
        dossier = services.dossier_receive(actor=officer, data=intake(desk))
        dossier = services.dossier_step_complete(
            actor=officer, code=dossier.code, version=dossier.version
        )
    before = snapshot()
    assert before["dossiers.Dossier"] and before["audit.AuditEvent"]

    with time_machine.travel(ACT_AT, tick=False), pytest.raises(error):
        call(desk, models.Dossier.objects.get(pk=dossier.pk))

    assert snapshot() == before

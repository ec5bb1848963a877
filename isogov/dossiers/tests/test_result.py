"""The result: its file, its approval before release and the notice, the outcome after an
apology."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from isogov.dossiers import services
from isogov.dossiers.models import Dossier
from isogov.dossiers.transitions import Status
from isogov.notifications.models import OutboxMessage

from .conftest import act, at, intake

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% signed result\n"


def finished(desk: Any) -> Dossier:
    """The CFS received Mon 9/3 08:00 (due Thu 12/3 08:00), every step done on Tue 10/3."""
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    for minute in range(6):
        act(at(3, 10, 9, minute), services.dossier_step_complete, dossier, None)
    assert dossier.status == Status.FINISHED
    return dossier


def ready_notices(dossier: Dossier) -> int:
    return OutboxMessage.objects.filter(
        object_id=str(dossier.pk), subject__contains="đã có kết quả"
    ).count()


def test_the_applicant_hears_of_the_result_only_once_it_is_approved(desk: Any) -> None:
    dossier = finished(desk)
    assert ready_notices(dossier) == 0
    act(
        at(3, 10, 10),
        services.dossier_record_result,
        dossier,
        None,
        number="15/GCN-STTTT",
        summary="Cấp giấy chứng nhận CFS",
        signer="Trần Thị Lãnh",
    )
    assert ready_notices(dossier) == 0
    act(at(3, 10, 11), services.dossier_approve_result, dossier, None)
    # Finished two days before the appointment: the notice says so (early completion).
    assert OutboxMessage.objects.filter(
        object_id=str(dossier.pk), subject__contains="trước hạn", channel="email"
    ).exists()


def test_after_an_apology_the_dossier_counts_late_even_if_finished_before_the_legal_time(
    desk: Any,
) -> None:
    with time_machine.travel(at(3, 9, 8), tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    act(at(3, 9, 9), services.dossier_step_complete, dossier, None)
    act(
        at(3, 10, 9),
        services.dossier_apologise,
        dossier,
        None,
        new_due_at=at(3, 16, 17),
        reason="Chờ ý kiến phối hợp",
    )
    for minute in range(6):
        act(at(3, 11, 9, minute), services.dossier_step_complete, dossier, None)
    act(
        at(3, 11, 10),
        services.dossier_record_result,
        dossier,
        None,
        number="16/GCN-STTTT",
        signer="Trần Thị Lãnh",
        summary="",
    )
    act(at(3, 11, 11), services.dossier_approve_result, dossier, None)
    dossier = act(
        at(3, 11, 14),
        services.dossier_return_result,
        dossier,
        None,
        method="at_desk",
    )
    assert dossier.finished_at is not None and dossier.finished_at < dossier.due_at
    assert dossier.outcome == "late"


def test_the_signed_file_is_stored_from_the_dossier_page(desk: Any, client: Client) -> None:
    dossier = finished(desk)
    # Finished: the current step is the desk's return step, whose officer records the result.
    client.force_login(desk.user("motcua"))
    response = client.post(
        f"/dossiers/{dossier.code}/actions/record_result/",
        {
            "version": dossier.version,
            "number": "15/GCN-STTTT",
            "summary": "Cấp giấy chứng nhận CFS",
            "signer": "Trần Thị Lãnh",
            "file": SimpleUploadedFile("giay-chung-nhan.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.result_number == "15/GCN-STTTT"
    # Stored under the dossier code with the type read from the content, not the name sent.
    assert dossier.code in dossier.result_file.name and dossier.result_file.name.endswith(".pdf")
    with dossier.result_file.open("rb") as stored:
        assert stored.read() == PDF


def test_the_signed_file_is_stored_through_the_api(desk: Any) -> None:
    dossier = finished(desk)
    api = APIClient()
    token, _created = Token.objects.get_or_create(user=desk.user("motcua"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(
        f"/api/v1/dossiers/{dossier.code}/actions/record_result/",
        {
            "version": dossier.version,
            "number": "15/GCN-STTTT",
            "signer": "Trần Thị Lãnh",
            "file": SimpleUploadedFile("gcn.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    dossier.refresh_from_db()
    with dossier.result_file.open("rb") as stored:
        assert stored.read() == PDF

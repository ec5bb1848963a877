"""The officer UI: intake at the desk, the queue, the dossier page and its actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from isogov.dossiers import services
from isogov.dossiers.models import Dossier

from .conftest import CFS, VN, intake

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 9, 8, tzinfo=VN)


def _post_intake(client: Client, **extra: str) -> Any:
    data = {
        "procedure": CFS,
        "channel": "in_person",
        "applicant_kind": "individual",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_phone": "0912345678",
        "sets_count": "1",
        "paper": ["Đơn đề nghị (theo mẫu)"],
        "originals::Đơn đề nghị (theo mẫu)": "1",
        "copies::Đơn đề nghị (theo mẫu)": "0",
        **extra,
    }
    return client.post("/dossiers/new/", data, follow=True)


def test_desk_officer_receives_a_dossier_through_the_form(client: Client, desk: Any) -> None:
    client.force_login(desk.user("motcua"))
    with time_machine.travel(MONDAY, tick=False):
        page = client.get("/dossiers/new/").content.decode()
        assert "Tiếp nhận hồ sơ" in page and CFS in page
        checklist = client.get(
            "/dossiers/new/checklist/", {"procedure": CFS, "channel": "in_person"}
        )
        assert "12/03/2026" in checklist.content.decode()  # appointment shown before saving
        response = _post_intake(client)
    dossier = Dossier.objects.get()
    assert response.redirect_chain[-1][0] == f"/dossiers/{dossier.code}/"
    html = response.content.decode()
    assert dossier.code in html and "Đã tiếp nhận" in html and "08:00 12/03/2026" in html


def test_intake_without_the_required_paper_shows_why_and_stores_nothing(
    client: Client, desk: Any
) -> None:
    client.force_login(desk.user("motcua"))
    response = _post_intake(client, paper=[])
    assert response.status_code == 200
    assert "Thiếu giấy tờ bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()


def test_queue_highlights_overdue_work_and_actions_follow_the_table(
    client: Client, desk: Any
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    client.force_login(desk.user("motcua"))
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        queue = client.get("/dossiers/").content.decode()
        assert dossier.code in queue and "urgency-overdue" in queue
        page = client.get(f"/dossiers/{dossier.code}/").content.decode()
        assert "action-complete_step" in page
        assert "action-return_result" not in page  # not allowed from "received"
        client.post(
            f"/dossiers/{dossier.code}/actions/complete_step/",
            {"version": dossier.version, "note": "Đã kiểm tra"},
        )
    dossier.refresh_from_db()
    assert dossier.status == "in_process"


def test_stale_form_gets_a_clear_message_and_changes_nothing(client: Client, desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    client.force_login(desk.user("motcua"))
    stale = dossier.version
    client.post(f"/dossiers/{dossier.code}/actions/complete_step/", {"version": stale})
    response = client.post(
        f"/dossiers/{dossier.code}/actions/complete_step/", {"version": stale}, follow=True
    )
    assert "đã được người khác thay đổi" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.version == stale + 1


def test_search_ignores_diacritics_and_other_agencies_get_404(client: Client, desk: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    client.force_login(desk.user("motcua"))
    assert (
        dossier.code in client.get("/dossiers/search/", {"q": "nguyen thi hong"}).content.decode()
    )
    assert dossier.code in client.get("/dossiers/search/", {"q": "0912345678"}).content.decode()
    client.force_login(desk.user("tuphap"))
    assert client.get(f"/dossiers/{dossier.code}/").status_code == 404
    assert dossier.code not in client.get("/dossiers/search/", {"q": "nguyen"}).content.decode()


def test_papers_in_custody_scan_return_and_incident(
    client: Client, desk: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from isogov.dossiers.models import CustodyIncident

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
    paper = dossier.papers.get()
    client.force_login(desk.user("motcua"))
    scan = SimpleUploadedFile("don.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    client.post(
        f"/dossiers/{dossier.code}/actions/attach_scan/",
        {"version": dossier.version, "paper_id": paper.pk, "file": scan},
    )
    paper.refresh_from_db()
    assert paper.scan.read() == b"%PDF-1.4 scan"
    dossier.refresh_from_db()
    client.post(
        f"/dossiers/{dossier.code}/actions/return_originals/",
        {"version": dossier.version, "paper_id": paper.pk},
    )
    paper.refresh_from_db()
    assert paper.originals_returned_at is not None
    dossier.refresh_from_db()
    client.post(
        f"/dossiers/{dossier.code}/actions/record_incident/",
        {
            "version": dossier.version,
            "paper_id": paper.pk,
            "kind": "damage",
            "description": "Bản chính bị rách góc",
        },
    )
    incident = CustodyIncident.objects.get()
    assert (incident.kind, incident.paper_id) == ("damage", paper.pk)
    # A stale version records nothing.
    client.post(
        f"/dossiers/{dossier.code}/papers/{paper.pk}/incident/",
        {"version": dossier.version, "kind": "loss", "description": "Lần hai"},
    )
    assert CustodyIncident.objects.count() == 1


def test_queue_page_uses_the_same_number_of_queries_for_more_dossiers(
    client: Client, desk: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(desk.user("motcua"))

    def receive(count: int) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for _ in range(count):
                services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))

    receive(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dossiers/").status_code == 200
    receive(12)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/dossiers/").content.decode()
    assert page.count("urgency-") >= 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_every_action_of_the_table_has_its_service() -> None:
    import inspect

    from isogov.dossiers.actions import SERVICES
    from isogov.dossiers.transitions import ACTIONS

    for action in ACTIONS:
        parameters = inspect.signature(SERVICES[action.name]).parameters
        assert {spec.name for spec in action.fields} <= set(parameters), action.name


def test_the_consulted_unit_answers_the_opinion_on_the_dossier_page(
    client: Client, desk: Any
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        dossier = services.dossier_receive(actor=desk.user("motcua"), data=intake(desk))
        services.dossier_step_complete(
            actor=desk.user("motcua"), code=dossier.code, version=dossier.version
        )
        dossier.refresh_from_db()
        opinion = services.dossier_request_opinion(
            actor=desk.user("truongphong"),
            code=dossier.code,
            version=dossier.version,
            unit=desk.department.units.get(code="VP"),
            question="Kiểm tra thông tin trên cổng",
            allowance_value=1,
        )
    dossier.refresh_from_db()
    # Only the consulted unit (Văn phòng) is offered the answer.
    client.force_login(desk.user("chuyenvien"))
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert f'id="answer-opinion-{opinion.pk}"' not in page
    client.force_login(desk.user("vanthu"))
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert f'id="answer-opinion-{opinion.pk}"' in page
    assert "Kiểm tra thông tin trên cổng" in page
    response = client.post(
        f"/dossiers/{dossier.code}/actions/answer_opinion/",
        {"version": dossier.version, "step_id": opinion.pk, "answer": "Thông tin khớp"},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.finished_at is not None and "Thông tin khớp" in opinion.note
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert f'id="answer-opinion-{opinion.pk}"' not in page

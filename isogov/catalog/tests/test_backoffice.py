from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from isogov.catalog.demo import seed_catalog
from isogov.catalog.models import (
    ImportJob,
    ImportStatus,
    Procedure,
    ProcedureVersion,
    VersionStatus,
)
from isogov.catalog.selectors import version_as_record, version_process
from isogov.catalog.services import legal_change_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(desk: Any) -> Client:
    client = Client()
    client.force_login(desk.user("thuky"))
    return client


def _form_data(page: Any) -> dict[str, Any]:
    """The POST data a browser would send for the edit form as rendered."""
    data: dict[str, Any] = {"lock": page.context["version"].version}
    for key in ("form", "channels", "fees", "papers", "bases"):
        part = page.context[key]
        forms = [part] if key == "form" else [part.management_form, *part.forms]
        for form in forms:
            for field in form:
                value = field.value()
                if value is None or value is False:
                    continue
                data[field.html_name] = value
    return data


def test_manager_edits_a_draft_compares_and_publishes(manager: Client) -> None:
    response = manager.post("/catalog/p/2.001594/draft/")
    assert response.status_code == 302
    page = manager.get("/catalog/p/2.001594/v2/edit/")
    assert page.status_code == 200
    data = _form_data(page)
    data["name"] = "Cấp giấy phép hoạt động in xuất bản phẩm (sửa đổi)"
    for i in range(3):
        data[f"ch-{i}-time_value"] = "10"
    saved = manager.post("/catalog/p/2.001594/v2/edit/", data)
    assert saved.status_code == 302, saved.context and saved.context.get("errors")
    draft = ProcedureVersion.objects.get(procedure__code="2.001594", number=2)
    assert draft.name.endswith("(sửa đổi)")
    assert draft.channels.get(kind="in_person").time_value == 10
    diff = manager.get("/catalog/p/2.001594/v2/diff/")
    changed = [row for row in diff.context["rows"] if row.changed]
    assert {row.label for row in changed} == {
        "tên",
        *(f"Cách thức thực hiện {i} › thời hạn giải quyết" for i in (1, 2, 3)),
    }
    # The draft still has the 15-day process of version 1: publishing is refused.
    refused = manager.post(
        "/catalog/p/2.001594/v2/publish/",
        {"version": draft.version, "effective_from": "2026-01-01", "confirm": "on"},
        follow=True,
    )
    assert "không còn phù hợp" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    # Same issue of a process in force for version 1: refused, nothing changes.
    page = manager.get("/catalog/p/2.001594/v2/process/")
    data = _process_data(page)
    data["step-1-allowance_value"] = "9"
    same_issue = manager.post("/catalog/p/2.001594/v2/process/", data)
    assert "số lần ban hành mới" in same_issue.content.decode()
    # A new issue for the draft, with allowances adding up to 10 working days.
    data["issue_number"] = "2"
    new_issue = manager.post("/catalog/p/2.001594/v2/process/", data)
    assert new_issue.status_code == 302, new_issue.context and new_issue.context["errors"]
    version_1 = ProcedureVersion.objects.get(procedure__code="2.001594", number=1)
    assert version_process(version=version_1).issue_number == 1
    assert version_process(version=draft).issue_number == 2
    unconfirmed = manager.post(
        "/catalog/p/2.001594/v2/publish/",
        {"version": draft.version, "effective_from": "2026-01-01"},
        follow=True,
    )
    assert "xác nhận" in unconfirmed.content.decode()
    assert ProcedureVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    published = manager.post(
        "/catalog/p/2.001594/v2/publish/",
        {"version": draft.version, "effective_from": "2026-01-01", "confirm": "on"},
    )
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def _process_data(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for form in [
        page.context["header"],
        page.context["steps"].management_form,
        *page.context["steps"].forms,
    ]:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value
    return data


def test_process_allowances_that_miss_the_legal_time_show_the_difference(manager: Client) -> None:
    manager.post("/catalog/p/2.001594/draft/")
    data = _process_data(manager.get("/catalog/p/2.001594/v2/process/"))
    data["issue_number"] = "2"
    data["step-1-allowance_value"] = "13"
    response = manager.post("/catalog/p/2.001594/v2/process/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "chênh lệch −1" in html


def test_editing_a_published_version_is_refused_and_changes_nothing(manager: Client) -> None:
    version = ProcedureVersion.objects.get(procedure__code="2.001594", number=1)
    before = version_as_record(version=version)
    response = manager.post("/catalog/p/2.001594/v1/edit/", {"name": "X", "lock": version.version})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version_as_record(version=version) == before


def test_bad_draft_input_shows_the_error_and_keeps_the_draft(manager: Client) -> None:
    manager.post("/catalog/p/2.001594/draft/")
    page = manager.get("/catalog/p/2.001594/v2/edit/")
    data = _form_data(page)
    for key in [k for k in data if k.startswith("ch-") and k.endswith("-kind")]:
        data[key] = ""
    response = manager.post("/catalog/p/2.001594/v2/edit/", data)
    assert response.status_code == 200
    assert "cần ít nhất một cách thức thực hiện" in response.content.decode()
    assert ProcedureVersion.objects.get(procedure__code="2.001594", number=2).channels.count() == 3


def test_officer_without_catalogue_role_gets_404(demo: Any) -> None:
    seed_catalog()
    client = Client()
    client.force_login(demo.user("motcua"))
    assert client.get("/catalog/p/2.001594/").status_code == 404


def test_import_page_runs_a_job_that_reports_rows_and_stores_nothing(
    manager: Client, django_capture_on_commit_callbacks: Any
) -> None:
    bad = b'{"procedures": [{"code": "1.000001", "sector": "XB", "versions": [{"name": ""}]}]}'
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post("/catalog/import/", {"file": SimpleUploadedFile("bad.json", bad)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    html = manager.get(response["Location"]).content.decode()
    assert "Không dữ liệu nào được nhập" in html
    assert "Thủ tục 1.000001 (mục 1), trường &#x27;versions[0].name&#x27;" in html
    assert not Procedure.objects.filter(code="1.000001").exists()


def test_import_job_records_progress_and_the_result(
    manager: Client, django_capture_on_commit_callbacks: Any
) -> None:
    content = manager.get("/catalog/export.xlsx").content
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            "/catalog/import/", {"file": SimpleUploadedFile("catalog.xlsx", content)}
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE
    assert job.result["versions_unchanged"] == 15
    fragment = manager.get(response["Location"], headers={"HX-Request": "true"})
    assert 'id="import-job"' in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # finished: polling stops


def test_checking_progress_is_reported_before_anything_is_stored(demo: Any) -> None:
    from isogov.catalog.exchange import catalog_import

    calls: list[tuple[str, int, int]] = []
    data = {
        "sectors": [{"code": "XB", "name": "Xuất bản"}],
        "procedures": [
            {
                "code": f"1.{100000 + i}",
                "sector": "XB",
                "versions": [
                    {
                        "name": f"Thủ tục {i}",
                        "channels": [
                            {"kind": "in_person", "time": {"value": 1, "unit": "working_days"}}
                        ],
                    }
                ],
            }
            for i in range(120)
        ],
    }
    catalog_import(actor=None, data=data, progress=lambda *args: calls.append(args))
    assert ("checking", 0, 120) in calls and ("checking", 100, 120) in calls
    assert calls[-1] == ("storing", 120, 120)


def test_export_json_download(manager: Client) -> None:
    response = manager.get("/catalog/export.json")
    assert response.status_code == 200
    assert response.json()["format"] == "isogov-catalog/1"


def test_legal_watch_shows_overdue_deadlines_in_red(manager: Client) -> None:
    legal_change_register(
        actor=None,
        number="01/2025/TT-BTTTT",
        summary="Thông tư cũ",
        effective_on=dt.date(2025, 3, 3),
    )
    html = manager.get("/catalog/legal-changes/").content.decode()
    assert 'class="overdue"' in html
    assert "24/02/2025" in html  # 5 working days before Monday 3 March 2025
    assert "03/06/2025" in html  # 3 months after


def test_review_campaign_records_findings_with_savings(manager: Client) -> None:
    response = manager.post(
        "/catalog/reviews/", {"title": "Rà soát TTHC năm 2026", "starts_on": "2026-03-01"}
    )
    assert response.status_code == 302
    url = response["Location"]
    missing_proposal = manager.post(url, {"procedure": "2.001594", "outcome": "simplify"})
    assert missing_proposal.status_code == 200
    saved = manager.post(
        url,
        {
            "procedure": "2.001594",
            "outcome": "simplify",
            "proposal": "Bỏ bản sao giấy phép",
            "saved_days": "2",
            "saved_papers": "1",
        },
    )
    assert saved.status_code == 302
    html = manager.get(url).content.decode()
    assert "Bỏ bản sao giấy phép" in html


def test_manager_assigns_a_procedure_to_a_unit_of_own_agency(manager: Client, demo: Any) -> None:
    from isogov.catalog.models import AgencyProcedure

    unit = demo.department.units.get(code="CNTT")
    response = manager.post(
        "/catalog/p/2.001594/assign/",
        {"agency": demo.department.pk, "unit": unit.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert (
        AgencyProcedure.objects.get(agency=demo.department, procedure__code="2.001594").unit == unit
    )
    other = manager.post(
        "/catalog/p/2.001594/assign/", {"agency": demo.other.pk, "is_active": "on"}
    )
    assert other.status_code == 302
    assert not AgencyProcedure.objects.filter(agency=demo.other).exists()


def test_manager_sets_the_agency_promise_and_a_bad_one_is_explained(
    manager: Client, demo: Any
) -> None:
    from decimal import Decimal

    from isogov.catalog.models import AgencyProcedure

    url = "/catalog/p/2.001594/assign/"
    base = {"agency": demo.department.pk, "is_active": "on", "promise_unit": "working_days"}
    manager.post(url, {**base, "promise_value": "2,5"})
    assignment = AgencyProcedure.objects.get(agency=demo.department, procedure__code="2.001594")
    assert assignment.promise_value == Decimal("2.5")
    page = manager.get("/catalog/p/2.001594/").content.decode()
    assert "2,5 ngày làm việc" in page
    refused = manager.post(url, {**base, "promise_value": "0"}, follow=True)
    assignment.refresh_from_db()
    assert assignment.promise_value == Decimal("2.5")
    assert "Thời hạn cam kết" in refused.content.decode()


def test_marking_a_legal_change_done_clears_the_overdue_flag(manager: Client) -> None:
    change = legal_change_register(
        actor=None, number="02/2025/TT-BTTTT", summary="Thông tư", effective_on=dt.date(2025, 3, 3)
    )
    manager.post(f"/catalog/legal-changes/{change.pk}/done/", {"which": "published"})
    manager.post(f"/catalog/legal-changes/{change.pk}/done/", {"which": "iso"})
    html = manager.get("/catalog/legal-changes/").content.decode()
    assert 'class="overdue"' not in html


def test_edit_form_with_a_tampered_lock_shows_an_error_and_stores_nothing(
    manager: Client,
) -> None:
    manager.post("/catalog/p/2.001594/draft/")
    page = manager.get("/catalog/p/2.001594/v2/edit/")
    data = {**_form_data(page), "lock": "abc", "name": "Tên mới"}
    response = manager.post("/catalog/p/2.001594/v2/edit/", data)
    assert response.status_code == 200
    assert response.context["errors"] == ["version: Phiên bản phải là một số nguyên."]
    draft = ProcedureVersion.objects.get(procedure__code="2.001594", number=2)
    assert draft.name != "Tên mới"


def test_publishing_and_retiring_ask_first_naming_the_version_and_its_effect(
    manager: Client,
) -> None:
    manager.post("/catalog/p/2.001594/draft/")
    page = manager.get("/catalog/p/2.001594/").content.decode()
    name = ProcedureVersion.objects.get(procedure__code="2.001594", number=1).name
    publish = re.search(r'id="publish-form" data-confirm="([^"]+)"', page)
    assert publish is not None
    assert publish.group(1).startswith(f"Công bố phiên bản 2 của “{name}”?")
    assert "không thể hoàn tác" in publish.group(1)
    retire = re.search(r'id="retire-form" data-confirm="([^"]+)"', page)
    assert retire is not None and "Bãi bỏ phiên bản 1" in retire.group(1)
    # The shared script asks with the form's data-confirm (no inline handler: the CSP forbids it).
    assert "isogov/js/isogov" in page and "onsubmit" not in page

"""The import status page in real Chromium: it polls until the job ends."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from isogov.accounts.demo import DEMO_PASSWORD
from isogov.catalog.models import ImportJob, ImportStatus


@pytest.mark.django_db(transaction=True)
def test_the_import_page_polls_through_every_stage_until_the_job_ends(
    live_server: Any, page: Any, demo: Any
) -> None:
    job = ImportJob(created_by=demo.user("quantri"), file_name="catalog.json")
    job.file.save("catalog.json", ContentFile(b"{}"), save=False)
    job.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/catalog/import/{job.pk}/")
    assert "Đang chờ xử lý" in page.inner_text("#import-status")
    # The worker picks the job up, checks it, stores it: the page follows without a reload.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, done=3, total=15)
    page.wait_for_selector("#import-status:has-text('3')", timeout=10_000)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.STORING, done=15)
    page.wait_for_selector("#import-status:has-text('Đang lưu')", timeout=10_000)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        result={
            "procedures": 15,
            "versions_created": 2,
            "versions_unchanged": 13,
            "processes": 1,
            "assignments": 15,
        },
    )
    page.wait_for_selector("#import-result", timeout=10_000)
    assert "15" in page.inner_text("#import-result")
    # Finished: the page stops asking.
    assert page.get_attribute("#import-job", "hx-trigger") is None


@pytest.mark.django_db(transaction=True)
def test_the_list_of_recent_imports_refreshes_until_every_job_has_ended(
    live_server: Any, page: Any, demo: Any
) -> None:
    job = ImportJob(created_by=demo.user("quantri"), file_name="catalog.xlsx")
    job.file.save("catalog.xlsx", ContentFile(b"x"), save=False)
    job.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/catalog/import/")
    assert page.inner_text("#import-jobs .import-status") == "Đang chờ xử lý"
    assert page.get_attribute("#recent-imports", "hx-trigger") == "every 2s"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED)
    page.wait_for_selector("#import-jobs .import-status:has-text('Không')", timeout=10_000)
    assert page.get_attribute("#recent-imports", "hx-trigger") is None

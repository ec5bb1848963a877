from __future__ import annotations

from typing import Any

import pytest

from isogov.catalog.demo import seed_catalog


@pytest.mark.django_db(transaction=True)
def test_citizen_searches_without_diacritics_and_sees_time_and_fee_per_channel(
    live_server: Any, page: Any, demo: Any
) -> None:
    seed_catalog()
    page.goto(f"{live_server.url}/thu-tuc/")
    page.fill("#catalog-search", "giay phep")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=giay+phep**")
    link = page.get_by_role("link", name="Cấp giấy phép hoạt động in xuất bản phẩm")
    link.click()
    page.wait_for_url("**/thu-tuc/2.001594/")
    assert page.locator("h1").inner_text() == "Cấp giấy phép hoạt động in xuất bản phẩm"
    rows = page.locator("#channels tbody tr")
    assert rows.count() == 3
    first = rows.nth(0).inner_text()
    assert "Trực tiếp" in first
    assert "15 ngày làm việc" in first
    assert "Không thu phí" in first
    assert "Qua dịch vụ bưu chính" in rows.nth(1).inner_text()


def _sign_in(page: Any, live_server: Any, username: str) -> None:
    from isogov.accounts.demo import DEMO_PASSWORD

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")


@pytest.mark.django_db(transaction=True)
def test_iso_secretary_drafts_a_change_and_sees_it_side_by_side(
    live_server: Any, page: Any, demo: Any
) -> None:
    seed_catalog()
    _sign_in(page, live_server, "thuky")
    page.goto(f"{live_server.url}/catalog/p/2.001594/")
    page.click("#new-draft")
    page.wait_for_url("**/v2/edit/")
    page.fill("#id_name", "Cấp giấy phép hoạt động in xuất bản phẩm (sửa đổi)")
    page.click("#save-draft")
    page.wait_for_url("**/catalog/p/2.001594/")
    page.goto(f"{live_server.url}/catalog/p/2.001594/v2/diff/")
    changed = page.locator("#diff tr.changed")
    assert changed.count() == 1  # text areas keep their line ends: only the name changed
    assert "(sửa đổi)" in changed.first.inner_text()


@pytest.mark.django_db(transaction=True)
def test_import_page_polls_the_job_until_it_finishes(
    live_server: Any, page: Any, demo: Any
) -> None:
    from django.core.files.base import ContentFile

    from isogov.catalog.models import ImportJob, ImportStatus

    job = ImportJob(created_by=demo.user("thuky"), file_name="catalog.xlsx")
    job.file.save("catalog.xlsx", ContentFile(b"x"), save=False)
    job.status = ImportStatus.CHECKING
    job.done, job.total = 40, 120
    job.save()
    _sign_in(page, live_server, "thuky")
    page.goto(f"{live_server.url}/catalog/import/{job.pk}/")
    # The vendored htmx comes from our own static files (no other host).
    page.wait_for_function("typeof htmx !== 'undefined'")
    assert "40 / 120" in page.locator("#import-status").inner_text()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        result={
            "procedures": 120,
            "versions_created": 120,
            "versions_unchanged": 0,
            "processes": 0,
            "assignments": 0,
        },
    )
    page.wait_for_selector("#import-result", timeout=5000)
    assert "120" in page.locator("#import-result").inner_text()

"""Every QMS page on a phone (390 px, no sideways scroll) and through axe-core (no critical or
serious violation), with the walk of the officer pages (``dossiers/tests/test_browser_pages``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from isogov.dossiers.tests.walk import Walk


def qms_pages(demo: Any) -> dict[str, list[str]]:
    """The demo QMS, a revision in review, a planned audit; the pages each person works on."""
    from isogov.core import clock
    from isogov.qms.demo import seed_qms
    from isogov.qms.models import Audit, ControlledDocument, Nonconformity
    from isogov.qms.services import audits, documents

    seed_qms(agency=demo.department)
    thuky = demo.user("thuky")
    in_review = ControlledDocument.objects.get(agency=demo.department, code="QT-KSTL")
    revision = documents.revision_draft(
        actor=thuky,
        document=in_review,
        change_summary="Sửa đổi biểu mẫu theo dõi",
        reviewer=demo.user("truongphong"),
        approver=demo.user("lanhdao"),
    )
    documents.revision_act(actor=thuky, revision_id=revision.pk, action="submit", version=1)
    today = clock.today()
    planned = audits.audit_plan(
        actor=thuky,
        agency=demo.department,
        title="Đánh giá bổ sung",
        scope="Văn phòng Sở",
        units=[demo.department.units.get(code="VP")],
        processes=[],
        clauses=["7.5"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
        lead_auditor=demo.user("danhgia"),
        team=[demo.user("danhgia")],
    )
    reported = Audit.objects.exclude(pk=planned.pk).get(agency=demo.department)
    closed = Nonconformity.objects.get(finding__audit=reported)
    other = Nonconformity.objects.exclude(pk=closed.pk).filter(agency=demo.department).first()
    common = ["/iso/", "/iso/bao-phu/", "/iso/tai-lieu/", f"/iso/tai-lieu/{in_review.pk}/"]
    return {
        "thuky": [
            *common,
            "/iso/he-thong/",
            "/iso/muc-tieu/",
            "/iso/rui-ro/",
            "/iso/danh-gia/",
            f"/iso/danh-gia/{reported.pk}/",
            "/iso/khong-phu-hop/",
            f"/iso/khong-phu-hop/{closed.pk}/",
            *([f"/iso/khong-phu-hop/{other.pk}/"] if other else []),
            "/iso/xem-xet/",
        ],
        "truongphong": [*common, "/iso/rui-ro/"],
        "lanhdao": [*common, "/iso/xem-xet/"],
        "danhgia": ["/iso/", f"/iso/danh-gia/{planned.pk}/", "/iso/danh-gia/"],
        "chuyenvien": ["/iso/", "/iso/tai-lieu/"],
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_qms_page_fits_a_phone_and_passes_axe(
    live_server: Any, csp_page: Any, desk: Any, settings: Any, tmp_path: Any
) -> None:
    page = csp_page
    settings.MEDIA_ROOT = tmp_path
    pages = qms_pages(desk)
    walk = Walk(page, live_server.url)
    walk.visit("anonymous", f"/chinh-sach-chat-luong/{desk.department.code}/")
    for username, paths in pages.items():
        walk.sign_in(username)
        for path in paths:
            walk.visit(username, path)
    print(f"\n{len(walk.visited)} QMS pages checked at 390×844 with axe-core")
    assert len(walk.visited) >= 25
    assert not walk.problems, "\n".join(walk.problems)

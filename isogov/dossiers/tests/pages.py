"""The pages every whole-site test walks: public ones, and each demo officer's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conftest import CFS, intake


def page_data(desk: Any) -> dict[str, Any]:
    """A dossier at the desk, one at the unit head's step, a draft version, a review, a job."""
    from isogov.catalog.imports import import_job_create
    from isogov.catalog.models import Procedure
    from isogov.catalog.services.reviews import legal_change_register, review_campaign_create
    from isogov.catalog.services.versions import version_create_draft
    from isogov.dossiers import services

    motcua = desk.user("motcua")
    received = services.dossier_receive(actor=motcua, data=intake(desk))
    moved = services.dossier_receive(actor=motcua, data=intake(desk, name="Công ty TNHH Sách Việt"))
    moved = services.dossier_step_complete(actor=motcua, code=moved.code, version=moved.version)
    head = desk.user("truongphong")
    appraised = services.dossier_receive(actor=motcua, data=intake(desk, name="Trần Văn Thẩm"))
    appraised = services.dossier_step_complete(
        actor=motcua, code=appraised.code, version=appraised.version
    )
    appraised = services.dossier_step_assign(
        actor=head,
        code=appraised.code,
        version=appraised.version,
        assignee=desk.user("chuyenvien"),
        step_id=appraised.steps.get(order=3).pk,
    )
    appraised = services.dossier_step_complete(
        actor=head, code=appraised.code, version=appraised.version
    )
    lanhdao = desk.user("lanhdao")
    draft = version_create_draft(actor=lanhdao, procedure=Procedure.objects.get(code=CFS))
    review = review_campaign_create(
        actor=lanhdao, agency=desk.department, title="Rà soát 2026", starts_on=dt.date(2026, 1, 5)
    )
    legal_change_register(
        actor=lanhdao,
        number="12/2026/QĐ-UBND",
        summary="Sửa đổi thủ tục",
        effective_on=dt.date(2026, 3, 1),
        procedures=[Procedure.objects.get(code=CFS)],
    )
    job = import_job_create(actor=lanhdao, name="catalogue.json", content=b"{}")
    return {
        "received": received.code,
        "moved": moved.code,
        "appraised": appraised.code,
        "draft": draft.number,
        "review": review.pk,
        "job": job.pk,
        "phone": "0912345678",
        "user": motcua.pk,
        "agency": desk.department.pk,
        "agency_code": desk.department.code,
        "unit": desk.department.units.get(code="BCXB").pk,
    }


def public_pages(data: dict[str, Any]) -> list[str]:
    return [
        "/",
        "/thu-tuc/",
        "/thu-tuc/?q=CFS",
        f"/thu-tuc/{CFS}/",
        "/tra-cuu/",
        f"/tra-cuu/?ma={data['received']}&dien_thoai={data['phone']}",
        "/login/",
        "/minh-bach/",
        f"/minh-bach/?co_quan={data['agency_code']}",
        "/khong-co-trang-nay/",
    ]


def officer_pages(data: dict[str, Any]) -> dict[str, list[str]]:
    """The pages each demo person works on (the API's Swagger page is third-party, left out)."""
    received, moved = f"/dossiers/{data['received']}/", f"/dossiers/{data['moved']}/"
    appraised = f"/dossiers/{data['appraised']}/"
    version = f"/catalog/p/{CFS}/v{data['draft']}"
    return {
        "motcua": [
            "/dashboard/",
            "/dossiers/",
            "/dossiers/search/",
            "/dossiers/search/?q=Nguy%E1%BB%85n&status=received",
            "/dossiers/register/",
            received,
            moved,
            "/calendar/",
            "/catalog/",
        ],
        "truongphong": ["/dashboard/", "/dossiers/", moved, appraised],
        "chuyenvien": ["/dossiers/", moved, appraised],
        "vanthu": ["/dossiers/"],
        "lanhdao": [
            "/dashboard/",
            "/dossiers/",
            moved,
            "/calendar/",
            "/catalog/",
            f"/catalog/p/{CFS}/",
            f"{version}/edit/",
            f"{version}/process/",
            f"{version}/diff/",
            "/catalog/import/",
            f"/catalog/import/{data['job']}/",
            "/catalog/legal-changes/",
            "/catalog/reviews/",
            f"/catalog/reviews/{data['review']}/",
            "/dossiers/?tab=unit",
            "/dossiers/notices/",
            "/dossiers/search/?overdue=1",
            "/dossiers/search/?received_from=2026-01-01&received_to=2026-12-31&finished_from=2026-01-01",
        ],
        "thuky": ["/dashboard/", "/catalog/", f"/catalog/p/{CFS}/"],
        "quantri": [
            "/dashboard/",
            "/calendar/",
            "/quan-tri/",
            "/quan-tri/nguoi-dung/",
            "/quan-tri/nguoi-dung/them/",
            f"/quan-tri/nguoi-dung/{data['user']}/",
            "/quan-tri/co-quan/",
            f"/quan-tri/co-quan/{data['agency']}/",
            f"/quan-tri/don-vi/{data['unit']}/",
            "/quan-tri/co-quan/them/",
            "/quan-tri/khoa-dang-nhap/",
            "/tai-khoan/xac-thuc-hai-yeu-to/",
            "/integrations/mappings/",
            "/integrations/imports/",
        ],
    }

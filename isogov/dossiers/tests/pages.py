"""The pages every whole-site test walks: public ones, and each demo officer's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conftest import CFS, intake


def page_data(desk: Any) -> dict[str, Any]:
    """A dossier at the desk, one at the unit head's step, a draft version, a review, a job."""
    from isogov.accounts.services.api_keys import api_key_create
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
    api_key_create(
        actor=lanhdao,
        agency=desk.department,
        name="Hệ thống một cửa điện tử tỉnh",
        scopes=["push_dossiers", "receive_webhooks"],
        expires_in_days=365,
    )
    online = services.dossier_submit_online(data=intake(desk, channel="online_partial"))
    return {
        "online": online.code,
        "online_token": online.access_token,
        "received": received.code,
        "token": received.access_token,
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
        f"/tra-cuu/h/{data['token']}/",
        "/ho-so-cua-toi/",
        "/login/",
        "/minh-bach/",
        f"/minh-bach/?co_quan={data['agency_code']}",
        "/phan-anh/",
        "/phan-anh/theo-doi/",
        "/phan-anh/hoi-dap/",
        "/khong-co-trang-nay/",
        "/nop-truc-tuyen/",
        f"/nop-truc-tuyen/{data['agency_code']}/{CFS}/",
        f"/nop-truc-tuyen/ho-so/{data['online_token']}/",
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
            f"/dossiers/{data['online']}/",
            "/calendar/",
            "/catalog/",
            "/feedback/",
            "/feedback/?late=1&status=received",
            "/feedback/kiosk/",
        ],
        "truongphong": ["/dashboard/", "/dossiers/", moved, appraised, "/feedback/"],
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
            "/integrations/thu-tuc/nhap/",
            "/quan-tri/khoa-api/",
            "/integrations/webhooks/",
            "/dossiers/?tab=unit",
            "/dossiers/notices/",
            "/dossiers/search/?overdue=1",
            "/dossiers/search/?received_from=2026-01-01&received_to=2026-12-31&finished_from=2026-01-01",
            "/reports/statistics/?by=procedure",
            "/reports/bottlenecks/",
            "/dossiers/search/?stat=resolved&stat_from=2026-01-01&stat_to=2026-12-31",
        ],
        "thanhpho": ["/dashboard/", f"/dashboard/agency/{data['agency_code']}/"],
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
            "/quan-tri/khoa-api/",
            "/quan-tri/van-ban-tra-cuu/",
            "/tai-khoan/xac-thuc-hai-yeu-to/",
            "/integrations/mappings/",
            "/integrations/imports/",
        ],
    }

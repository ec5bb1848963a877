"""QMS pages under ``/iso/``."""

from django.urls import path

from . import audit_views, document_views, views

app_name = "qms"

urlpatterns = [
    path("", views.home, name="home"),
    path("bao-phu/", views.coverage, name="coverage"),
    path("he-thong/", views.system, name="system"),
    path("muc-tieu/", views.objectives, name="objectives"),
    path("rui-ro/", views.risks, name="risks"),
    path("tai-lieu/", document_views.documents_page, name="documents"),
    path("tai-lieu/<int:pk>/", document_views.document_page, name="document"),
    path(
        "tai-lieu/<int:pk>/lan-<int:number>.pdf",
        document_views.revision_pdf_view,
        name="revision-pdf",
    ),
    path(
        "tai-lieu/<int:pk>/lan-<int:number>/dinh-kem/",
        document_views.revision_attachment,
        name="revision-attachment",
    ),
    path("ban-hanh/<int:pk>/dinh-kem/", document_views.revision_attach, name="revision-attach"),
    path("tai-lieu/<int:pk>/lan-moi/", document_views.revision_new, name="revision-new"),
    path("ban-hanh/<int:pk>/<str:action>/", document_views.revision_action, name="revision-action"),
    path("danh-gia/", audit_views.audits, name="audits"),
    path("danh-gia/<int:pk>/", audit_views.audit_page, name="audit"),
    path("danh-gia/<int:pk>/bao-cao.pdf", audit_views.audit_pdf, name="audit-pdf"),
    path("khong-phu-hop/", audit_views.nonconformities, name="nonconformities"),
    path("khong-phu-hop/<int:pk>/", audit_views.nonconformity_page, name="nonconformity"),
    path("xem-xet/", views.reviews, name="reviews"),
    path("xem-xet/<int:pk>/ho-so.pdf", views.review_pdf, name="review-pdf"),
    path("cong-bo/<int:pk>.pdf", views.announcement_pdf_view, name="announcement-pdf"),
    path("bao-cao/<int:year>.pdf", views.yearly_report_pdf_view, name="yearly-report-pdf"),
]

public_urlpatterns = [
    path("chinh-sach-chat-luong/<str:code>/", views.public_policy, name="qms-public-policy"),
]

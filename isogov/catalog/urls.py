"""Back-office catalogue URLs under ``/catalog/`` (agency staff with permission)."""

from django.urls import path

from . import backoffice as views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_home, name="home"),
    path("import/", views.catalog_import_page, name="import"),
    path("import/<int:pk>/", views.import_job_page, name="import-job"),
    path("export.json", views.catalog_export_json, name="export-json"),
    path("export.xlsx", views.catalog_export_xlsx_view, name="export-xlsx"),
    path("legal-changes/", views.legal_changes_page, name="legal-changes"),
    path("legal-changes/<int:pk>/done/", views.legal_change_done, name="legal-change-done"),
    path("reviews/", views.reviews_page, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("p/<str:code>/", views.procedure_manage, name="procedure"),
    path("p/<str:code>/draft/", views.draft_create, name="draft-create"),
    path("p/<str:code>/assign/", views.procedure_assign, name="procedure-assign"),
    path("p/<str:code>/v<int:number>/edit/", views.version_edit, name="version-edit"),
    path(
        "p/<str:code>/v<int:number>/process/",
        views.version_process_edit,
        name="version-process",
    ),
    path("p/<str:code>/v<int:number>/diff/", views.version_diff_page, name="version-diff"),
    path("p/<str:code>/v<int:number>/publish/", views.version_publish_view, name="version-publish"),
    path("p/<str:code>/v<int:number>/retire/", views.version_retire_view, name="version-retire"),
]

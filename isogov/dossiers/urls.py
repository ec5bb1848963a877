from django.urls import path

from . import notice_views, register_views, views

app_name = "dossiers"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("new/", views.intake, name="intake"),
    path("new/checklist/", views.intake_checklist, name="intake-checklist"),
    path("register/", register_views.register, name="register"),
    path("register/files/<int:pk>/", register_views.register_export, name="register-export"),
    path("notices/", notice_views.notice_templates, name="notice-templates"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/actions/<str:name>/", views.act, name="act"),
    path("<str:code>/forms/<str:form>.pdf", views.form_pdf, name="form"),
    path("<str:code>/papers/<int:paper_id>/file/", views.paper_file, name="paper-file"),
    path("<str:code>/result/file/", views.result_file, name="result-file"),
]

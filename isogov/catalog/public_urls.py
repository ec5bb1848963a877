"""Public catalogue URLs under ``/thu-tuc/`` (Vietnamese slugs, no sign-in)."""

from django.urls import path

from . import views

app_name = "catalog_public"

urlpatterns = [
    path("", views.procedure_list_public, name="list"),
    path("<str:code>/", views.procedure_detail_public, name="detail"),
    path("<str:code>/mau/<int:paper_id>/", views.paper_template_download, name="paper-template"),
]

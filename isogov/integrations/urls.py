"""Pages of the `integrations` app."""

from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("dossiers/<str:code>/panel/", views.dossier_panel, name="dossier-panel"),
    path("dossiers/<str:code>/sync/", views.dossier_sync_retry, name="dossier-sync-retry"),
    path("mappings/", views.mapping_page, name="mappings"),
    path("imports/", views.import_page, name="imports"),
    path("imports/<int:pk>/", views.import_job_page, name="import-job"),
]

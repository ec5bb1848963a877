"""Pages of the `integrations` app."""

from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("dossiers/<str:code>/panel/", views.dossier_panel, name="dossier-panel"),
    path("dossiers/<str:code>/sync/", views.dossier_sync_retry, name="dossier-sync-retry"),
]

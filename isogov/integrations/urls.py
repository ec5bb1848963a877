"""Pages of the `integrations` app."""

from django.urls import path

from . import views
from .procedure_import_views import portal_procedure_import_page
from .webhooks.urls import urlpatterns as webhook_urlpatterns

app_name = "integrations"

urlpatterns = [
    *webhook_urlpatterns,
    path("thu-tuc/nhap/", portal_procedure_import_page, name="procedure-import"),
    path("dossiers/<str:code>/panel/", views.dossier_panel, name="dossier-panel"),
    path("dossiers/<str:code>/sync/", views.dossier_sync_retry, name="dossier-sync-retry"),
    path("mappings/", views.mapping_page, name="mappings"),
    path("imports/", views.import_page, name="imports"),
    path("imports/<int:pk>/", views.import_job_page, name="import-job"),
]

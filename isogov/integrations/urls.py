"""Pages of the `integrations` app."""

from django.urls import path

from .procedure_import_views import portal_procedure_import_page
from .webhooks.urls import urlpatterns as webhook_urlpatterns

app_name = "integrations"

urlpatterns: list = [
    *webhook_urlpatterns,
    path("thu-tuc/nhap/", portal_procedure_import_page, name="procedure-import"),
]

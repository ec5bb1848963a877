"""Pages of the `integrations` app."""

from django.urls import path  # noqa: F401

from .webhooks.urls import urlpatterns as webhook_urlpatterns

app_name = "integrations"

urlpatterns: list = [*webhook_urlpatterns]

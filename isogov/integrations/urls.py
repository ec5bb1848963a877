"""Pages of the `integrations` app."""

from django.urls import path  # noqa: F401

app_name = "integrations"

urlpatterns: list = []

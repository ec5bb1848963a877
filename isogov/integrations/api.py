"""``/api/v1/`` views of the integrations app."""

from django.urls import path  # noqa: F401

api_urlpatterns: list = []

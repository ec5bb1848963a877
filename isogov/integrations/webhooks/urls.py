"""Webhook pages under ``/integrations/webhooks/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/tao/", views.webhook_create, name="webhook-create"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path(
        "webhooks/<int:pk>/kich-hoat/<int:active>/",
        views.webhook_set_active,
        name="webhook-active",
    ),
    path(
        "webhooks/lan-gui/<int:pk>/gui-lai/",
        views.webhook_delivery_replay,
        name="webhook-delivery-replay",
    ),
]

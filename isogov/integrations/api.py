"""``/api/v1/`` views of the integrations app."""

from django.urls import path

from .webhooks.api import WebhookDeliveryListApi, WebhookDeliveryReplayApi

api_urlpatterns: list = [
    path(
        "v1/integrations/webhooks/deliveries/",
        WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "v1/integrations/webhooks/deliveries/<int:pk>/replay/",
        WebhookDeliveryReplayApi.as_view(),
        name="webhook-delivery-replay",
    ),
]

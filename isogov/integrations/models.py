"""Models of the integrations app, kept in the module of each feature."""

from .webhooks.models import (  # noqa: F401
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)

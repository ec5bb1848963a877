"""Huey tasks of the integrations app (each feature keeps its own module)."""

from .webhooks.tasks import webhook_events_collect_periodic  # noqa: F401

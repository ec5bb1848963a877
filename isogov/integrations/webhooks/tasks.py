"""Huey: read new dossier events into webhook deliveries every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import webhook_events_collect


@db_periodic_task(crontab(minute="*"))
def webhook_events_collect_periodic() -> int:
    return webhook_events_collect()

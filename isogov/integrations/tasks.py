"""Huey tasks: push pending dossiers to the portal every minute, and right after a retry."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .outbound.sync import sync_push_due, sync_run


@db_task()
def sync_push_task() -> int:
    return sync_push_due()


@db_periodic_task(crontab(minute="*"))
def sync_periodic() -> int:
    return sync_run()

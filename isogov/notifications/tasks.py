"""Huey tasks: deliver the outbox after each commit and every minute (retries)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import outbox_deliver_due


@db_task()
def outbox_deliver_task() -> int:
    return outbox_deliver_due()


@db_periodic_task(crontab(minute="*"))
def outbox_deliver_periodic() -> int:
    return outbox_deliver_due()

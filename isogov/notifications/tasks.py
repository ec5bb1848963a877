"""Huey tasks: deliver the outbox after each commit and every minute (retries); empty the
bodies of messages sent long ago once a day."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import outbox_deliver_due, outbox_prune


@db_task()
def outbox_deliver_task() -> int:
    return outbox_deliver_due()


@db_periodic_task(crontab(minute="*"))
def outbox_deliver_periodic() -> int:
    return outbox_deliver_due()


@db_periodic_task(crontab(minute="40", hour="2"))
def outbox_prune_periodic() -> int:
    return outbox_prune()

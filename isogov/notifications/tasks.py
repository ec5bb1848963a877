"""Huey tasks: deliver the outbox after a commit (one job waiting at most) and every minute
(retries, and whatever a lost job would have sent); empty the bodies of messages sent long ago
once a day."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import (
    delivery_flag_expire,
    delivery_job_started,
    outbox_deliver_due,
    outbox_prune,
)

# A delivery job reads up to this many batches of 200 before it leaves the rest to the next one.
JOB_ROUNDS = 25


@db_task()
def outbox_deliver_task() -> None:
    delivery_job_started(outbox_deliver_task.huey)
    outbox_deliver_due(rounds=JOB_ROUNDS)


@db_periodic_task(crontab(minute="*"))
def outbox_deliver_periodic() -> None:
    outbox_deliver_due(rounds=JOB_ROUNDS)
    delivery_flag_expire(outbox_deliver_periodic.huey)


@db_periodic_task(crontab(minute="40", hour="2"))
def outbox_prune_periodic() -> int:
    return outbox_prune()

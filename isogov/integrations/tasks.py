"""Huey tasks: push pending dossiers to the portal every minute (and right after a retry);
import uploaded files; pull the configured endpoint every 15 minutes (ISO-layer mode)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .outbound.sync import sync_push_due, sync_run
from .webhooks.tasks import webhook_events_collect_periodic  # noqa: F401


@db_task()
def sync_push_task() -> int:
    return sync_push_due()


@db_periodic_task(crontab(minute="*"))
def sync_periodic() -> int:
    return sync_run()


@db_task()
def inbound_file_task(job_id: int) -> None:
    from .files import inbound_job_run

    inbound_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/15"))
def inbound_pull_periodic() -> int:
    from .pull import inbound_pull

    return inbound_pull()

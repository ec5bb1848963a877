"""Periodic upkeep of the database."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .sql import refresh_statistics


@db_periodic_task(crontab(minute="40", hour="2"))
def database_statistics() -> None:
    """Once a day: the query planner's statistics (``sql.refresh_statistics``)."""
    refresh_statistics()

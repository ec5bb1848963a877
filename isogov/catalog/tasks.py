"""Huey tasks of the catalogue: imports run in the worker so the page can show progress."""

from huey.contrib.djhuey import db_task

from .imports import import_job_run


@db_task()
def catalog_import_task(job_id: int) -> None:
    import_job_run(job_id=job_id)

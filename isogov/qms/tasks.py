"""Periodic jobs of the QMS (Huey): reminders, nonconformity proposals, objective measurements."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from isogov.accounts.models import Agency
from isogov.core import clock

from .models import QualityObjective
from .services.proposals import nonconformities_propose
from .services.reminders import reminders_send
from .services.system import objective_measure


@db_periodic_task(crontab(minute="30", hour="6"))
def qms_reminders() -> int:
    """Every morning: one reminder per due item and person, catching up missed days."""
    return reminders_send()


@db_periodic_task(crontab(minute="10", hour="1"))
def qms_daily() -> int:
    """Every night: propose nonconformities from the dossiers, refresh objective measurements."""
    created = 0
    for agency in Agency.objects.filter(role_assignments__isnull=False).distinct():
        created += nonconformities_propose(agency=agency).created
    today = clock.today()
    for objective in QualityObjective.objects.exclude(measure_code="").filter(year=today.year):
        objective_measure(objective=objective, day=today)
    return created

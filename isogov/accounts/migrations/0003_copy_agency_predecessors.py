"""Carry the plain predecessor links over to the table that also holds the date and basis."""

from typing import Any

from django.db import migrations


def copy_links(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("accounts", "Agency")
    AgencyPredecessor = apps.get_model("accounts", "AgencyPredecessor")
    Link = Agency.predecessors.through
    AgencyPredecessor.objects.bulk_create(
        [
            AgencyPredecessor(successor_id=row.from_agency_id, predecessor_id=row.to_agency_id)
            for row in Link.objects.all()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("accounts", "Agency")
    AgencyPredecessor = apps.get_model("accounts", "AgencyPredecessor")
    Link = Agency.predecessors.through
    Link.objects.bulk_create(
        [
            Link(from_agency_id=row.successor_id, to_agency_id=row.predecessor_id)
            for row in AgencyPredecessor.objects.all()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_agencypredecessor_versions"),
    ]

    operations = [migrations.RunPython(copy_links, copy_back)]

"""Fill ``stopped_at`` of the stopped dossiers from their first event into "stopped" (what the
indicators looked up before the column existed)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    first_stop = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), to_status="stopped")
        .order_by("at")
        .values("at")[:1]
    )
    Dossier.objects.filter(status="stopped").update(stopped_at=Subquery(first_stop))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0022_dossier_stopped_at"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

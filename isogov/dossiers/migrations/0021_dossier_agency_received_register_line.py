"""The register line joins the index of dossiers by agency and receipt (issue 15): the register
page counts a month and chooses its page of lines from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0020_dossier_open_by_status_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="dossier", name="dossier_agency_received"),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(received_at__isnull=False),
                fields=["agency", "received_at", "register_line"],
                name="dossier_agency_received",
            ),
        ),
    ]

"""Join the online submission and the external source, made on parallel branches."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_dossier_external_source"),
        ("dossiers", "0011_online_submission"),
    ]

    operations = []

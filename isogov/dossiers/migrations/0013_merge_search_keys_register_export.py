"""Join the search keys and the register files with the online submission and external source."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0012_merge_online_submission_external_source"),
        ("dossiers", "0012_register_export"),
    ]

    operations = []

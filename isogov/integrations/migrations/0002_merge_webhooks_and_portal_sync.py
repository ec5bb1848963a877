"""Join the two first migrations of the app, made on parallel branches (webhooks; portal sync)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_portal_sync_and_external_dossiers"),
        ("integrations", "0001_webhooks"),
    ]

    operations: list = []

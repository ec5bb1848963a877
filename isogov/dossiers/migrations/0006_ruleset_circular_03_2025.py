"""Dossiers received under Decree 118/2025 before Circular 03/2025 (15/9/2025) keep the
Circular 01/2018 forms: they move to the rule set ``nd118-2025-tt01``."""

import datetime as dt

from django.db import migrations
from django.db.models import Q

# 15/9/2025 00:00 in Vietnam (UTC+7).
CIRCULAR_03_2025_FROM = dt.datetime(2025, 9, 14, 17, 0, tzinfo=dt.UTC)


def forward(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Dossier.objects.filter(ruleset="nd118-2025").filter(
        Q(received_at__lt=CIRCULAR_03_2025_FROM)
        | Q(received_at__isnull=True, created_at__lt=CIRCULAR_03_2025_FROM)
    ).update(ruleset="nd118-2025-tt01")


def backward(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Dossier.objects.filter(ruleset="nd118-2025-tt01").update(ruleset="nd118-2025")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_outgoing_numbers_references")]

    operations = [migrations.RunPython(forward, backward)]

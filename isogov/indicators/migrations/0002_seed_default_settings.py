"""Seed the default indicator settings (indicators.md A and B); a copy, frozen here."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

# (key, effective_from, value, legal_source, is_assumption)
DEFAULTS = [
    ("d766.1.1.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.1.2.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", False),
    ("d766.1.3.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.1.4.max_points", "2022-08-01", "6", "QĐ 766/QĐ-TTg", True),
    ("d766.2.1.max_points", "2022-08-01", "20", "QĐ 766/QĐ-TTg", True),
    ("d766.2.2.max_points", "2022-08-01", "0", "QĐ 766/QĐ-TTg", True),
    ("d766.3.1.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.3.2.max_points", "2022-08-01", "2", "QĐ 766/QĐ-TTg", True),
    ("d766.3.3.max_points", "2022-08-01", "8", "QĐ 766/QĐ-TTg", True),
    ("d766.3.5.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.3.6.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.4.1.max_points", "2022-08-01", "6", "QĐ 766/QĐ-TTg", True),
    ("d766.4.2.max_points", "2022-08-01", "6", "QĐ 766/QĐ-TTg", True),
    ("d766.4.3.max_points", "2022-08-01", "6", "QĐ 766/QĐ-TTg", True),
    ("d766.4.4.max_points", "2022-08-01", "2", "QĐ 766/QĐ-TTg", True),
    ("d766.4.5.max_points", "2022-08-01", "2", "QĐ 766/QĐ-TTg", True),
    ("d766.5.1.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.5.2.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.5.3.max_points", "2022-08-01", "4", "QĐ 766/QĐ-TTg", True),
    ("d766.5.4.max_points", "2022-08-01", "6", "QĐ 766/QĐ-TTg", False),
    ("d766.2.1.full_at", "2022-08-01", "100", "QĐ 766/QĐ-TTg", False),
    ("d766.3.1.full_at", "2022-08-01", "80", "QĐ 766/QĐ-TTg", False),
    ("d766.3.3.full_at", "2022-08-01", "50", "QĐ 766/QĐ-TTg", False),
    ("d766.3.5.full_at", "2022-08-01", "80", "QĐ 766/QĐ-TTg", False),
    ("d766.4.2.full_at", "2022-08-01", "80", "QĐ 766/QĐ-TTg", False),
    ("d766.4.3.full_at", "2022-08-01", "80", "QĐ 766/QĐ-TTg", False),
    ("d766.5.4.full_at", "2022-08-01", "90", "QĐ 766/QĐ-TTg", False),
    ("d766.1.1.working_days_before", "2022-08-01", "5", "QĐ 766/QĐ-TTg", False),
    ("d766.1.2.within_working_days", "2022-08-01", "5", "QĐ 766/QĐ-TTg", False),
    ("tt01.officer.full", "2019-01-07", "5", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.officer.partial", "2019-01-07", "3.5", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.agency.excellent", "2019-01-07", "15", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.agency.good", "2019-01-07", "12", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.agency.fair", "2019-01-07", "9", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.agency.average", "2019-01-07", "6", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.9.procedures_online", "2019-01-07", "20", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.9.dossiers_online_full", "2019-01-07", "30", "TT 01/2018/TT-VPCP art. 13", False),
    ("tt01.9.dossiers_online_partial", "2019-01-07", "15", "TT 01/2018/TT-VPCP art. 13", False),
]


def seed(apps, schema_editor):
    Setting = apps.get_model("indicators", "IndicatorSetting")
    for key, effective_from, value, source, assumed in DEFAULTS:
        Setting.objects.get_or_create(
            key=key,
            effective_from=dt.date.fromisoformat(effective_from),
            defaults={
                "value": Decimal(value),
                "legal_source": source,
                "is_assumption": assumed,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

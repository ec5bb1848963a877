from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_seed_default_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorsnapshot",
            name="parts",
            field=models.JSONField(blank=True, default=dict, verbose_name="parts"),
        ),
    ]

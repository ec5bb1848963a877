from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_copy_agency_predecessors"),
    ]

    operations = [
        migrations.RemoveField(model_name="agency", name="predecessors"),
        migrations.AddField(
            model_name="agency",
            name="predecessors",
            field=models.ManyToManyField(
                blank=True,
                related_name="successors",
                through="accounts.AgencyPredecessor",
                through_fields=("successor", "predecessor"),
                to="accounts.agency",
                verbose_name="predecessors (merged or renamed bodies)",
            ),
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="unit",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="user",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.CreateModel(
            name="AgencyPredecessor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "effective_on",
                    models.DateField(blank=True, null=True, verbose_name="effective on"),
                ),
                (
                    "legal_basis",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "The decision that merged or renamed the body, e.g. its number "
                            "and date."
                        ),
                        max_length=300,
                        verbose_name="legal basis",
                    ),
                ),
                (
                    "predecessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="successor_links",
                        to="accounts.agency",
                        verbose_name="predecessor agency",
                    ),
                ),
                (
                    "successor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="predecessor_links",
                        to="accounts.agency",
                        verbose_name="successor agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "predecessor agency",
                "verbose_name_plural": "predecessor agencies",
                "ordering": ["effective_on", "predecessor__name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("successor", "predecessor"), name="agency_predecessor_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("successor", models.F("predecessor")), _negated=True),
                        name="agency_predecessor_not_itself",
                    ),
                ],
            },
        ),
    ]

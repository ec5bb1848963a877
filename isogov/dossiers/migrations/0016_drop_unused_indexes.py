"""Drop indexes no query uses (issue 15 §4), by name, leaving the tables as they are.

- the dossier's agency: the (agency, status) index starts with it and serves every query by
  agency (and the check before deleting an agency);
- the officers of the dossier (received, approved), of the step (finished) and of the event
  (actor): nothing looks them up by officer; only deleting a user checks, without an index.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = (
    ("Dossier", "agency"),
    ("Dossier", "received_by"),
    ("Dossier", "result_approved_by"),
    ("DossierStep", "finished_by"),
    ("DossierEvent", "actor"),
)


def drop_indexes(apps, schema_editor):
    for model_name, field_name in DROPPED:
        model = apps.get_model("dossiers", model_name)
        column = model._meta.get_field(field_name).column
        name = schema_editor._create_index_name(model._meta.db_table, [column])
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    for model_name, field_name in DROPPED:
        model = apps.get_model("dossiers", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0015_event_share_existing_message_and_data_with_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("accounts", "0007_merge_api_keys_and_api_tokens"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="agency",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dossiers",
                        to="accounts.agency",
                        verbose_name="agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="received_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="received by",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="result_approved_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="result approved by",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierstep",
                    name="finished_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="finished by",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]

"""The applicant's access token: added empty, filled one by one, then made unique."""

from django.db import migrations, models

import isogov.dossiers.models


def fill_tokens(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    pending = Dossier.objects.filter(access_token__isnull=True).only("pk")
    for dossier in pending.iterator(chunk_size=2000):
        Dossier.objects.filter(pk=dossier.pk).update(
            access_token=isogov.dossiers.models.new_access_token()
        )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_indicator_indexes")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="access_token",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dossier",
            name="access_token",
            field=models.CharField(
                default=isogov.dossiers.models.new_access_token,
                editable=False,
                help_text=(
                    "Carried by the applicant's links (the receipt's QR code): it shows this "
                    "dossier and nothing else, without the applicant's phone number."
                ),
                max_length=32,
                unique=True,
                verbose_name="applicant's access token",
            ),
        ),
    ]

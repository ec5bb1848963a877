"""A partial index on the dossiers waiting for a supplement: the hourly closure scan reads
through it instead of every dossier."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0013_merge_search_keys_register_export'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('status', 'supplement_requested')), fields=['id'], name='dossier_awaiting_supplement'),
        ),
    ]

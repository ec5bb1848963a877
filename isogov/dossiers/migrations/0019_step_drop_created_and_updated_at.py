"""Drop the steps' ``created_at`` and ``updated_at`` (issue 15 §4): nothing read them, and they
cost some 55 bytes a step on SQLite (about 6.7 steps a dossier). A step's own times (received,
due, finished) stay. Plain column drops on both databases; nothing to convert."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0018_merge_rating_token_and_storage"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="dossierstep",
            name="created_at",
        ),
        migrations.RemoveField(
            model_name="dossierstep",
            name="updated_at",
        ),
    ]

"""The rating token moves to the dossier (``Dossier.rating_token``), which prints it on the
receipt (docs/decisions/0011-feedback.md); the tokens already sent keep working."""

from django.db import migrations


def to_dossier(apps, schema_editor):
    Rating = apps.get_model("feedback", "Rating")
    Dossier = apps.get_model("dossiers", "Dossier")
    rows = Rating.objects.filter(token__isnull=False, dossier__isnull=False)
    for dossier_id, token in rows.values_list("dossier_id", "token").iterator():
        Dossier.objects.filter(pk=dossier_id).update(rating_token=token)


def to_rating(apps, schema_editor):
    Rating = apps.get_model("feedback", "Rating")
    Dossier = apps.get_model("dossiers", "Dossier")
    tokens = Dossier.objects.filter(rating_token__isnull=False).values_list("pk", "rating_token")
    for dossier_id, token in tokens.iterator():
        Rating.objects.filter(dossier_id=dossier_id, channel="token").update(token=token)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_seed_deadline_settings"),
        ("dossiers", "0014_dossier_rating_token"),
    ]

    operations = [
        migrations.RunPython(to_dossier, to_rating),
        migrations.RemoveField(model_name="rating", name="token"),
    ]

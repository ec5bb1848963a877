"""The default handling deadlines of Decision 766/QĐ-TTg indicator 5.2 (feedback.deadlines)."""

from django.db import migrations

from isogov.feedback.deadlines import DEFAULT_DAYS, DEFAULTS_FROM, SOURCE_5_2


def seed(apps, schema_editor):
    FeedbackSetting = apps.get_model("feedback", "FeedbackSetting")
    for key, value in DEFAULT_DAYS.items():
        FeedbackSetting.objects.get_or_create(
            key=key,
            effective_from=DEFAULTS_FROM,
            defaults={"value": value, "legal_source": SOURCE_5_2, "is_assumption": False},
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_feedback_items_and_ratings")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

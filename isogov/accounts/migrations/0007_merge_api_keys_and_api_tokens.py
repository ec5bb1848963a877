"""Join the API keys and the named API tokens, made on parallel branches."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_api_keys'),
        ('accounts', '0006_api_tokens'),
    ]

    operations = [
    ]

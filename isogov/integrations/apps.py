from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "isogov.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "isogov.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from isogov.dossiers.panels import panel_register
        from isogov.indicators.registry import supply

        from .measures import synced_rate

        # The sync state on the dossier page, and indicator 1.4's figure (ADR 0010).
        panel_register("integrations:dossier-panel")
        supply("1.4", synced_rate)

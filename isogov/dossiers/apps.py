from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    from .search import ensure_search_index

    ensure_search_index(connections[using])


class DossiersConfig(AppConfig):
    name = "isogov.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, sender=self)

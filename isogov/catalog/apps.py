from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_stamp_triggers(using: str = "default", **kwargs: Any) -> None:
    from .stamps import ensure_stamp_triggers

    ensure_stamp_triggers(connections[using])


class CatalogConfig(AppConfig):
    name = "isogov.catalog"
    label = "catalog"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        post_migrate.connect(_ensure_stamp_triggers, sender=self)

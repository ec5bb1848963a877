"""``isogov purge-online-drafts``: delete the online-submission drafts never confirmed for
``ISOGOV_ONLINE_DRAFT_RETENTION_DAYS`` days, with their uploaded files, now (the worker does it
every hour; ``dossiers.services.online_drafts_purge``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from isogov.dossiers.services import online_drafts_purge


class Command(BaseCommand):
    help = (
        "Delete the online-submission drafts never confirmed for "
        "ISOGOV_ONLINE_DRAFT_RETENTION_DAYS days, with their uploaded files."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = online_drafts_purge()
        self.stdout.write(
            f"{purged.drafts} draft(s) and {purged.files} file(s) deleted "
            f"(unconfirmed for more than {settings.ISOGOV_ONLINE_DRAFT_RETENTION_DAYS} days)."
        )

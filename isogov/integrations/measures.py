"""Indicator 1.4 (Decision 766): dossiers synchronised to the national portal.

Registered in the indicators registry (``indicators.measures.publicity``); its figure comes from
the sync state kept here, supplied at app ready (``apps.py``, ``registry.supply``).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from isogov.indicators.queries import scoped_dossiers
from isogov.indicators.registry import Context, Figure

from . import conf
from .models import DossierSync, SyncState


def synced_rate(ctx: Context) -> Figure:
    """dvcqg-sync.md "How the 766 rules read": synced dossiers received in the period ÷ the
    larger of our count and the portal's. [A] The portal's count is not read back: ours.

    Only isogov's own dossiers count; external ones are synchronised by their system of record.
    Without the sync switched on (ISO-layer mode), no data.
    """
    if not conf.portal()["ENABLED"]:
        return Figure.no_data()
    received = scoped_dossiers(ctx).filter(
        source="", received_at__gte=ctx.start, received_at__lt=ctx.end
    )
    synced = DossierSync.objects.filter(dossier=OuterRef("pk"), state=SyncState.SYNCED)
    counts = received.aggregate(total=Count("pk"), synced=Count("pk", filter=Exists(synced)))
    return Figure.ratio(counts["synced"], counts["total"])

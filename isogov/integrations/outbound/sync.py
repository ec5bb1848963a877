"""The outbound sync: find the dossiers that changed, push each to the portal, retry failures.

How a change is queued (ADR 0010): every status change and step of a dossier writes a timeline
event (``DossierEvent``) in the same transaction as the change (``dossiers.services._kernel``).
Those events are this sync's queue, so ``dossiers`` knows nothing of the portal:
``sync_scan`` reads the events past its cursor and marks each dossier they belong to pending
(``DossierSync.wanted_event_id``); ``sync_push_due`` pushes the pending dossiers. A dossier is
synchronised when its last event is on the portal (``last_event_id``).

Each push: look the dossier up; create or update its ``DongBoHoSoMC`` record ("đã tồn tại" on a
create means an earlier answer was lost: update instead); send the history entries the portal
does not hold yet, in order. A failure keeps the dossier pending with a growing delay
(``notifications.services.retry_delay``) and its last error, which officers see on the dossier
page, where they can retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.db import transaction
from django.db.models import Max, Q

from isogov.accounts.models import User
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.dossiers.models import Dossier, DossierEvent
from isogov.notifications.services import retry_delay

from .. import conf, wire
from ..models import DossierSync, SyncCursor, SyncState
from .adapter import AlreadyExists, PortalClient, PortalError

logger = logging.getLogger(__name__)

CURSOR = "outbound"
# A dossier being pushed is not picked by another worker for this long.
LEASE = dt.timedelta(minutes=5)


def sync_scan(*, limit: int = 20_000) -> int:
    """Mark pending every native dossier with an event past the cursor; returns how many."""
    settings = conf.portal()
    cursor, _created = SyncCursor.objects.get_or_create(name=CURSOR)
    start = max(cursor.event_id - settings["RESCAN_EVENTS"], 0)
    rows = list(
        DossierEvent.objects.filter(id__gt=start, dossier__source="")
        .order_by("id")
        .values_list("id", "dossier_id")[:limit]
    )
    if not rows:
        return 0
    latest: dict[int, int] = {}
    for event_id, dossier_id in rows:
        latest[dossier_id] = event_id
    now = clock.now()
    marked = 0
    with transaction.atomic():
        known = {
            sync.dossier_id: sync
            for sync in DossierSync.objects.select_for_update().filter(dossier_id__in=latest)
        }
        new = []
        for dossier_id, event_id in latest.items():
            sync = known.get(dossier_id)
            if sync is None:
                new.append(
                    DossierSync(
                        dossier_id=dossier_id, wanted_event_id=event_id, next_attempt_at=now
                    )
                )
            elif sync.wanted_event_id < event_id:
                DossierSync.objects.filter(pk=sync.pk).update(
                    wanted_event_id=event_id,
                    state=SyncState.PENDING if sync.state == SyncState.SYNCED else sync.state,
                    next_attempt_at=now,
                    attempts=0,
                )
            else:
                continue
            marked += 1
        DossierSync.objects.bulk_create(new, batch_size=1000)
        SyncCursor.objects.filter(pk=cursor.pk, event_id__lt=rows[-1][0]).update(
            event_id=rows[-1][0]
        )
    return marked


def _due() -> Q:
    return ~Q(state=SyncState.SYNCED) & Q(next_attempt_at__lte=clock.now())


def _claim(sync_id: int) -> bool:
    """Take the dossier for this worker (a lease), so two workers never push it at once."""
    return bool(
        DossierSync.objects.filter(_due(), pk=sync_id).update(next_attempt_at=clock.now() + LEASE)
    )


def sync_push_one(*, sync_id: int, client: PortalClient, maps: wire.Maps | None = None) -> bool:
    """Push one dossier (record, then the history entries the portal lacks); True when done."""
    if not _claim(sync_id):
        return False
    maps = maps or wire.Maps.load()
    sync = DossierSync.objects.get(pk=sync_id)
    dossier = Dossier.objects.select_related(
        "agency", "handling_unit", "procedure_version__procedure__sector"
    ).get(pk=sync.dossier_id)
    events = list(
        DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")
    )
    target = max((event.id for event in events), default=0)
    steps = {step.pk: step for step in dossier.steps.all()}
    record = wire.dossier_record(dossier, events, maps)
    entries = wire.history_entries(dossier, events, steps, maps)
    agency_code = maps.agency_code(dossier.agency)
    sent = sync.history_sent
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    try:
        exists, held = client.lookup(dossier.code, agency_code)
        if not exists or digest != sync.record_digest:
            try:
                client.push_record(record, agency_code, updating=exists)
            except AlreadyExists:
                client.push_record(record, agency_code, updating=True)
            DossierSync.objects.filter(pk=sync.pk).update(record_digest=digest)
        sent = held if held is not None else (sent if exists else 0)
        batch = conf.portal()["HISTORY_BATCH"]
        while sent < len(entries):
            chunk = entries[sent : sent + batch]
            client.push_history(chunk, agency_code)
            sent += len(chunk)
            DossierSync.objects.filter(pk=sync.pk).update(history_sent=sent)
    except PortalError as error:
        attempts = sync.attempts + 1
        give_up = attempts >= conf.portal()["MAX_ATTEMPTS"]
        logger.warning("portal sync of %s failed: %s", dossier.code, error)
        DossierSync.objects.filter(pk=sync.pk).update(
            state=SyncState.FAILED,
            attempts=attempts,
            history_sent=sent,
            last_error=str(error)[:2000],
            next_attempt_at=None if give_up else clock.now() + retry_delay(attempts),
        )
        return False
    # Done up to ``target``; an event written meanwhile leaves it pending for the next run.
    with transaction.atomic():
        current = DossierSync.objects.select_for_update().get(pk=sync.pk)
        done = current.wanted_event_id <= target
        DossierSync.objects.filter(pk=sync.pk).update(
            state=SyncState.SYNCED if done else SyncState.PENDING,
            last_event_id=target,
            history_sent=sent,
            attempts=0,
            last_error="",
            synced_at=clock.now(),
            next_attempt_at=None if done else clock.now(),
        )
    return True


def sync_push_due(*, limit: int = 500, client: PortalClient | None = None) -> int:
    """Push every dossier whose time has come; returns how many were synchronised."""
    if not conf.portal()["ENABLED"]:
        return 0
    ids = list(
        DossierSync.objects.filter(_due())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    client = client or PortalClient()
    maps = wire.Maps.load()
    return sum(1 for pk in ids if sync_push_one(sync_id=pk, client=client, maps=maps))


def sync_run(*, client: PortalClient | None = None) -> int:
    """The worker's job: scan, then push what is due."""
    sync_scan()
    return sync_push_due(client=client)


@transaction.atomic
def sync_retry(*, actor: User, dossier: Dossier) -> DossierSync:
    """An officer asks to push the dossier now (after an error); audited."""
    sync, _created = DossierSync.objects.select_for_update().get_or_create(
        dossier=dossier,
        defaults={"wanted_event_id": _last_event_id(dossier)},
    )
    sync.state = SyncState.PENDING if sync.state == SyncState.SYNCED else sync.state
    sync.attempts = 0
    sync.next_attempt_at = clock.now()
    sync.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action="integrations.sync_retry",
        target=dossier,
        agency=dossier.agency,
        after={"state": sync.state},
    )

    def enqueue() -> None:
        from ..tasks import sync_push_task

        sync_push_task()

    transaction.on_commit(enqueue)
    return sync


def _last_event_id(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier).aggregate(m=Max("id"))["m"] or 0

"""Existing timeline events: read their message and data from their audit event.

Each event written by the services has an audit event written in the same transaction, for
the same dossier, whose action is ``dossier.<action>``, whose reason is the event's message
and whose ``after`` is the event's data with the status. The events of each dossier are
paired in order with its audit events; an event is linked, and its own copy emptied, only
when its audit event holds exactly the same message and data, so nothing can be lost. The
audit events are not touched (``isogov audit verify`` still passes). An event with no such
twin (the demo generator's, an external dossier's) keeps its own columns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import migrations

CHUNK = 500
NEAR = dt.timedelta(minutes=1)  # the two rows' clock readings, in one transaction


def _twin(event, candidates):
    data = event.own_data or {}
    if "status" in data:
        return None
    for index, audit in enumerate(candidates):
        if audit.action != f"dossier.{event.action}" or abs(audit.occurred_at - event.at) > NEAR:
            continue
        after = dict(audit.after or {})
        after.pop("status", None)
        if audit.reason == event.own_message and after == data:
            return candidates.pop(index)
    return None


def link(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    last = 0
    while True:
        ids = list(
            Dossier.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        last = ids[-1]
        audits = defaultdict(list)
        for audit in (
            AuditEvent.objects.filter(
                object_type="dossiers.dossier",
                object_id__in=[str(pk) for pk in ids],
                action__startswith="dossier.",
            )
            .order_by("seq")
            .only("id", "object_id", "action", "after", "reason", "occurred_at")
        ):
            audits[audit.object_id].append(audit)
        linked = []
        for event in DossierEvent.objects.filter(
            dossier_id__in=ids, audit_event_id__isnull=True
        ).order_by("id"):
            twin = _twin(event, audits.get(str(event.dossier_id), []))
            if twin is not None:
                event.audit_event_id = twin.id
                event.own_message = ""
                event.own_data = {}
                linked.append(event)
        DossierEvent.objects.bulk_update(
            linked, ["audit_event_id", "own_message", "own_data"], batch_size=CHUNK
        )


def unlink(apps, schema_editor):
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = DossierEvent.objects.filter(audit_event_id__isnull=False).order_by("id")
    while True:
        chunk = list(events[:CHUNK])
        if not chunk:
            return
        audits = AuditEvent.objects.in_bulk([event.audit_event_id for event in chunk])
        for event in chunk:
            audit = audits[event.audit_event_id]
            event.own_message = audit.reason
            event.own_data = {k: v for k, v in (audit.after or {}).items() if k != "status"}
            event.audit_event_id = None
        DossierEvent.objects.bulk_update(
            chunk, ["audit_event_id", "own_message", "own_data"], batch_size=CHUNK
        )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_event_reads_message_and_data_from_audit")]

    operations = [migrations.RunPython(link, unlink, elidable=False)]

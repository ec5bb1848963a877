"""Pure hashing of audit events: the same function writes and verifies the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def normalise(value: Any) -> Any:
    """Turn a value into plain JSON data (what the database gives back when read)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    agency_code: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    reason: str,
    request_id: str,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of the event's fields and the previous hash."""
    payload = {
        "seq": seq,
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "agency_code": agency_code,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "reason": reason,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The stored fields the hash covers, with ``prev_hash``: ``event_hash``'s arguments.
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "agency_code",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "reason",
    "request_id",
)


def stored_event_hash(event: Any, prev_hash: str) -> str:
    """The hash a stored event (anything with the ``HASHED_FIELDS``) gets after ``prev_hash``."""
    return event_hash(**{f: getattr(event, f) for f in HASHED_FIELDS}, prev_hash=prev_hash)

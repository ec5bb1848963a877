"""Writing to the audit trail. Every service of every app calls ``audit_record``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from isogov.core import clock
from isogov.core.context import current_request_id
from isogov.core.inserts import insert_rows
from isogov.core.sql import execute, fetch_one

from .chain import GENESIS_HASH, event_hash, normalise
from .checkpoints import checkpoint_list
from .models import AuditChainHead, AuditEvent


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system" if actor is None else "anonymous"
    return actor.pk, actor.get_username()


def _agency_code(agency: Any) -> str:
    if agency is None:
        return ""
    if isinstance(agency, str):
        return agency
    return str(getattr(agency, "code", ""))


_HEAD = AuditChainHead._meta.db_table


def _lock_head() -> tuple[int, str]:
    """The chain head, locked until the transaction ends (the row is created if missing)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT last_seq, last_hash FROM {_HEAD} WHERE id = 1{lock}"  # noqa: S608
    row = fetch_one(select)
    if row is None:  # just after a flush
        execute(
            f"INSERT INTO {_HEAD} (id, last_seq, last_hash) VALUES (1, 0, %s) "  # noqa: S608
            "ON CONFLICT (id) DO NOTHING",
            [GENESIS_HASH],
        )
        row = fetch_one(select)
    assert row is not None
    return int(row[0]), str(row[1])


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    agency: Any = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_id, actor_label = _actor_fields(actor)
    # No savepoint of its own: an event that cannot be written fails the caller's transaction.
    with transaction.atomic(savepoint=False):
        last_seq, last_hash = _lock_head()
        fields: dict[str, Any] = {
            "seq": last_seq + 1,
            "occurred_at": clock.now(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "agency_code": _agency_code(agency),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": normalise(before),
            "after": normalise(after),
            "reason": reason,
            "request_id": current_request_id(),
            "prev_hash": last_hash,
        }
        event = AuditEvent(**fields, hash=event_hash(**fields))
        insert_rows([event])
        execute(
            f"UPDATE {_HEAD} SET last_seq = %s, last_hash = %s WHERE id = 1",  # noqa: S608
            [event.seq, event.hash],
        )
    return event


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_verify_chain() -> VerifyResult:
    """Walk the whole chain in order and name the first broken link, then compare the chain
    with every signed checkpoint (``checkpoints.py``) and name the first it contradicts."""
    checkpoints = checkpoint_list()
    wanted = {c.seq for c in checkpoints}
    hashes: dict[int, str] = {}
    result = _walk(wanted, hashes)
    if not result.ok:
        return result
    for checkpoint in checkpoints:
        where = f"checkpoint line {checkpoint.line} ({checkpoint.at or 'unreadable'})"
        if not checkpoint.valid_signature:
            return VerifyResult(result.checked, checkpoint.seq, f"{where} has a bad signature")
        if checkpoint.seq not in hashes:
            return VerifyResult(
                result.checked,
                checkpoint.seq,
                f"the chain ends at #{result.checked} but {where} saw #{checkpoint.seq}: "
                "events were cut off",
            )
        if hashes[checkpoint.seq] != checkpoint.hash:
            return VerifyResult(
                result.checked,
                checkpoint.seq,
                f"event #{checkpoint.seq} differs from {where}: the chain was rewritten",
            )
    return result


def _walk(wanted: set[int], hashes: dict[int, str]) -> VerifyResult:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq in wanted:
            hashes[event.seq] = event.hash
        if event.seq != expected_seq:
            return VerifyResult(
                checked, expected_seq, f"event #{expected_seq} is missing (next is #{event.seq})"
            )
        if event.prev_hash != expected_prev:
            return VerifyResult(
                checked, event.seq, f"event #{event.seq} does not point at the previous event"
            )
        recomputed = event_hash(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            agency_code=event.agency_code,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            reason=event.reason,
            request_id=event.request_id,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return VerifyResult(
                checked, event.seq, f"event #{event.seq} was changed after it was written"
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return VerifyResult(
            checked,
            checked + 1,
            f"the chain ends at #{checked} but #{head.last_seq} events were written",
        )
    return VerifyResult(checked)


class audit_maintenance:
    """Let this connection remove audit events: only a whole-database wipe may use it."""

    def __enter__(self) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            connection.isogov_audit_maintenance = True  # type: ignore[attr-defined]
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET isogov.audit_maintenance = 'on'")

    def __exit__(self, *exc: object) -> None:
        if connection.vendor == "sqlite":
            connection.isogov_audit_maintenance = False  # type: ignore[attr-defined]
        elif connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET isogov.audit_maintenance")

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

from .chain import GENESIS_HASH, event_hash, normalise, stored_event_hash
from .checkpoints import Checkpoint, checkpoint_list
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
_EVENTS = AuditEvent._meta.db_table


def _advance_head(agency_code: str) -> tuple[int, int, str]:
    """Move the agency's chain head one event on, and lock it until the transaction ends.

    One statement creates the head on the agency's first event, or takes the existing row's
    lock and counts the event: it returns the chain's id, the new event's number and the hash
    of the previous event (the last hash is set by ``_append``). Only writers of the same
    agency wait here for each other (ADR 0002).
    """
    row = fetch_one(
        f"INSERT INTO {_HEAD} (agency_code, last_seq, last_hash) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT (agency_code) DO UPDATE SET last_seq = {_HEAD}.last_seq + 1 "
        "RETURNING id, last_seq, last_hash",
        [agency_code, GENESIS_HASH],
    )
    assert row is not None  # an upsert always returns its row
    return int(row[0]), int(row[1]), str(row[2])


def _append(event: AuditEvent) -> None:
    """Insert the event and set its hash as the chain's last: one round trip on PostgreSQL
    (the head's UPDATE rides on the INSERT as a data-modifying ``WITH``), two on SQLite."""
    update = f"UPDATE {_HEAD} SET last_hash = %s WHERE id = %s"  # noqa: S608
    if connection.vendor == "postgresql":
        insert_rows(
            [event], with_sql=f"WITH head AS ({update}) ", with_params=[event.hash, event.chain]
        )
        return
    insert_rows([event])
    execute(update, [event.hash, event.chain])


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
    agency_code = _agency_code(agency)
    # No savepoint of its own: an event that cannot be written fails the caller's transaction.
    with transaction.atomic(savepoint=False):
        chain, seq, last_hash = _advance_head(agency_code)
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": clock.now(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "agency_code": agency_code,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": normalise(before),
            "after": normalise(after),
            "reason": reason,
            "request_id": current_request_id(),
        }
        # The previous hash is covered, not stored: it is the previous event's own (ADR 0002).
        event = AuditEvent(**fields, chain=chain, hash=event_hash(**fields, prev_hash=last_hash))
        _append(event)
    return event


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    chain: str | None = None  # the agency code of the broken chain ("" the system chain)
    chains: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    @property
    def chain_label(self) -> str:
        return chain_label(self.chain or "")


def chain_label(agency_code: str) -> str:
    return f"the chain of agency {agency_code}" if agency_code else "the system chain"


def audit_verify_chain() -> VerifyResult:
    """Walk every chain in order and name the first broken link, then compare each chain with
    every signed checkpoint of it (``checkpoints.py``) and name the first it contradicts.

    A checkpoint of a chain whose head is gone (its events all removed) is contradicted too.
    """
    checkpoints = checkpoint_list()
    heads = {h.agency_code: h for h in AuditChainHead.objects.order_by("id")}
    checked = 0
    for head in heads.values():
        wanted = {c.seq for c in checkpoints if c.chain == head.agency_code}
        hashes: dict[int, str] = {}
        result = _walk(head, wanted, hashes)
        checked += result.checked
        if not result.ok:
            return _broken(checked, result.broken_seq, result.problem, head.agency_code)
        for checkpoint in checkpoints:
            if checkpoint.chain != head.agency_code:
                continue
            problem = _contradiction(checkpoint, hashes, result.checked)
            if problem:
                return _broken(checked, checkpoint.seq, problem, head.agency_code)
    orphans = AuditEvent.objects.exclude(chain__in=[h.pk for h in heads.values()])
    orphan = orphans.order_by("id").first()
    if orphan is not None:
        return _broken(
            checked, orphan.seq, f"event #{orphan.seq} belongs to no chain ({orphan.chain})", ""
        )
    for checkpoint in checkpoints:
        if checkpoint.chain not in heads:
            problem = _contradiction(checkpoint, {}, 0)
            return _broken(checked, checkpoint.seq, problem, checkpoint.chain)
    return VerifyResult(checked, chains=len(heads))


def _broken(checked: int, seq: int | None, problem: str, chain: str) -> VerifyResult:
    return VerifyResult(checked, seq, problem, chain)


def _contradiction(checkpoint: Checkpoint, hashes: dict[int, str], length: int) -> str:
    """What the chain (``hashes`` of the checkpointed events, ``length`` events) contradicts
    in ``checkpoint``; "" when nothing."""
    where = f"checkpoint line {checkpoint.line} ({checkpoint.at or 'unreadable'})"
    if not checkpoint.valid_signature:
        return f"{where} has a bad signature"
    if checkpoint.seq not in hashes:
        return f"the chain ends at #{length} but {where} saw #{checkpoint.seq}: events were cut off"
    if hashes[checkpoint.seq] != checkpoint.hash:
        return f"event #{checkpoint.seq} differs from {where}: the chain was rewritten"
    return ""


def _walk(head: AuditChainHead, wanted: set[int], hashes: dict[int, str]) -> VerifyResult:
    """One chain, in order. An agency chain's events all name that agency; the system chain
    holds events of any agency written before the chains were split (ADR 0002)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    events = AuditEvent.objects.filter(chain=head.pk).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq in wanted:
            hashes[event.seq] = event.hash
        if event.seq != expected_seq:
            return VerifyResult(
                checked, expected_seq, f"event #{expected_seq} is missing (next is #{event.seq})"
            )
        if head.agency_code and event.agency_code != head.agency_code:
            return VerifyResult(
                checked, event.seq, f"event #{event.seq} names agency {event.agency_code!r}"
            )
        # The link is recomputed: the hash covers the previous event's hash, which is not
        # stored a second time, so an edited event and a re-hashed one before it both show here.
        if stored_event_hash(event, expected_prev) != event.hash:
            return VerifyResult(
                checked,
                event.seq,
                f"event #{event.seq} was changed after it was written, or the event before it was",
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    if head.last_seq != checked:
        return VerifyResult(
            checked,
            checked + 1,
            f"the chain ends at #{checked} but #{head.last_seq} events were written",
        )
    if head.last_hash != expected_prev:
        return VerifyResult(
            checked, checked, f"the head's hash is not that of the last event #{checked}"
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

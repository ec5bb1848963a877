"""Checkpoints of the audit chains, kept outside the database (ASVS 7.3.3).

Anyone who can rewrite the audit tables (a database superuser, a stolen backup restored with
changes) can rehash a whole chain and cut its tail, and the chain alone still verifies. A
checkpoint is one chain's name (the agency code, "" for the system chain), its head's sequence
number and hash, signed with HMAC-SHA256 under a key that is not in the database, appended to a
file the application only appends to, and written to the log; each run writes one line per
chain. ``audit_verify_chain`` compares each chain with every checkpoint of it: a rehashed event
or a cut tail contradicts the first checkpoint at or after it.

Lines written before the chains were split carry no chain: they are the system chain's, which
continues that single chain with the same numbers and hashes (ADR 0002), and their signature
covers what it covered then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import AuditChainHead

logger = logging.getLogger("isogov.audit.checkpoint")


@dataclass(frozen=True)
class Checkpoint:
    line: int
    chain: str
    seq: int
    hash: str
    at: str
    valid_signature: bool


def _key() -> bytes:
    """``ISOGOV_AUDIT_KEY``, else a key file created (mode 600) on first use."""
    if settings.ISOGOV_AUDIT_KEY:
        return settings.ISOGOV_AUDIT_KEY.encode()
    path = Path(settings.ISOGOV_AUDIT_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _signature(chain: str | None, seq: int, head_hash: str, at: str) -> str:
    """The MAC of a line; ``chain`` None for a line written before the chains were split."""
    message = f"{seq}:{head_hash}:{at}" if chain is None else f"{chain}:{seq}:{head_hash}:{at}"
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def checkpoint_write() -> list[Checkpoint]:
    """Append every chain head's checkpoint to the file and the log, one line per chain with
    events (nothing before any event)."""
    heads = AuditChainHead.objects.filter(last_seq__gt=0).order_by("id")
    at = timezone.now().astimezone(dt.UTC).isoformat()
    written, lines = [], []
    for head in heads:
        record = {
            "chain": head.agency_code,
            "seq": head.last_seq,
            "hash": head.last_hash,
            "at": at,
            "mac": _signature(head.agency_code, head.last_seq, head.last_hash, at),
        }
        lines.append(json.dumps(record, sort_keys=True, ensure_ascii=False))
        written.append(Checkpoint(0, head.agency_code, head.last_seq, head.last_hash, at, True))
    if not lines:
        return []
    path = Path(settings.ISOGOV_AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))
        handle.flush()
        os.fsync(handle.fileno())
    for line in lines:
        logger.info("audit checkpoint %s", line)
    return written


def checkpoint_list() -> list[Checkpoint]:
    """Every checkpoint in the file, each with whether its signature holds."""
    path = Path(settings.ISOGOV_AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    found = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
            chain = record.get("chain")
            seq, head_hash, at = int(record["seq"]), str(record["hash"]), str(record["at"])
            mac = _signature(None if chain is None else str(chain), seq, head_hash, at)
            valid = hmac.compare_digest(str(record["mac"]), mac)
        except (ValueError, KeyError, TypeError, AttributeError):
            found.append(Checkpoint(number, "", 0, "", "", False))
            continue
        found.append(Checkpoint(number, str(chain or ""), seq, head_hash, at, valid))
    return found

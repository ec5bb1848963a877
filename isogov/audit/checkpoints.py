"""Checkpoints of the audit chain, kept outside the database (ASVS 7.3.3).

Anyone who can rewrite the audit tables (a database superuser, a stolen backup restored with
changes) can rehash the whole chain and cut its tail, and the chain alone still verifies. A
checkpoint is the head's sequence number and hash, signed with HMAC-SHA256 under a key that is
not in the database, appended to a file the application only appends to, and written to the
log. ``audit_verify_chain`` compares the chain with every checkpoint: a rehashed event or a cut
tail contradicts the first checkpoint at or after it.
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


def _signature(seq: int, head_hash: str, at: str) -> str:
    message = f"{seq}:{head_hash}:{at}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def checkpoint_write() -> Checkpoint | None:
    """Append the chain head's checkpoint to the file and the log (nothing before any event)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        return None
    at = timezone.now().astimezone(dt.UTC).isoformat()
    record = {
        "seq": head.last_seq,
        "hash": head.last_hash,
        "at": at,
        "mac": _signature(head.last_seq, head.last_hash, at),
    }
    line = json.dumps(record, sort_keys=True)
    path = Path(settings.ISOGOV_AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit checkpoint %s", line)
    return Checkpoint(0, head.last_seq, head.last_hash, at, True)


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
            seq, head_hash, at = int(record["seq"]), str(record["hash"]), str(record["at"])
            valid = hmac.compare_digest(str(record["mac"]), _signature(seq, head_hash, at))
        except (ValueError, KeyError, TypeError):
            found.append(Checkpoint(number, 0, "", "", False))
            continue
        found.append(Checkpoint(number, seq, head_hash, at, valid))
    return found

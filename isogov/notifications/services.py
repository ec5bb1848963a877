"""Queue messages in the caller's transaction; deliver them after commit, retrying failures."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from isogov.core import clock
from isogov.core.errors import ValidationFailed, check_version
from isogov.core.inserts import insert_rows
from isogov.core.sql import ModelColumns, execute, fetch_one

from . import channels
from .models import NOTICE_CHANNELS, Channel, NoticeTemplate, OutboxMessage, OutboxStatus
from .notices import Milestone, TemplateInvalid, template_check

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

BODY_REQUIRED = _("The notice needs a text.")
SUBJECT_REQUIRED = _("An e-mail needs a subject.")
UNKNOWN_NOTICE = _("There is no such notice.")


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def outbox_enqueue(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    agency_code: str = "",
    object_type: str = "",
    object_id: str = "",
) -> OutboxMessage:
    """Write a message to the outbox in the current transaction; it leaves after commit."""
    [message] = outbox_enqueue_all(
        [
            {
                "channel": channel,
                "recipient": recipient,
                "body": body,
                "subject": subject,
                "agency_code": agency_code,
                "object_type": object_type,
                "object_id": object_id,
            }
        ]
    )
    return message


def outbox_enqueue_all(messages: list[dict[str, str]]) -> list[OutboxMessage]:
    """``outbox_enqueue`` for several messages (each the same keywords), in one INSERT."""
    now = clock.now()
    rows = [
        OutboxMessage(
            channel=Channel(m["channel"]),
            recipient=m["recipient"],
            subject=m.get("subject", ""),
            body=m["body"],
            next_attempt_at=now,
            agency_code=m.get("agency_code", ""),
            object_type=m.get("object_type", ""),
            object_id=m.get("object_id", ""),
        )
        for m in messages
    ]
    if not rows:
        return rows
    insert_rows(rows)
    # One delivery job per transaction is enough: it sends every message that is due.
    connection = transaction.get_connection()
    if not any(
        callback is _schedule_delivery for _ids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_schedule_delivery)
    return rows


# At most one delivery job waits in the queue: a flag in the queue's own key-value store, set
# (atomically: ``put_if_empty``) by whoever queues the job and cleared by the job before it reads
# the outbox. A message committed while the flag is set is committed before the job clears it,
# so the job's read sees it; one committed later finds the flag cleared and queues a new job.
DELIVERY_QUEUED = "isogov.outbox.delivery-queued"
# A flag older than this names a job that was lost (a worker killed mid-job, a power cut under
# ``synchronous=NORMAL``): the minute's delivery clears it. Until then, and always, the minute's
# delivery sends whatever is due, so a lost job delays messages by a minute, never drops them.
DELIVERY_QUEUED_STALE_SECONDS = 600


def _schedule_delivery() -> None:
    """Queue a delivery job after a commit, unless one is already waiting."""
    from .tasks import outbox_deliver_task

    huey = outbox_deliver_task.huey
    # A plain read first: while a job waits, a commit costs the queue no write at all.
    if huey.get(DELIVERY_QUEUED, peek=True) is not None:
        return
    if not huey.put_if_empty(DELIVERY_QUEUED, time.time()):
        return
    try:
        outbox_deliver_task()
    except Exception:
        huey.delete(DELIVERY_QUEUED)  # queued nothing: the next commit tries again
        raise


def delivery_job_started(huey: Any) -> None:
    """Clear the flag as a delivery job starts, before it reads the outbox."""
    huey.delete(DELIVERY_QUEUED)


def delivery_flag_expire(huey: Any, *, now: float | None = None) -> bool:
    """Clear a flag left by a lost job (older than ``DELIVERY_QUEUED_STALE_SECONDS``)."""
    queued_at = huey.get(DELIVERY_QUEUED, peek=True)
    if queued_at is None:
        return False
    if (now if now is not None else time.time()) - float(queued_at) < (
        DELIVERY_QUEUED_STALE_SECONDS
    ):
        return False
    huey.delete(DELIVERY_QUEUED)
    return True


_MESSAGE = ModelColumns(OutboxMessage, "m")
_DELIVERY_FIELDS = [
    field
    for name in ("attempts", "status", "sent_at", "last_error", "next_attempt_at")
    for field in OutboxMessage._meta.concrete_fields
    if field.name == name
]
_delivery_sql: dict[str, tuple[str, str]] = {}


def _delivery_statements() -> tuple[str, str]:
    """The message's locked read and its update after the attempt, in plain SQL (ADR 0005):
    every message sent is one of each, which as querysets cost as much CPU as the e-mail's
    encoding (bench/http_edge.py, the job worker's share of an intake)."""
    found = _delivery_sql.get(connection.vendor)
    if found is None:
        meta = OutboxMessage._meta
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        columns = ", ".join(f'"{field.column}" = %s' for field in _DELIVERY_FIELDS)
        found = _delivery_sql[connection.vendor] = (
            f'SELECT {_MESSAGE.select} FROM "{meta.db_table}" "m"'  # noqa: S608
            f' WHERE "m"."id" = %s AND "m"."status" = %s{lock}',
            f'UPDATE "{meta.db_table}" SET {columns} WHERE "id" = %s',  # noqa: S608
        )
    return found


def outbox_deliver_one(*, message_id: int) -> bool:
    """Try to send one pending message; True when it was sent."""
    read, update = _delivery_statements()
    with transaction.atomic():
        row = fetch_one(read, [message_id, OutboxStatus.PENDING.value])
        if row is None:
            return False
        message: OutboxMessage = _MESSAGE.build(row)
        message.attempts += 1
        try:
            if message.channel == Channel.EMAIL:
                channels.send_email(
                    recipient=message.recipient, subject=message.subject, body=message.body
                )
            elif message.channel == Channel.SMS:
                channels.send_sms(recipient=message.recipient, body=message.body)
            else:
                channels.send_other(channel=message.channel, message=message)
        except Exception as error:  # any channel failure: keep the message and retry later
            logger.warning("outbox message %s failed: %s", message.pk, error)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            message.next_attempt_at = clock.now() + retry_delay(message.attempts)
            sent = False
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = clock.now()
            message.next_attempt_at = None  # no next attempt: nothing to store or index
            message.last_error = ""
            sent = True
        execute(
            update,
            [
                *(
                    field.get_db_prep_save(getattr(message, field.attname), connection)
                    for field in _DELIVERY_FIELDS
                ),
                message.pk,
            ],
        )
    return sent


def outbox_deliver_due(*, limit: int = 200, rounds: int = 1) -> int:
    """Deliver the pending messages whose time has come, ``limit`` at a time for at most
    ``rounds`` reads (a failed one is due again only later); returns how many were sent."""
    sent = 0
    for _round in range(rounds):
        due_ids = list(
            OutboxMessage.objects.filter(
                status=OutboxStatus.PENDING, next_attempt_at__lte=clock.now()
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        sent += sum(1 for message_id in due_ids if outbox_deliver_one(message_id=message_id))
        if len(due_ids) < limit:
            break
    return sent


def outbox_prune() -> int:
    """Empty the subject and body of each message sent more than
    ``ISOGOV_OUTBOX_BODY_RETENTION_DAYS`` ago.

    The row stays (channel, recipient, about what, when it was written and sent): that the
    applicant was told stays on record. Only the text goes, which the dossier's timeline and
    its audit trail already hold the facts of (which notice: the milestone's event at that
    time), and which may carry a link that should not outlive its use (a password reset).
    Pending and failed messages keep their text, for a retry or an operator. Returns how many
    messages were emptied.
    """
    cutoff = clock.now() - dt.timedelta(days=settings.ISOGOV_OUTBOX_BODY_RETENTION_DAYS)
    return (
        OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=cutoff)
        .exclude(body="", subject="")
        .update(body="", subject="")
    )


def notice_template_save(
    *,
    agency_code: str,
    milestone: str,
    channel: str,
    subject: str,
    body: str,
    version: object,
) -> tuple[NoticeTemplate, dict[str, str]]:
    """Store an agency's wording of one notice (version-checked); returns it and what it was.

    A field the milestone does not offer is refused, naming the field. The caller checks who
    may edit and writes the audit event (this app sits below ``accounts`` and ``audit``).
    """
    if milestone not in Milestone.values or channel not in dict(NOTICE_CHANNELS):
        raise ValidationFailed(UNKNOWN_NOTICE, details={"milestone": [str(UNKNOWN_NOTICE)]})
    errors: dict[str, list[str]] = {}
    for name, text in (("subject", subject), ("body", body)):
        try:
            template_check(text, milestone=milestone)
        except TemplateInvalid as error:
            errors[name] = [error.message]
    if not body.strip():
        errors.setdefault("body", []).append(str(BODY_REQUIRED))
    if channel == Channel.EMAIL and not subject.strip():
        errors.setdefault("subject", []).append(str(SUBJECT_REQUIRED))
    row = (
        NoticeTemplate.objects.select_for_update()
        .filter(agency_code=agency_code, milestone=milestone, channel=channel)
        .first()
    )
    check_version(stored=row.version if row else 0, sent=version)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    before = {"subject": row.subject, "body": row.body} if row else {}
    if row is None:
        row = NoticeTemplate(
            agency_code=agency_code, milestone=milestone, channel=channel, subject="", body=""
        )
        row.subject, row.body = subject.strip(), body.strip()
        row.save()
        return row, before
    row.version += 1
    row.subject, row.body = subject.strip(), body.strip()
    row.save(update_fields=["subject", "body", "version", "updated_at"])
    return row, before

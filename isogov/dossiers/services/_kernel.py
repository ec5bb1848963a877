"""The private kernel of the dossier services: locking, events, status moves, notices."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.core import clock
from isogov.core.errors import (
    ApplicationError,
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    check_version,
)
from isogov.core.inserts import insert_rows
from isogov.core.sql import fetch_one
from isogov.core.text import grouped
from isogov.workcal.engine import WorkingCalendar
from isogov.workcal.selectors import calendar_for

from .. import codes
from ..inputs import validate
from ..models import (
    Dossier,
    DossierCounter,
    DossierEvent,
)
from ..permissions import (
    RESULT_NOT_RECORDED,
    Held,
    action_refusal,
    held_roles,
    requirement_refusal,
)
from ..rulesets import CodeFormat, RuleSet, ruleset_by_code
from ..transitions import BY_NAME, Authority, Status, allowed_in, may_lead_to

WRONG_STATE = gettext_lazy("This action is not possible while the dossier is “%(status)s”.")
NOT_ASSIGNED = gettext_lazy("This procedure is not carried out by this agency.")
NO_VERSION = gettext_lazy("The procedure has no version in force on that date.")
NO_CHANNEL = gettext_lazy("The procedure cannot be submitted through this channel.")
MISSING_PAPERS = gettext_lazy(
    "Required papers are missing: %(papers)s. Issue a supplement slip (form 02) instead."
)
BACKDATE_FORBIDDEN = gettext_lazy(
    "Only officers allowed to register back-dated postal or migrated dossiers may set a "
    "receipt time in the past."
)
FUTURE_RECEIPT = gettext_lazy("The receipt time cannot be in the future.")
SUPPLEMENT_ONCE = gettext_lazy(
    "A supplement may be requested only once (Decree 118/2025, art. 16.3 and 17.2): this "
    "dossier already had one."
)
SUPPLEMENT_TOO_LATE = gettext_lazy(
    "The supplement request must go out within %(days)d working days of receipt "
    "(Decree 61/2018 art. 19.4)."
)
APOLOGY_ONCE = gettext_lazy("The appointment may be moved only once (Decree 61/2018 art. 19.9).")
APOLOGY_TOO_LATE = gettext_lazy(
    "The apology must be sent at least %(days)d working day before the appointment."
)
APOLOGY_DATE = gettext_lazy("The new appointment must be after the current one.")
# The action table's requirement (``permissions.requirement_refusal``) says it.
RESULT_MISSING = RESULT_NOT_RECORDED
REASON_REQUIRED = gettext_lazy("Give a reason.")
NOT_DUE_FOR_CLOSING = gettext_lazy("The applicant still has time to supplement the dossier.")
CLOCK_RESTARTED = gettext_lazy(
    "Full dossier received: the processing time restarts from zero (Decree 61/2018 art. 19.4); "
    "new appointment %(due)s; %(hours).1f working hours spent waiting in all."
)
CLOCK_RESUMED = gettext_lazy(
    "Full dossier received: the clock resumes; new appointment %(due)s; "
    "%(hours).1f working hours spent waiting in all."
)
EXTERNAL_READ_ONLY = gettext_lazy(
    "This dossier is handled in its source system (%(source)s): it is read-only here."
)
DECISION_ISSUED = gettext_lazy(
    "The decision (no. %(number)s) has already been issued: the dossier can no longer be "
    "withdrawn or stopped (Decree 118/2025 art. 21)."
)


# --- the one entry point of every action ---------------------------------------------------
def _lock(*, code: str, version: int | None, check_stale: bool = True) -> Dossier:
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "current_step", "current_step__unit", "current_step__assignee")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound()
    if check_stale:
        check_version(stored=dossier.version, sent=version)
    return dossier


def _wrong_state(dossier: Dossier) -> ConflictError:
    return ConflictError(
        WRONG_STATE % {"status": dossier.get_status_display()}, code="invalid_transition"
    )


def _begin(
    name: str,
    *,
    actor: User | None,
    code: str,
    version: int | None,
    data: Mapping[str, Any] | None = None,
) -> tuple[Dossier, dict[str, Any]]:
    """Lock the dossier and check the action against its row of the action table.

    In this order: the version the user read (409), the statuses the action may start from
    (409), its input (400, naming the field), who may do it (403, saying who does), and the
    facts of the dossier it requires (409, saying what is missing).
    Returns the locked dossier and the validated input.
    """
    action = BY_NAME[name]
    dossier = _lock(
        code=code, version=version, check_stale=Authority.SYSTEM not in action.authority
    )
    if dossier.source:
        raise ConflictError(EXTERNAL_READ_ONLY % {"source": dossier.source}, code="external")
    if not allowed_in(action, dossier.status):
        raise _wrong_state(dossier)
    values = validate(action, dossier=dossier, data=data or {})
    step = (values.get(action.step_field) if action.step_field else None) or dossier.current_step
    held = held_roles(user=actor, agency=dossier.agency)
    refusal = action_refusal(action, dossier=dossier, held=held, actor=actor, step=step)
    if refusal is not None:
        raise PermissionDenied(refusal)
    # The facts it needs (a result to approve, a result not locked): told to whoever may act.
    unmet = requirement_refusal(action, dossier)
    if unmet is not None:
        raise ConflictError(unmet, code="requirement_unmet")
    dossier._action = action  # type: ignore[attr-defined]  # read by _transition
    dossier._held = held  # type: ignore[attr-defined]  # the next actions, without a query
    return dossier, values


def _begin_new(
    name: str, *, actor: User | None, agency: Agency, data: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], Held]:
    """The same checks for an action that creates a dossier (intake): input, then authority.

    Returns the validated input and the actor's roles, which the service leaves on the dossier
    it creates (``_held``, as ``_begin`` does) so its next actions are listed without a query.
    """
    action = BY_NAME[name]
    values = validate(action, dossier=None, data=data or {})
    held = held_roles(user=actor, agency=agency)
    refusal = action_refusal(action, dossier=None, held=held, actor=actor, step=None)
    if refusal is not None:
        raise PermissionDenied(refusal)
    return values, held


def _require_text(value: str, field: str) -> None:
    if not value.strip():
        raise ValidationFailed(REASON_REQUIRED, details={field: [str(REASON_REQUIRED)]})


def _calendar(dossier: Dossier) -> WorkingCalendar:
    """The agency's calendar, looked up once per dossier object (once per service call)."""
    calendar = getattr(dossier, "_working_calendar", None)
    if calendar is None:
        calendar = calendar_for(agency=dossier.agency)
        dossier._working_calendar = calendar  # type: ignore[attr-defined]
    return calendar


def _ruleset(dossier: Dossier) -> RuleSet:
    return ruleset_by_code(dossier.ruleset)


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


def _event(
    dossier: Dossier,
    *,
    actor: User | None,
    action: str,
    message: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> None:
    now = at or clock.now()
    data = data or {}
    audit = audit_record(
        actor=actor,
        action=f"dossier.{action}",
        target=dossier,
        agency=dossier.agency,
        before={"status": from_status} if from_status else None,
        after={"status": to_status or dossier.status, **data},
        reason=reason or message,
    )
    # The message and the data are read from the audit event when it holds them as they are
    # (``DossierEvent.message``, ``.data``); otherwise the event keeps its own.
    shared = (reason or message) == message and "status" not in data
    insert_rows(
        [
            DossierEvent(
                dossier=dossier,
                at=now,
                actor=actor,
                action=action,
                own_message="" if shared else message,
                own_data={} if shared else data,
                from_status=from_status,
                to_status=to_status,
                audit_event=audit if shared else None,
            )
        ]
    )


def _transition(
    dossier: Dossier,
    *,
    to: Status,
    actor: User | None,
    action: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """The one place that changes a dossier's status: only to a status the running action's
    row of the table leads to (``_begin`` put the row on the dossier)."""
    from_status = Status(dossier.status)
    running = getattr(dossier, "_action", None)
    if running is None or not may_lead_to(running, from_status, to):
        raise _wrong_state(dossier)
    dossier.status = to
    now = clock.now()
    if to == Status.STOPPED:
        # The end of a stopped dossier's handling, the time of its event (the caller saves it).
        dossier.stopped_at = now
    _event(
        dossier,
        at=now,
        actor=actor,
        action=action,
        message=message,
        from_status=from_status,
        to_status=to,
        data=data,
        reason=reason,
    )


def _move(
    name: str,
    *,
    actor: User,
    code: str,
    version: int | None,
    data: Mapping[str, Any] | None = None,
    check: Callable[[Dossier], None] | None = None,
) -> Dossier:
    """An action whose only effect is its status change and its reason (``check`` may refuse)."""
    dossier, values = _begin(name, actor=actor, code=code, version=version, data=data)
    if check is not None:
        check(dossier)
    reason = str(values.get("reason", ""))
    (to,) = BY_NAME[name].leads_to
    _transition(dossier, to=to, actor=actor, action=name, message=reason, reason=reason)
    _save(dossier, "status", *(["stopped_at"] if to == Status.STOPPED else []))
    return dossier


def _local(value: dt.datetime | None) -> str:
    return clock.to_local(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _next_number(agency: Agency, scope: str) -> int:
    """The next number of a per-agency counter; safe under concurrent intake on both databases."""
    # One statement that both creates the row and takes its lock: the row stays locked until
    # the intake commits, so concurrent desks queue here and numbers never repeat or skip.
    table = DossierCounter._meta.db_table
    row = fetch_one(
        f"INSERT INTO {table} (agency_id, scope, last) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (agency_id, scope) DO UPDATE SET last = {table}.last + 1 "
        "RETURNING last",
        [agency.pk, scope],
    )
    assert row is not None  # an upsert always returns its row
    return int(row[0])


def _new_code(agency: Agency, ruleset: RuleSet, at: dt.datetime) -> str:
    """The dossier code (mã hồ sơ) of a dossier received at ``at``.

    Circular 01/2018 art. 19, Decree 118/2025 art. 28: the receipt date and the number of the
    dossier among those received that day; so it is given at receipt (an online submission
    gets it when the desk accepts it), never to a visit that was not received.
    """
    day = clock.to_local(at).date()
    return _code_of(agency, ruleset, day, _next_number(agency, f"day:{day.isoformat()}"))


def _code_of(agency: Agency, ruleset: RuleSet, day: dt.date, sequence: int) -> str:
    """The code of the ``sequence``-th dossier received by the agency on ``day``."""
    # A deployment on a national centralised system uses the Circular 04/2025 format.
    configured = settings.ISOGOV_DOSSIER_CODE_FORMAT
    try:
        return codes.dossier_code(
            code_format=CodeFormat(configured) if configured else ruleset.code_format,
            system_id=settings.ISOGOV_DOSSIER_SYSTEM_ID,
            agency_code=agency.code,
            received_on=day,
            sequence=sequence,
        )
    except codes.SequenceExhausted as error:
        # The transaction rolls back, the counter with it: nothing is stored.
        message = DAY_SEQUENCE_EXHAUSTED % {"max": grouped(codes.MAX_DAILY_SEQUENCE_01_2018)}
        raise DaySequenceExhausted(message, code="sequence_exhausted") from error


def _receipt_numbers(agency: Agency, ruleset: RuleSet, at: dt.datetime) -> tuple[str, int]:
    """The dossier code and the register line of a dossier received at ``at``, from the day's
    and the year's counters in one statement (``_next_number``'s upsert for both rows).

    Intake calls it last, just before the dossier's notices and the commit: the two counter
    rows stay locked until the commit and every desk of the agency waits for them, so the less
    work after them, the less the desks queue (issue 15 §5). The rows are always locked day
    first, then register, as ``_new_code`` then ``_next_number`` do on acceptance.
    """
    local = clock.to_local(at)
    day_scope, register_scope = (
        f"day:{local.date().isoformat()}",
        DossierCounter.register_scope(local.year),
    )
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, scope, last) VALUES (%s, %s, 1), (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, scope) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING scope, last",
            [agency.pk, day_scope, agency.pk, register_scope],
        )
        numbers = {str(scope): int(last) for scope, last in cursor.fetchall()}
    code = _code_of(agency, ruleset, local.date(), numbers[day_scope])
    return code, numbers[register_scope]


def provisional_code() -> str:
    """A unique stand-in for the code of a dossier whose number is taken just before the
    commit (``_receipt_numbers``); no other transaction ever sees it."""
    return f"~{uuid.uuid4().hex}"


DAY_SEQUENCE_EXHAUSTED = gettext_lazy(
    "The agency has already received %(max)s dossiers today, the most that the dossier code of "
    "Circular 01/2018 can number. Ask the administrator to switch to the code of Circular "
    "04/2025 (ISOGOV_DOSSIER_CODE_FORMAT), whose numbers have no such limit."
)


class DaySequenceExhausted(ApplicationError):
    """No dossier code is left for the day in the code format in use (a 409: it is the state
    of the agency's day, not the request, that says no)."""

    status_code = 409


def _new_reference(agency: Agency, kind: codes.ReferenceKind, at: dt.datetime) -> str:
    """The reference of something that is not (yet) a received dossier: a slip of form 02/03
    given at the desk, or an online submission. Its own per-agency, per-year series, so it
    takes no number of the day's dossier codes (Circular 01/2018 art. 19)."""
    year = clock.to_local(at).year
    sequence = _next_number(agency, f"{kind.scope}:{year}")
    return codes.reference(agency_code=agency.code, kind=kind, year=year, sequence=sequence)


def _outgoing_number(agency: Agency, at: dt.datetime, symbol_pattern: str) -> tuple[int, str]:
    """The next number of the agency's register of outgoing documents for the year, and the
    document's symbol (``symbol_pattern`` with ``{agency}``: the agency's short name, else its
    identifier), e.g. 12 and "TB-STTTT", printed "Số: 12/TB-STTTT"."""
    number = _next_number(agency, f"outgoing:{clock.to_local(at).year}")
    return number, symbol_pattern.format(agency=agency.short_name or agency.code)

"""Nonconformity and corrective action (§10.2, §8.7), with the guards of the lifecycle:
no start without an action plan; no closing with open actions, or without an effectiveness
check dated after the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit, User
from isogov.catalog.models import Procedure
from isogov.core import clock
from isogov.core.errors import ConflictError, PermissionDenied, check_version

from ..models import (
    ActionStatus,
    CorrectiveAction,
    EffectivenessCheck,
    Finding,
    NcSource,
    NcStatus,
    Nonconformity,
)
from ._common import fail, record, require_manager

NO_PLAN = _("Actions cannot start without an action plan: add at least one action first.")
OPEN_ACTIONS = _("%(count)s action(s) are still open; close them before the nonconformity.")
NO_CHECK = _(
    "The nonconformity closes only after an effectiveness check dated after its last action "
    "(%(date)s) found the actions effective."
)
CHECK_TOO_EARLY = _("The check must be dated after the last action was done (%(date)s).")
CHECK_BEFORE_ACTIONS = _("Check the effectiveness once every action is done.")
WRONG_STATUS = _("This cannot be done on a nonconformity that is %(status)s.")
NOT_THE_OWNER = _("Only the action's owner or the ISO secretary may complete it.")
DUE_IN_PAST = _("The due date is already past.")

# [A] Days after the last action before its effectiveness can be judged: a setting.
EFFECTIVENESS_DELAY_DAYS = 30


def nc_next_code(*, agency: Agency, year: int) -> str:
    prefix = f"NC-{year}-"
    count = Nonconformity.objects.filter(agency=agency, code__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def _lock(nc_id: int, version: object | None = None) -> Nonconformity:
    nc = Nonconformity.objects.select_for_update().select_related("agency").get(pk=nc_id)
    if version is not None:
        check_version(stored=nc.version, sent=version)
    return nc


def _require_status(nc: Nonconformity, *statuses: str) -> None:
    if nc.status not in statuses:
        raise ConflictError(WRONG_STATUS % {"status": nc.get_status_display()})


def _save(nc: Nonconformity, actor: Any, action: str) -> Nonconformity:
    nc.version += 1
    nc.save()
    record(actor=actor, action=f"nc.{action}", target=nc, agency=nc.agency, status=nc.status)
    return nc


@transaction.atomic
def nc_open(
    *,
    actor: User | None,
    agency: Agency,
    source: str,
    title: str,
    description: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    procedure: Procedure | None = None,
    unit: Unit | None = None,
    status: str = NcStatus.OPEN,
    **extra: Any,
) -> Nonconformity:
    """Record a nonconformity from any source (or a proposal, with ``status=proposed``)."""
    if actor is not None:
        require_manager(actor=actor, agency=agency)
    if source not in NcSource.values:
        raise fail("source", _("Choose a source from the list."))
    today = clock.today()
    nc = Nonconformity.objects.create(
        agency=agency,
        code=nc_next_code(agency=agency, year=today.year),
        source=source,
        status=status,
        title=title,
        description=description,
        owner=owner,
        due_on=due_on,
        procedure=procedure,
        unit=unit,
        opened_on=today,
        **extra,
    )
    record(actor=actor, action="nc.open", target=nc, agency=agency, source=source)
    return nc


def nc_from_finding(*, finding: Finding, actor: User) -> Nonconformity:
    """A minor or major finding becomes a nonconformity to correct (called in its transaction)."""
    audit = finding.audit
    return nc_open(
        actor=None,
        agency=audit.agency,
        source=NcSource.AUDIT_FINDING,
        title=f"{finding.clause} – {finding.get_grade_display()}",
        description=finding.description,
        unit=finding.unit,
        finding=finding,
    )


@transaction.atomic
def nc_accept_proposal(*, actor: User, nc_id: int, version: object, owner: User) -> Nonconformity:
    """The ISO secretary confirms a proposed nonconformity and names its owner."""
    nc = _lock(nc_id, version)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.PROPOSED)
    nc.status = NcStatus.OPEN
    nc.owner = owner
    return _save(nc, actor, "accept")


@transaction.atomic
def nc_dismiss(*, actor: User, nc_id: int, version: object, reason: str) -> Nonconformity:
    nc = _lock(nc_id, version)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.PROPOSED)
    if not reason.strip():
        raise fail("reason", _("Say why the proposal is dismissed."))
    nc.status = NcStatus.DISMISSED
    nc.root_cause = reason.strip()
    return _save(nc, actor, "dismiss")


@transaction.atomic
def nc_analyse(
    *,
    actor: User,
    nc_id: int,
    version: object,
    correction: str,
    whys: list[str],
    root_cause: str,
) -> Nonconformity:
    """The correction made at once, the five whys and the root cause."""
    nc = _lock(nc_id, version)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.OPEN, NcStatus.IN_PROGRESS)
    whys = [why.strip() for why in whys if why.strip()]
    if len(whys) > 5:
        raise fail("whys", _("At most five whys."))
    if not root_cause.strip():
        raise fail("root_cause", _("State the root cause."))
    nc.correction, nc.whys, nc.root_cause = correction.strip(), whys, root_cause.strip()
    return _save(nc, actor, "analyse")


@transaction.atomic
def nc_action_add(
    *,
    actor: User,
    nc_id: int,
    description: str,
    owner: User,
    due_on: dt.date,
) -> CorrectiveAction:
    nc = _lock(nc_id)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.OPEN, NcStatus.IN_PROGRESS)
    if due_on < clock.today():
        raise fail("due_on", DUE_IN_PAST)
    if not description.strip():
        raise fail("description", _("Describe the action."))
    action = CorrectiveAction.objects.create(
        nonconformity=nc, description=description.strip(), owner=owner, due_on=due_on
    )
    record(actor=actor, action="nc.action", target=action, agency=nc.agency)
    return action


@transaction.atomic
def nc_start(*, actor: User, nc_id: int, version: object) -> Nonconformity:
    """Start the actions; refused without an action plan."""
    nc = _lock(nc_id, version)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.OPEN)
    if not nc.actions.exists():
        raise ConflictError(NO_PLAN)
    nc.status = NcStatus.IN_PROGRESS
    return _save(nc, actor, "start")


@transaction.atomic
def action_complete(*, actor: User, action_id: int, result: str) -> CorrectiveAction:
    """The owner records an action as done, with its result."""
    action = (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("nonconformity__agency", "review__agency")
        .get(pk=action_id)
    )
    parent = action.nonconformity or action.review
    assert parent is not None
    agency = parent.agency
    if action.owner_id != actor.pk:
        try:
            require_manager(actor=actor, agency=agency)
        except PermissionDenied as error:
            raise PermissionDenied(NOT_THE_OWNER) from error
    if action.status == ActionStatus.DONE:
        raise ConflictError(_("This action is already done."))
    if not result.strip():
        raise fail("result", _("Say what was done."))
    action.status, action.done_on, action.result = ActionStatus.DONE, clock.today(), result.strip()
    action.save()
    nc = action.nonconformity
    if nc is not None and not nc.actions.filter(status=ActionStatus.OPEN).exists():
        nc.effectiveness_due_on = action.done_on + dt.timedelta(days=EFFECTIVENESS_DELAY_DAYS)
        nc.version += 1
        nc.save(update_fields=["effectiveness_due_on", "version", "updated_at"])
    record(actor=actor, action="action.done", target=action, agency=agency)
    return action


def _last_done(nc: Nonconformity) -> dt.date | None:
    dates = [a.done_on for a in nc.actions.all() if a.done_on]
    return max(dates) if dates else None


@transaction.atomic
def effectiveness_check_record(
    *, actor: User, nc_id: int, checked_on: dt.date, is_effective: bool, note: str
) -> EffectivenessCheck:
    """Judge whether the actions worked; dated after the last action."""
    nc = _lock(nc_id)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.IN_PROGRESS)
    if nc.actions.filter(status=ActionStatus.OPEN).exists() or not nc.actions.exists():
        raise ConflictError(CHECK_BEFORE_ACTIONS)
    last = _last_done(nc)
    if last is not None and checked_on <= last:
        raise fail("checked_on", CHECK_TOO_EARLY, date=last.strftime("%d/%m/%Y"))
    if checked_on > clock.today():
        raise fail("checked_on", _("A check cannot be dated in the future."))
    if not note.strip():
        raise fail("note", _("State the evidence of the check."))
    check = EffectivenessCheck.objects.create(
        nonconformity=nc,
        checked_on=checked_on,
        checked_by=actor,
        is_effective=is_effective,
        note=note.strip(),
    )
    record(actor=actor, action="nc.check", target=check, agency=nc.agency, effective=is_effective)
    return check


@transaction.atomic
def nc_close(*, actor: User, nc_id: int, version: object) -> Nonconformity:
    """Close: no open actions, and an effective check dated after the last action."""
    nc = _lock(nc_id, version)
    require_manager(actor=actor, agency=nc.agency)
    _require_status(nc, NcStatus.IN_PROGRESS)
    still_open = nc.actions.filter(status=ActionStatus.OPEN).count()
    if still_open:
        raise ConflictError(OPEN_ACTIONS % {"count": still_open})
    last = _last_done(nc)
    check = nc.checks.filter(is_effective=True).order_by("-checked_on").first()
    if last is None or check is None or check.checked_on <= last:
        shown = last.strftime("%d/%m/%Y") if last else "—"
        raise ConflictError(NO_CHECK % {"date": shown})
    nc.status = NcStatus.CLOSED
    nc.closed_on = clock.today()
    return _save(nc, actor, "close")

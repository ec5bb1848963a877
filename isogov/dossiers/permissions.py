"""Who may act on a dossier: the authority rules of the action table, judged for one user.

ISO 9001 §5.3 (responsibilities and authorities) and Decree 61/2018 arts. 18–19: the record must
prove that each step was done by the one the process names. The rules themselves are the
``Authority`` values of ``transitions``; this module only answers them for a user, a dossier and
a step. A refusal says who does it instead, in the user's language (HTTP 403).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, RoleAssignment, Unit, User
from isogov.accounts.roles import Role
from isogov.core import clock
from isogov.core.sql import fetch_all

from .models import Dossier, DossierStep, StepKind
from .transitions import Action, Authority, Requires, Status

# The roles that handle dossier steps when a step names no role of its own.
HANDLER_ROLES = frozenset(
    {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER}
)
# The signing step is the process step done by this role (Lãnh đạo ký duyệt).
SIGNER_ROLE = Role.AGENCY_LEADER

STEP_OF_UNIT = _("This step is done by %(unit)s.")
STEP_ASSIGNED = _("The dossier is assigned to %(officer)s.")
DESK_ONLY = _("This is done by the one-stop officers (Bộ phận Một cửa).")
UNIT_HEAD_ONLY = _("Only the head of %(unit)s assigns this step.")
CONSULTED_ONLY = _("Only %(unit)s gives this opinion.")
SIGNER_ONLY = _("Only %(signer)s approves or refuses the result.")
LEADER_ONLY = _("Only the agency leader does this.")
SYSTEM_ONLY = _("The system does this by itself.")
AGENCY_LEADER_LABEL = _("the agency leader")
NO_NEXT_STEP = _("There is no next step to assign.")
RESULT_NOT_RECORDED = _("Record the result (number and signer) before approving it.")
RESULT_NOT_APPROVED = _("The result has not been approved for release yet (ISO 9001 §8.6).")
RESULT_LOCKED = _(
    "The result was approved on %(at)s and is locked: it can no longer be changed (ISO 9001 §8.6)."
)


@dataclass(frozen=True)
class Held:
    """The roles a user holds in one agency: (role, unit id or None for the whole agency)."""

    user_id: int | None
    pairs: frozenset[tuple[str, int | None]]
    one_stop_units: frozenset[int]

    def has(self, roles: Iterable[str], unit_id: int | None = None) -> bool:
        """Holds one of ``roles`` in ``unit_id`` (or agency-wide); anywhere if no unit."""
        wanted = set(roles)
        for role, unit in self.pairs:
            if role in wanted and (unit_id is None or unit is None or unit == unit_id):
                return True
        return False

    def in_unit(self, unit_id: int) -> bool:
        return any(unit == unit_id for _role, unit in self.pairs)

    @property
    def is_desk(self) -> bool:
        return any(
            role == Role.ONE_STOP_OFFICER and (unit is None or unit in self.one_stop_units)
            for role, unit in self.pairs
        )


NOBODY = Held(None, frozenset(), frozenset())


def _held(user: User, rows: Iterable[tuple[str, int | None, bool | None]]) -> Held:
    rows = list(rows)
    return Held(
        user.pk,
        frozenset((role, unit) for role, unit, _one_stop in rows),
        frozenset(unit for _role, unit, one_stop in rows if unit is not None and one_stop),
    )


def held_roles(*, user: User | None, agency: Agency) -> Held:
    """The user's role assignments in ``agency`` (one query).

    A system administrator holds only what is assigned: administering gives no dossier work.
    """
    if user is None or not user.is_active:
        return NOBODY
    # Every intake and action reads it: plain SQL (ADR 0005), the queryset's compilation cost
    # more than the read. The same rows as ``filter(user, agency).values_list("role",
    # "unit_id", "unit__is_one_stop")``.
    return _held(
        user,
        [
            (role, unit_id, bool(one_stop) if one_stop is not None else None)
            for role, unit_id, one_stop in fetch_all(_HELD_SQL, [user.pk, agency.pk])
        ],
    )


_HELD_SQL = (
    f"SELECT r.role, r.unit_id, u.is_one_stop FROM {RoleAssignment._meta.db_table} r "  # noqa: S608
    f"LEFT OUTER JOIN {Unit._meta.db_table} u ON u.id = r.unit_id "
    "WHERE r.user_id = %s AND r.agency_id = %s"
)


def held_roles_by_agency(*, user: User | None) -> dict[int, Held]:
    """``held_roles`` for every agency where the user holds a role, by agency id (one query)."""
    if user is None or not user.is_active:
        return {}
    by_agency: dict[int, list[tuple[str, int | None, bool | None]]] = {}
    for agency_id, role, unit_id, one_stop in RoleAssignment.objects.filter(user=user).values_list(
        "agency_id", "role", "unit_id", "unit__is_one_stop"
    ):
        by_agency.setdefault(agency_id, []).append((role, unit_id, one_stop))
    return {agency_id: _held(user, rows) for agency_id, rows in by_agency.items()}


# --- the step rule, written once -----------------------------------------------------------------
# Who does a step's work, as data: the step is the user's when its fields match any one clause
# (a clause maps a step field to the values it may take). ``step_refusal`` reads it for one step
# and ``step_filter`` turns it into a database filter for the queue, so the rule cannot drift
# between the dossier page and "my work" (ISO 9001 §5.3).
Clause = Mapping[str, frozenset[object]]


def step_clauses(held: Held) -> list[Clause]:
    """The step's assignee does it; when it has none, the members of the step's unit who hold
    the step's role (an agency-wide holder of the role covers every unit); any officer assigned
    to the unit when the process names no role; any handling officer when it names neither."""
    clauses: list[Clause] = []
    if held.user_id is not None:
        clauses.append({"assignee_id": frozenset({held.user_id})})
    unassigned = {"assignee_id": frozenset({None})}
    units = frozenset(unit for _role, unit in held.pairs if unit is not None)
    for role in sorted({role for role, _unit in held.pairs}):
        where = {unit for held_role, unit in held.pairs if held_role == role}
        if None in where:  # agency-wide: the role in any unit, or in none
            clauses.append({**unassigned, "role": frozenset({role})})
        else:  # the role in its units, or where the step names no unit
            clauses.append(
                {**unassigned, "role": frozenset({role}), "unit_id": frozenset(where | {None})}
            )
    if units:  # the process names no role: any officer assigned to the unit, not the agency's
        clauses.append({**unassigned, "role": frozenset({""}), "unit_id": units})
    if held.has(HANDLER_ROLES):  # the process names neither: any handling officer
        clauses.append({**unassigned, "role": frozenset({""}), "unit_id": frozenset({None})})
    return clauses


def step_matches(step: DossierStep, held: Held) -> bool:
    """Whether the step's work is the user's (``step_clauses``, for one step in memory)."""
    return any(
        all(getattr(step, name) in values for name, values in clause.items())
        for clause in step_clauses(held)
    )


def _field_in(name: str, values: frozenset[object]) -> Q:
    known = [value for value in values if value is not None]
    condition = Q(**{f"{name}__in": sorted(known, key=str)}) if known else Q(pk__in=[])
    return condition | Q(**{f"{name}__isnull": True}) if None in values else condition


def step_filter(held: Held, *, prefix: str = "") -> Q:
    """``step_clauses`` as a filter on steps (``prefix``: the path to the step, e.g.
    ``"current_step__"``); it matches no row for a user who holds nothing."""
    result = Q(pk__in=[])
    for clause in step_clauses(held):
        condition = Q()
        for name, values in clause.items():
            condition &= _field_in(f"{prefix}{name}", values)
        result |= condition
    return result


def _unit_name(step: DossierStep) -> str:
    return step.unit_label or (step.unit.name if step.unit_id and step.unit else "") or "—"


def _officer_name(step: DossierStep) -> str:
    assignee = step.assignee
    return assignee.display_name if assignee is not None else "—"


def step_refusal(step: DossierStep | None, held: Held) -> str | None:
    """Why this user may not do the step's work (None: they may).

    The step's assignee does it; when it has none, the members of the step's unit who hold the
    step's role (any officer assigned to the unit when the process names no role).
    """
    if step is None:
        return str(STEP_OF_UNIT % {"unit": "—"})
    if step_matches(step, held):
        return None
    if step.assignee_id is not None:
        return str(STEP_ASSIGNED % {"officer": _officer_name(step)})
    return str(STEP_OF_UNIT % {"unit": _unit_name(step)})


def signing_step(dossier: Dossier) -> DossierStep | None:
    """The process step that signs the result (the last one done by the agency leader)."""
    steps = [
        step
        for step in dossier.steps.all()
        if step.kind != StepKind.OPINION and step.role == SIGNER_ROLE
    ]
    return max(steps, key=lambda step: (step.order, step.pk)) if steps else None


def next_step(dossier: Dossier) -> DossierStep | None:
    """The process step after the current one, not started yet (None at the last step)."""
    current = dossier.current_step
    if current is None:
        return None
    later = [
        step
        for step in dossier.steps.all()
        if step.kind in (StepKind.PROCESS, StepKind.REWORK)
        and step.received_at is None
        and step.order > current.order
    ]
    return min(later, key=lambda step: (step.order, step.pk)) if later else None


def _head_refusal(step: DossierStep, held: Held) -> str | None:
    if step.unit_id is None:
        ok = held.has({Role.AGENCY_LEADER})
    else:
        ok = held.has({Role.UNIT_HEAD}, step.unit_id)
    return None if ok else str(UNIT_HEAD_ONLY % {"unit": _unit_name(step)})


def _refusal(
    authority: Authority,
    *,
    dossier: Dossier | None,
    held: Held,
    actor: User | None,
    step: DossierStep | None,
) -> str | None:
    if authority == Authority.PUBLIC:
        return None
    if authority == Authority.SYSTEM:
        return None if actor is None else str(SYSTEM_ONLY)
    if actor is None:
        return str(SYSTEM_ONLY)
    if authority == Authority.DESK:
        return None if held.is_desk else str(DESK_ONLY)
    if authority == Authority.LEADER:
        return None if held.has({Role.AGENCY_LEADER}) else str(LEADER_ONLY)
    if authority == Authority.STEP:
        return step_refusal(step, held)
    if authority == Authority.UNIT_HEAD:
        if step is None:
            return str(UNIT_HEAD_ONLY % {"unit": "—"})
        return _head_refusal(step, held)
    if authority == Authority.HEAD_HANDING_OVER:
        # Both: the one who does this step, and the head of the unit that does the next one.
        following = next_step(dossier) if dossier is not None else None
        if following is None:
            return str(NO_NEXT_STEP)
        return step_refusal(step, held) or _head_refusal(following, held)
    if authority == Authority.CONSULTED:
        if step is None or step.kind != StepKind.OPINION:
            return str(CONSULTED_ONLY % {"unit": "—"})
        # An opinion step names its unit and no role: the step rule gives its assignee, else any
        # officer of the unit (so the queue lists it to the same people).
        ok = step.unit_id is not None and step_matches(step, held)
        return None if ok else str(CONSULTED_ONLY % {"unit": _unit_name(step)})
    if authority == Authority.SIGNER:
        signer = signing_step(dossier) if dossier is not None else None
        if signer is None:
            ok = held.has({Role.AGENCY_LEADER})
            who = str(AGENCY_LEADER_LABEL)
        else:
            ok = step_refusal(signer, held) is None
            who = _officer_name(signer) if signer.assignee_id else _unit_name(signer)
        return None if ok else str(SIGNER_ONLY % {"signer": who})
    raise AssertionError(authority)  # pragma: no cover - every value is handled above


def may_hold(action: Action, held: Held) -> bool:
    """Whether ``held`` could give one of the action's authorities on any step at all.

    A cheap test on the roles alone, which spares reading the dossier's steps when it fails:
    only the head of the step's unit (or the agency leader, for a step of no unit) assigns, so
    a user who is neither assigns no step. Every other authority may rest on an assignment,
    so it answers True.
    """
    return any(
        authority != Authority.UNIT_HEAD or held.has({Role.UNIT_HEAD, Role.AGENCY_LEADER})
        for authority in action.authority
    )


# The order in which a refusal names who may act: the most specific first.
_PRIORITY = (
    Authority.STEP,
    Authority.CONSULTED,
    Authority.UNIT_HEAD,
    Authority.HEAD_HANDING_OVER,
    Authority.SIGNER,
    Authority.LEADER,
    Authority.DESK,
    Authority.SYSTEM,
    Authority.PUBLIC,
)


def action_refusal(
    action: Action,
    *,
    dossier: Dossier | None,
    held: Held,
    actor: User | None,
    step: DossierStep | None,
) -> str | None:
    """Why ``actor`` may not run ``action`` (None: one of its authorities lets them)."""
    reasons = []
    for authority in sorted(action.authority, key=_PRIORITY.index):
        reason = _refusal(authority, dossier=dossier, held=held, actor=actor, step=step)
        if reason is None:
            return None
        reasons.append(reason)
    return reasons[0]


def requirement_refusal(action: Action, dossier: Dossier) -> str | None:
    """Why the dossier's facts do not allow ``action`` now (None: they do)."""
    if Requires.RESULT_RECORDED in action.requires and not dossier.result_number:
        return str(RESULT_NOT_RECORDED)
    if Requires.RESULT_OPEN in action.requires and dossier.result_approved_at is not None:
        at = clock.to_local(dossier.result_approved_at).strftime("%H:%M %d/%m/%Y")
        return str(RESULT_LOCKED % {"at": at})
    if (
        Requires.RESULT_RELEASABLE in action.requires
        and dossier.status != Status.REFUSED
        and dossier.result_approved_at is None
    ):
        return str(RESULT_NOT_APPROVED)
    return None

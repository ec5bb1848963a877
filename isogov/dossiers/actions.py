"""The action table (``transitions.ACTIONS``) at work: what a user may do now, and doing it.

``available_actions`` is what the UI shows and the API lists; ``dossier_act`` is how the web
form and the API run an action. Both read the table and nothing else; the service that runs the
action checks the same row again (``services._kernel._begin``), so no caller can do more than
the table allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import User
from isogov.core.errors import NotFound

from . import services
from .inputs import MISSING
from .models import Dossier, DossierStep, StepKind
from .permissions import (
    Held,
    action_refusal,
    held_roles,
    may_hold,
    next_step,
    requirement_refusal,
)
from .selectors import dossier_prefetch_steps
from .transitions import (
    BY_NAME,
    DOSSIER_ACTIONS,
    Action,
    Authority,
    allowed_in,
    primary_action,
    primary_label,
)

# The one table from an action's name to its service, read from the action table. Every field
# an action asks for is a keyword argument of its service (a test checks it).
SERVICES: dict[str, Callable[..., Any]] = {
    action.name: getattr(services, action.service) for action in BY_NAME.values()
}

# Timeline words for the events that are not actions of the table.
EVENT_LABELS: dict[str, object] = {
    **{action.name: action.label for action in BY_NAME.values()},
    "transfer": _("Transferred to the handling unit"),
    "handover": _("Handed over"),
    "finish": _("Result ready"),
    "paid": _("Fees paid"),
    "payment": _("Payment recorded"),
    "answer_opinion": _("Opinion given"),
    "incident": _("Incident recorded"),
    "recalendar": _("Due times recomputed after a calendar change"),
}


def _open_opinions(dossier: Dossier) -> list[DossierStep]:
    # ``all()``: the steps prefetched with the dossier when they were (API detail), no query.
    return [
        step
        for step in dossier.steps.all()
        if step.kind == StepKind.OPINION and step.finished_at is None
    ]


def _assignable_steps(dossier: Dossier) -> list[DossierStep]:
    current = dossier.current_step
    if current is None:
        return []
    return [
        step
        for step in dossier.steps.all()
        if step.kind != StepKind.OPINION
        and step.finished_at is None
        and (step.pk == current.pk or (step.received_at is None and step.order > current.order))
    ]


def action_steps(action: Action, dossier: Dossier, held: Held, user: User) -> list[DossierStep]:
    """The steps on which ``user`` may run a step-naming action (assign, answer an opinion)."""
    if not may_hold(action, held):
        return []  # without reading the steps
    dossier_prefetch_steps(dossier=dossier)
    candidates = (
        _open_opinions(dossier) if action.needs_open_opinion else _assignable_steps(dossier)
    )
    return [
        step
        for step in candidates
        if action_refusal(action, dossier=dossier, held=held, actor=user, step=step) is None
    ]


# Authorities judged on a step other than the current one: the steps are read (once) for them.
STEPS_READ = frozenset({Authority.SIGNER, Authority.HEAD_HANDING_OVER})


def available_actions(*, dossier: Dossier, user: User, held: Held | None = None) -> list[Action]:
    """The actions this user may take on this dossier now: its status and their authority.

    The steps are read at most once (one query, none if they were prefetched), and the user's
    roles not at all when the caller has them (``held``; the services leave them on the
    dossier they return as ``_held``).
    """
    if dossier.source:
        return []  # an external dossier is handled in its source system (read-only here)
    held = held if held is not None else held_roles(user=user, agency=dossier.agency)
    offered = []
    for action in DOSSIER_ACTIONS:
        if not allowed_in(action, dossier.status) or requirement_refusal(action, dossier):
            continue
        if action.authority & STEPS_READ:
            dossier_prefetch_steps(dossier=dossier)  # the signing or the next step is one of them
        if action.step_field:
            if action_steps(action, dossier, held, user):
                offered.append(action)
        elif (
            action_refusal(
                action, dossier=dossier, held=held, actor=user, step=dossier.current_step
            )
            is None
        ):
            offered.append(action)
    return offered


def _expected_now(action: Action, dossier: Dossier, held: Held | None, user: User) -> bool:
    """Whether ``action`` is a step forward for this user at the current step (the table's
    ``primary_unassigned``: assigning the current step while nobody holds it)."""
    if not action.primary_unassigned:
        return True
    current = dossier.current_step
    if current is None or current.assignee_id is not None:
        return False
    held = held if held is not None else held_roles(user=user, agency=dossier.agency)
    return action_refusal(action, dossier=dossier, held=held, actor=user, step=current) is None


def next_action(
    *, dossier: Dossier, offered: list[Action], user: User, held: Held | None = None
) -> tuple[Action, str] | None:
    """The one action expected of this user now (``transitions.primary_action``) and its words
    for the step at hand, e.g. "Finish “Appraisal”, hand over to “Review”"."""
    action = primary_action(
        [
            a
            for a in offered
            if not a.on_paper and not a.needs_open_opinion and _expected_now(a, dossier, held, user)
        ],
        dossier.status,
    )
    if action is None:
        return None
    # Its words name the next step: the steps are read once, shared with ``available_actions``.
    current, following = dossier.current_step, next_step(dossier_prefetch_steps(dossier=dossier))
    label = primary_label(
        action,
        step=current.name if current is not None else "",
        next_step=following.name if following is not None else "",
    )
    return action, label


def dossier_act(
    *, name: str, actor: User, dossier: Dossier, version: int | None, data: Mapping[str, Any]
) -> Any:
    """Run the action ``name`` with the fields a web form or an API request sent (``data``).

    Only the action's own fields are passed on; its service validates them against the one
    input definition and checks the status and the authority.
    """
    action = BY_NAME.get(name)
    if action is None or action not in DOSSIER_ACTIONS:
        raise NotFound()
    kwargs = {spec.name: data.get(spec.name, MISSING) for spec in action.fields}
    return SERVICES[name](actor=actor, code=dossier.code, version=version, **kwargs)

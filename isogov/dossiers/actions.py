"""The actions an officer can take on a dossier, for the UI buttons and the API.

Which actions are offered comes from the state table (``transitions.ALLOWED``) and the user's
roles; the services check both again, so the UI can never offer more than the rules allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import User
from isogov.accounts.selectors import user_roles_in

from . import services
from .models import Dossier
from .transitions import ALLOWED, Status


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    roles: frozenset[str]
    # The status the action leads to (None: stays, or depends on the process).
    target: Status | None
    # Statuses it is offered in when ``target`` cannot say (step work).
    statuses: frozenset[Status] = frozenset()
    fields: tuple[str, ...] = ()


HANDLING = frozenset({Status.RECEIVED, Status.IN_PROCESS})
ACTIONS: tuple[Action, ...] = (
    Action("accept", _("Receive"), services.DESK_ROLES, Status.RECEIVED),
    Action(
        "return_incomplete",
        _("Return for completion (form 02)"),
        services.DESK_ROLES,
        Status.INCOMPLETE_AT_INTAKE,
        fields=("reason", "items"),
    ),
    Action(
        "refuse_intake",
        _("Refuse (form 03)"),
        services.DESK_ROLES,
        Status.NOT_RECEIVED,
        fields=("reason",),
    ),
    Action(
        "complete_step",
        _("Finish this step and hand over"),
        services.HANDLER_ROLES,
        None,
        statuses=HANDLING,
        fields=("note",),
    ),
    Action(
        "assign",
        _("Assign an officer"),
        services.ASSIGNER_ROLES,
        None,
        statuses=HANDLING,
        fields=("assignee",),
    ),
    Action(
        "send_back",
        _("Send back for rework"),
        services.HANDLER_ROLES,
        None,
        statuses=frozenset({Status.IN_PROCESS}),
        fields=("reason",),
    ),
    Action(
        "request_opinion",
        _("Ask a unit for its opinion"),
        services.HANDLER_ROLES,
        None,
        statuses=frozenset({Status.IN_PROCESS}),
        fields=("unit", "question", "allowance_value"),
    ),
    Action(
        "request_supplement",
        _("Request a supplement (form 02)"),
        services.HANDLER_ROLES,
        Status.SUPPLEMENT_REQUESTED,
        fields=("reason", "items"),
    ),
    Action(
        "supplement_received",
        _("Supplement received"),
        services.HANDLER_ROLES,
        Status.IN_PROCESS,
        statuses=frozenset({Status.SUPPLEMENT_REQUESTED}),
    ),
    Action(
        "request_payment", _("Request payment"), services.HANDLER_ROLES, Status.PAYMENT_REQUESTED
    ),
    Action(
        "record_payment",
        _("Record a payment"),
        services.HANDLER_ROLES,
        None,
        statuses=frozenset({Status.RECEIVED, Status.IN_PROCESS, Status.PAYMENT_REQUESTED}),
        fields=("amount_vnd", "method", "receipt_number"),
    ),
    Action(
        "apologise",
        _("Apologise and set a new date (form 04)"),
        services.LEADER_ROLES,
        None,
        statuses=frozenset({Status.RECEIVED, Status.IN_PROCESS, Status.PAYMENT_REQUESTED}),
        fields=("new_due_at", "reason"),
    ),
    Action(
        "refuse",
        _("Refuse after appraisal"),
        services.APPROVER_ROLES,
        Status.REFUSED,
        fields=("reason",),
    ),
    Action(
        "record_result",
        _("Record the result"),
        services.HANDLER_ROLES,
        None,
        statuses=frozenset({Status.IN_PROCESS, Status.FINISHED}),
        fields=("number", "summary", "signer"),
    ),
    Action(
        "approve_result",
        _("Approve the result for release"),
        services.APPROVER_ROLES,
        None,
        statuses=frozenset({Status.IN_PROCESS, Status.FINISHED}),
    ),
    Action(
        "return_result",
        _("Return the result"),
        services.DESK_ROLES,
        Status.RETURNED,
        fields=("method",),
    ),
    Action(
        "request_withdrawal",
        _("Applicant asks to withdraw"),
        services.DESK_ROLES,
        Status.WITHDRAWAL_REQUESTED,
        fields=("reason",),
    ),
    Action(
        "stop",
        _("Stop (stop notice)"),
        services.APPROVER_ROLES | services.DESK_ROLES,
        Status.STOPPED,
        statuses=frozenset({Status.WITHDRAWAL_REQUESTED}),
        fields=("reason",),
    ),
    Action(
        "cancel_withdrawal",
        _("Withdrawal taken back"),
        services.DESK_ROLES,
        Status.IN_PROCESS,
        statuses=frozenset({Status.WITHDRAWAL_REQUESTED}),
    ),
)
BY_NAME = {action.name: action for action in ACTIONS}


def _offered_in(action: Action, status: Status) -> bool:
    if action.statuses:
        return status in action.statuses and (
            action.target is None or action.target in ALLOWED[status]
        )
    return action.target is not None and action.target in ALLOWED[status]


def available_actions(*, dossier: Dossier, user: User) -> list[Action]:
    """The actions this user may take on this dossier now."""
    status = Status(dossier.status)
    offered = [action for action in ACTIONS if _offered_in(action, status)]
    held = user_roles_in(user=user, agency=dossier.agency)
    return [action for action in offered if held & action.roles]

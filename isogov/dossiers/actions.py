"""The actions an officer can take on a dossier, for the UI buttons and the API.

Which actions are offered comes from the state table (``transitions.ALLOWED``) and the user's
roles; the services check both again, so the UI can never offer more than the rules allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import User
from isogov.accounts.selectors import user_roles_in
from isogov.core.errors import NotFound, ValidationFailed

from . import services
from .models import Dossier, StepKind
from .selectors import dossier_officer_get, dossier_unit_get
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
    # Offered on each open opinion step (its row of the steps table), not among the actions.
    per_opinion_step: bool = False


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
        "answer_opinion",
        _("Give the opinion"),
        services.HANDLER_ROLES,
        None,
        statuses=frozenset(
            {
                Status.IN_PROCESS,
                Status.SUPPLEMENT_REQUESTED,
                Status.PAYMENT_REQUESTED,
                Status.WITHDRAWAL_REQUESTED,
            }
        ),
        fields=("step_id", "answer"),
        per_opinion_step=True,
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
        None,  # back to the status the request came from
        statuses=frozenset({Status.WITHDRAWAL_REQUESTED}),
    ),
)
BY_NAME = {action.name: action for action in ACTIONS}

# Timeline words for the events that are not actions of the table.
EVENT_LABELS: dict[str, object] = {
    **{action.name: action.label for action in ACTIONS},
    "receive": _("Received"),
    "intake_incomplete": _("Incomplete at intake (form 02)"),
    "intake_refuse": _("Refused at intake (form 03)"),
    "submit_online": _("Submitted online"),
    "transfer": _("Transferred to the handling unit"),
    "handover": _("Handed over"),
    "finish": _("Result ready"),
    "paid": _("Fees paid"),
    "payment": _("Payment recorded"),
    "answer_opinion": _("Opinion given"),
    "close_unanswered": _("Closed: supplement not received in time"),
    "return_originals": _("Originals returned"),
    "incident": _("Incident recorded"),
}


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
    if any(action.per_opinion_step for action in offered) and not _has_open_opinion(dossier):
        offered = [action for action in offered if not action.per_opinion_step]
    held = user_roles_in(user=user, agency=dossier.agency)
    return [action for action in offered if held & action.roles]


def _has_open_opinion(dossier: Dossier) -> bool:
    # ``all()``: the steps prefetched with the dossier when they were (API detail), no query.
    return any(
        step.kind == StepKind.OPINION and step.finished_at is None for step in dossier.steps.all()
    )


UNKNOWN_OFFICER = _("No officer of this agency has this username.")
UNKNOWN_UNIT = _("No unit of this agency has this code.")
FIELD_REQUIRED = _("This field is required.")


def _items(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _required(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value in (None, ""):
        raise ValidationFailed(f"{name}: {FIELD_REQUIRED}", details={name: [str(FIELD_REQUIRED)]})
    return value


# The one table from an action's name to its service, shared by the web UI and the API. Every
# field an action asks for is named like the service's keyword argument.
SERVICES: dict[str, Callable[..., Any]] = {
    "accept": services.dossier_accept,
    "return_incomplete": services.dossier_return_incomplete,
    "refuse_intake": services.dossier_refuse_intake,
    "complete_step": services.dossier_step_complete,
    "assign": services.dossier_step_assign,
    "send_back": services.dossier_step_send_back,
    "request_opinion": services.dossier_request_opinion,
    "answer_opinion": services.dossier_answer_opinion,
    "request_supplement": services.dossier_request_supplement,
    "supplement_received": services.dossier_supplement_received,
    "request_payment": services.dossier_request_payment,
    "record_payment": services.dossier_record_payment,
    "apologise": services.dossier_apologise,
    "refuse": services.dossier_refuse,
    "record_result": services.dossier_record_result,
    "approve_result": services.dossier_approve_result,
    "return_result": services.dossier_return_result,
    "request_withdrawal": services.dossier_request_withdrawal,
    "stop": services.dossier_stop,
    "cancel_withdrawal": services.dossier_cancel_withdrawal,
    "return_originals": services.dossier_return_originals,
    "record_incident": services.dossier_record_incident,
}
# What a form left empty means for the actions whose service needs a choice.
DEFAULT_METHOD = {"record_payment": "cash", "return_result": "at_desk"}


def _form_value(name: str, field: str, dossier: Dossier, data: dict[str, Any]) -> Any:
    """One service argument from a web form's text."""
    if field == "items":
        return _items(data.get(field))
    if field == "assignee":
        officer = dossier_officer_get(dossier=dossier, username=str(_required(data, field)))
        if officer is None:
            raise ValidationFailed(UNKNOWN_OFFICER, details={field: [str(UNKNOWN_OFFICER)]})
        return officer
    if field == "unit":
        unit = dossier_unit_get(dossier=dossier, code=str(_required(data, field)))
        if unit is None:
            raise ValidationFailed(UNKNOWN_UNIT, details={field: [str(UNKNOWN_UNIT)]})
        return unit
    if field == "allowance_value":
        return Decimal(str(_required(data, field)))
    if field in ("amount_vnd", "step_id"):
        return int(_required(data, field))
    if field == "answer":
        return str(_required(data, field))
    if field == "new_due_at":
        return _required(data, field)
    if field == "method":
        return data.get(field) or DEFAULT_METHOD[name]
    return data.get(field) or ""


def perform(
    *, name: str, actor: User, dossier: Dossier, version: int | None, data: dict[str, Any]
) -> Any:
    """Run the action ``name`` with the fields of a web form (``data``)."""
    action = BY_NAME.get(name)
    if action is None:
        raise NotFound()
    kwargs = {field: _form_value(name, field, dossier, data) for field in action.fields}
    if name == "record_result":
        kwargs["file"] = data.get("file")
    return SERVICES[name](actor=actor, code=dossier.code, version=version, **kwargs)

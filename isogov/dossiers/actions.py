"""The actions an officer can take on a dossier, for the UI buttons and the API.

Which actions are offered comes from the state table (``transitions.ALLOWED``) and the user's
roles; the services check both again, so the UI can never offer more than the rules allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import User
from isogov.accounts.selectors import user_roles_in
from isogov.core.errors import NotFound, ValidationFailed

from . import services
from .models import Dossier
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
    held = user_roles_in(user=user, agency=dossier.agency)
    return [action for action in offered if held & action.roles]


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


def perform(
    *, name: str, actor: User, dossier: Dossier, version: int | None, data: dict[str, Any]
) -> Any:
    """Run the action ``name`` with the fields in ``data`` (from a form or an API body)."""
    if name not in BY_NAME:
        raise NotFound()
    code = dossier.code
    common: dict[str, Any] = {"actor": actor, "code": code, "version": version}
    if name == "accept":
        return services.dossier_accept(**common)
    if name == "return_incomplete":
        return services.dossier_return_incomplete(
            **common, reason=data.get("reason", ""), items=_items(data.get("items"))
        )
    if name == "refuse_intake":
        return services.dossier_refuse_intake(**common, reason=data.get("reason", ""))
    if name == "complete_step":
        return services.dossier_step_complete(**common, note=data.get("note", "") or "")
    if name == "assign":
        assignee = dossier_officer_get(dossier=dossier, username=str(_required(data, "assignee")))
        if assignee is None:
            raise ValidationFailed(UNKNOWN_OFFICER, details={"assignee": [str(UNKNOWN_OFFICER)]})
        return services.dossier_step_assign(**common, assignee=assignee)
    if name == "send_back":
        return services.dossier_step_send_back(**common, reason=data.get("reason", ""))
    if name == "request_opinion":
        unit = dossier_unit_get(dossier=dossier, code=str(_required(data, "unit")))
        if unit is None:
            raise ValidationFailed(UNKNOWN_UNIT, details={"unit": [str(UNKNOWN_UNIT)]})
        return services.dossier_request_opinion(
            **common,
            unit=unit,
            question=data.get("question", "") or "",
            allowance_value=Decimal(str(_required(data, "allowance_value"))),
        )
    if name == "request_supplement":
        return services.dossier_request_supplement(
            **common, reason=data.get("reason", ""), items=_items(data.get("items"))
        )
    if name == "supplement_received":
        return services.dossier_supplement_received(**common)
    if name == "request_payment":
        return services.dossier_request_payment(**common)
    if name == "record_payment":
        return services.dossier_record_payment(
            **common,
            amount_vnd=int(_required(data, "amount_vnd")),
            method=data.get("method") or "cash",
            receipt_number=data.get("receipt_number", "") or "",
        )
    if name == "apologise":
        return services.dossier_apologise(
            **common, new_due_at=_required(data, "new_due_at"), reason=data.get("reason", "") or ""
        )
    if name == "refuse":
        return services.dossier_refuse(**common, reason=data.get("reason", "") or "")
    if name == "record_result":
        return services.dossier_record_result(
            **common,
            number=data.get("number", "") or "",
            summary=data.get("summary", "") or "",
            signer=data.get("signer", "") or "",
            file=data.get("file"),
        )
    if name == "approve_result":
        return services.dossier_approve_result(**common)
    if name == "return_result":
        return services.dossier_return_result(**common, method=data.get("method") or "at_desk")
    if name == "request_withdrawal":
        return services.dossier_request_withdrawal(**common, reason=data.get("reason", "") or "")
    if name == "stop":
        return services.dossier_stop(**common, reason=data.get("reason", "") or "")
    if name == "cancel_withdrawal":
        return services.dossier_cancel_withdrawal(**common)
    raise NotFound()

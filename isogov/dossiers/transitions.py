"""The dossier's action table: which action runs in which status, by whom, with which input.

This is the one place that says it (docs/dossiers.md "Actions and authority"). The services run
every action through one entry point that checks this table (``services._kernel._begin``); the
web form, the API endpoints and their OpenAPI schema are generated from it (``inputs``,
``api``); the buttons a user sees are the rows whose statuses and authority fit
(``actions.available_actions``). Pure: no ORM. The words it is written in (statuses,
authorities, input kinds, the row's shape) are in ``action_types`` and re-exported here.

States map onto the national portal's status codes (TrangThaiHoSo, vn-one-stop-rules.md §2):
1 Mới đăng ký · 2 Được tiếp nhận · 3 Không được tiếp nhận · 4 Đang xử lý · 5 Yêu cầu bổ sung giấy
tờ · 6 Yêu cầu thực hiện nghĩa vụ tài chính · 7 Công dân yêu cầu rút hồ sơ · 8 Dừng xử lý ·
9 Đã xử lý xong · 10 Đã trả kết quả.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .action_types import (
    BEFORE_TRANSFER,
    CLOCK_STOPPED,
    NATIONAL_CODE,
    RESULT_READY,
    WAITING_FOR_PAYMENT,
    Action,
    Authority,
    Field,
    Kind,
    Requires,
    Status,
)

__all__ = [
    "ACTIONS",
    "BEFORE_TRANSFER",
    "BY_NAME",
    "CLOCK_STOPPED",
    "DOSSIER_ACTIONS",
    "NATIONAL_CODE",
    "RESULT_READY",
    "TERMINAL",
    "WAITING_FOR_PAYMENT",
    "Action",
    "Authority",
    "Field",
    "Kind",
    "Requires",
    "Status",
    "allowed_in",
    "may_lead_to",
    "primary_action",
    "primary_label",
]


# --- inputs shared by several actions -------------------------------------------------------
REASON = Field("reason", Kind.LONG_TEXT, _("Reason"), max_length=2000)
ITEMS = Field(
    "items",
    Kind.ITEMS,
    _("Papers to supplement (one per line)"),
    required=False,
    max_length=500,
    default=(),
)
HANDOVER_NOTE = Field(
    "note",
    Kind.LONG_TEXT,
    _("Handover note"),
    required=False,
    max_length=2000,
    help=_("Shown to whoever does the next step."),
)
OPTIONAL_REASON = Field(
    "reason", Kind.LONG_TEXT, _("Reason"), required=False, max_length=2000, default=""
)

# A payment is at most 10 billion đồng: far above any fee, far below what a column holds.
MAX_PAYMENT_VND = 10_000_000_000
# An opinion is asked for at most 60 working days, within the calendar's years.
MAX_OPINION_DAYS = Decimal(60)

S = Status
HANDLING = frozenset({S.RECEIVED, S.IN_PROCESS})
# Statuses a withdrawal request may come from (Decree 118/2025 art. 21: until the decision).
WITHDRAWABLE = frozenset({S.RECEIVED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED})
# Statuses in which the applicant's papers are in the agency's custody.
IN_CUSTODY = frozenset(set(S) - {S.SUBMITTED_ONLINE})
A = Authority

ACTIONS: tuple[Action, ...] = (
    # --- intake (creates the dossier) ---
    Action(
        "receive",
        _("Receive"),
        frozenset(),
        frozenset({S.RECEIVED}),
        frozenset({A.DESK}),
        "dossier_receive",
    ),
    Action(
        "intake_incomplete",
        _("Incomplete at intake (form 02)"),
        frozenset(),
        frozenset({S.INCOMPLETE_AT_INTAKE}),
        frozenset({A.DESK}),
        "dossier_intake_incomplete",
        fields=(REASON, ITEMS),
    ),
    Action(
        "intake_refuse",
        _("Refused at intake (form 03)"),
        frozenset(),
        frozenset({S.NOT_RECEIVED}),
        frozenset({A.DESK}),
        "dossier_intake_refuse",
        fields=(REASON,),
    ),
    Action(
        "submit_online",
        _("Submitted online"),
        frozenset(),
        frozenset({S.SUBMITTED_ONLINE}),
        frozenset({A.PUBLIC}),
        "dossier_submit_online",
    ),
    # --- online submissions and dossiers completed after form 02 ---
    Action(
        "accept",
        _("Receive"),
        frozenset({S.SUBMITTED_ONLINE, S.INCOMPLETE_AT_INTAKE}),
        frozenset({S.RECEIVED}),
        frozenset({A.DESK}),
        "dossier_accept",
        primary_rank=1,
    ),
    Action(
        "return_incomplete",
        _("Return for completion (form 02)"),
        frozenset({S.SUBMITTED_ONLINE}),
        frozenset({S.INCOMPLETE_AT_INTAKE}),
        frozenset({A.DESK}),
        "dossier_return_incomplete",
        fields=(REASON, ITEMS),
    ),
    Action(
        "refuse_intake",
        _("Refuse (form 03)"),
        frozenset({S.SUBMITTED_ONLINE, S.INCOMPLETE_AT_INTAKE}),
        frozenset({S.NOT_RECEIVED}),
        frozenset({A.DESK}),
        "dossier_refuse_intake",
        fields=(REASON,),
        irreversible=True,
        confirm=_("Refuse the dossier of %(applicant)s (form 03)? This cannot be undone."),
    ),
    # --- handling through the process steps ---
    Action(
        "complete_step",
        _("Finish this step and hand over"),
        HANDLING,
        frozenset({S.IN_PROCESS, S.FINISHED}),
        frozenset({A.STEP}),
        "dossier_step_complete",
        fields=(HANDOVER_NOTE,),
        primary_rank=3,
        step_label=_("Finish “%(step)s”, hand over to “%(next)s”"),
    ),
    Action(
        "assign_handover",
        _("Assign the next step and hand over"),
        HANDLING,
        frozenset({S.IN_PROCESS, S.FINISHED}),
        frozenset({A.HEAD_HANDING_OVER}),
        "dossier_step_assign_handover",
        fields=(
            Field(
                "assignee",
                Kind.OFFICER,
                _("Officer"),
                help=_("An officer of the next step's unit who holds its role."),
            ),
            HANDOVER_NOTE,
        ),
        primary_rank=1,
        step_label=_("Assign and hand over to “%(next)s”"),
    ),
    Action(
        "assign",
        _("Assign an officer"),
        HANDLING,
        frozenset(),
        frozenset({A.UNIT_HEAD}),
        "dossier_step_assign",
        fields=(
            Field(
                "step_id",
                Kind.STEP,
                _("Step"),
                required=False,
                help=_("The step to assign: the current one, or a later one of your unit."),
            ),
            Field("assignee", Kind.OFFICER, _("Officer"), help=_("An officer of the step's unit.")),
        ),
        step_field="step_id",
        primary_rank=4,
        primary_unassigned=True,
    ),
    Action(
        "send_back",
        _("Send back for rework"),
        frozenset({S.IN_PROCESS}),
        frozenset(),
        frozenset({A.STEP}),
        "dossier_step_send_back",
        fields=(REASON,),
    ),
    Action(
        "request_opinion",
        _("Ask a unit for its opinion"),
        frozenset({S.IN_PROCESS}),
        frozenset(),
        frozenset({A.STEP}),
        "dossier_request_opinion",
        fields=(
            Field("unit", Kind.UNIT, _("Unit"), help=_("A unit of the dossier's agency.")),
            Field("question", Kind.LONG_TEXT, _("Question"), max_length=2000),
            Field(
                "allowance_value",
                Kind.DECIMAL,
                _("Time allowance (working days)"),
                minimum=Decimal("0.25"),
                maximum=MAX_OPINION_DAYS,
                help=_("The unit's time to answer."),
            ),
        ),
    ),
    Action(
        "answer_opinion",
        _("Give the opinion"),
        frozenset(
            {S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED, S.WITHDRAWAL_REQUESTED}
        ),
        frozenset(),
        frozenset({A.CONSULTED}),
        "dossier_answer_opinion",
        fields=(
            Field("step_id", Kind.STEP, _("Opinion step")),
            Field("answer", Kind.LONG_TEXT, _("Opinion"), max_length=4000),
        ),
        step_field="step_id",
        needs_open_opinion=True,
    ),
    # --- the legal clock ---
    Action(
        "request_supplement",
        _("Request a supplement (form 02)"),
        frozenset({S.IN_PROCESS}),
        frozenset({S.SUPPLEMENT_REQUESTED}),
        frozenset({A.STEP}),
        "dossier_request_supplement",
        fields=(
            REASON,
            ITEMS,
            Field(
                "legal_basis",
                Kind.TEXT,
                _("Legal basis"),
                required=False,
                max_length=300,
                default="",
            ),
        ),
    ),
    Action(
        "supplement_received",
        _("Supplement received"),
        frozenset({S.SUPPLEMENT_REQUESTED}),
        frozenset({S.IN_PROCESS}),
        frozenset({A.DESK, A.STEP}),
        "dossier_supplement_received",
        fields=(
            Field(
                "received_items",
                Kind.ITEMS,
                _("Papers received"),
                required=False,
                max_length=500,
                default=(),
                help=_("Tick the papers the applicant brought; a new receipt (form 01) is issued."),
            ),
        ),
        primary_rank=1,
    ),
    # The applicant uploads the missing papers by the dossier's link (its token): the papers
    # are attached and the desk told; the desk then records "supplement received" (or, before
    # receipt, accepts the dossier), which is where the clock restarts.
    Action(
        "supplement_online",
        _("Supplement uploaded online"),
        frozenset({S.SUPPLEMENT_REQUESTED, S.INCOMPLETE_AT_INTAKE}),
        frozenset(),
        frozenset({A.PUBLIC}),
        "dossier_supplement_online",
    ),
    Action(
        "close_unanswered",
        _("Closed: supplement not received in time"),
        frozenset({S.SUPPLEMENT_REQUESTED}),
        frozenset({S.STOPPED}),
        frozenset({A.SYSTEM}),
        "dossier_close_unanswered",
    ),
    Action(
        "apologise",
        _("Apologise and set a new date (form 04)"),
        frozenset({S.RECEIVED, S.IN_PROCESS, S.PAYMENT_REQUESTED}),
        frozenset(),
        frozenset({A.LEADER}),
        "dossier_apologise",
        fields=(
            Field("new_due_at", Kind.DATETIME, _("New appointment")),
            REASON,
        ),
        irreversible=True,
        confirm=_(
            "Send %(applicant)s the apology letter (form 04) and move the appointment? "
            "It can be done only once and cannot be undone."
        ),
    ),
    # --- fees ---
    Action(
        "request_payment",
        _("Request payment"),
        frozenset({S.IN_PROCESS}),
        frozenset({S.PAYMENT_REQUESTED}),
        frozenset({A.STEP}),
        "dossier_request_payment",
    ),
    Action(
        "record_payment",
        _("Record a payment"),
        frozenset({S.RECEIVED, S.IN_PROCESS, S.PAYMENT_REQUESTED}),
        frozenset({S.IN_PROCESS}),
        frozenset({A.DESK}),
        "dossier_record_payment",
        primary_rank=2,
        primary_in=frozenset({S.PAYMENT_REQUESTED}),
        fields=(
            Field(
                "amount_vnd",
                Kind.MONEY,
                _("Amount (đồng)"),
                minimum=1,
                maximum=MAX_PAYMENT_VND,
                help=_("Whole đồng."),
            ),
            Field("method", Kind.CHOICE, _("How"), choices="payment_method", default="cash"),
            Field("receipt_number", Kind.TEXT, _("Receipt number"), max_length=100),
        ),
    ),
    # --- results ---
    Action(
        "record_result",
        _("Record the result"),
        frozenset({S.IN_PROCESS, S.FINISHED}),
        frozenset(),
        frozenset({A.STEP}),
        "dossier_record_result",
        requires=frozenset({Requires.RESULT_OPEN}),
        fields=(
            Field("number", Kind.TEXT, _("Result number"), max_length=100),
            Field("summary", Kind.TEXT, _("Result"), required=False, max_length=500, default=""),
            Field("signer", Kind.TEXT, _("Signed by"), max_length=200),
            Field(
                "file",
                Kind.FILE,
                _("Signed result file"),
                required=False,
                help=_("The signed result document (send the request as multipart/form-data)."),
            ),
        ),
    ),
    Action(
        "approve_result",
        _("Approve the result"),
        frozenset({S.IN_PROCESS, S.FINISHED}),
        # Approving on the signing step also finishes that step and hands the dossier on.
        frozenset({S.IN_PROCESS, S.FINISHED}),
        frozenset({A.SIGNER}),
        "dossier_approve_result",
        irreversible=True,
        confirm=_(
            "Approve the result for release to %(applicant)s? It is locked once approved; "
            "this cannot be undone."
        ),
        requires=frozenset({Requires.RESULT_RECORDED, Requires.RESULT_OPEN}),
        primary_rank=1,
    ),
    Action(
        "refuse",
        _("Refuse after appraisal"),
        frozenset({S.IN_PROCESS}),
        frozenset({S.REFUSED}),
        frozenset({A.SIGNER}),
        "dossier_refuse",
        fields=(REASON,),
        irreversible=True,
        confirm=_("Refuse the dossier of %(applicant)s with these reasons? This cannot be undone."),
    ),
    Action(
        "return_result",
        _("Return the result"),
        frozenset({S.FINISHED, S.REFUSED}),
        frozenset({S.RETURNED}),
        frozenset({A.DESK}),
        "dossier_return_result",
        fields=(
            Field("method", Kind.CHOICE, _("How"), choices="return_method", default="at_desk"),
            Field(
                "collector_name",
                Kind.TEXT,
                _("Collected by"),
                required=False,
                max_length=200,
                default="",
                help=_("In person: who collected it (the applicant when left empty)."),
            ),
            Field(
                "collector_id_number",
                Kind.TEXT,
                _("Collector's ID number"),
                required=False,
                max_length=20,
                default="",
                help=_(
                    "In person: required, unless the applicant collects it with the ID on file."
                ),
            ),
            Field(
                "tracking_number",
                Kind.TEXT,
                _("Postal tracking number"),
                required=False,
                max_length=100,
                default="",
                help=_("By post: required."),
            ),
        ),
        irreversible=True,
        confirm=_("Hand the result over to %(applicant)s? This cannot be undone."),
        requires=frozenset({Requires.RESULT_RELEASABLE}),
        primary_rank=1,
    ),
    # --- withdrawal (Decree 118/2025 art. 21) ---
    Action(
        "request_withdrawal",
        _("Applicant asks to withdraw"),
        WITHDRAWABLE,
        frozenset({S.WITHDRAWAL_REQUESTED}),
        frozenset({A.DESK}),
        "dossier_request_withdrawal",
        fields=(REASON,),
    ),
    Action(
        "stop",
        _("Stop (stop notice)"),
        frozenset({S.WITHDRAWAL_REQUESTED}),
        frozenset({S.STOPPED}),
        frozenset({A.DESK, A.LEADER}),
        "dossier_stop",
        fields=(OPTIONAL_REASON,),
        primary_rank=2,
        irreversible=True,
        confirm=_(
            "Stop handling the dossier of %(applicant)s and issue the stop notice? "
            "This cannot be undone."
        ),
    ),
    Action(
        "cancel_withdrawal",
        _("Withdrawal taken back"),
        frozenset({S.WITHDRAWAL_REQUESTED}),
        # Back to the status the request was made in.
        WITHDRAWABLE,
        frozenset({A.DESK}),
        "dossier_cancel_withdrawal",
    ),
    # --- papers in custody (ISO 9001 §8.5.3) ---
    Action(
        "return_originals",
        _("Return the originals"),
        IN_CUSTODY,
        frozenset(),
        frozenset({A.DESK}),
        "dossier_return_originals",
        fields=(Field("paper_id", Kind.PAPER, _("Paper")),),
        on_paper=True,
    ),
    Action(
        "record_incident",
        _("Record an incident"),
        IN_CUSTODY,
        frozenset(),
        frozenset({A.DESK, A.STEP}),
        "dossier_record_incident",
        fields=(
            Field("kind", Kind.CHOICE, _("What happened"), choices="incident_kind"),
            Field("description", Kind.LONG_TEXT, _("Description"), max_length=2000),
            Field("paper_id", Kind.PAPER, _("Paper"), required=False),
        ),
        on_paper=True,
    ),
    Action(
        "attach_scan",
        _("Attach the scan"),
        IN_CUSTODY,
        frozenset(),
        frozenset({A.DESK, A.STEP}),
        "dossier_attach_scan",
        fields=(
            Field("paper_id", Kind.PAPER, _("Paper")),
            Field("file", Kind.FILE, _("Scanned file")),
        ),
        on_paper=True,
    ),
)
BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
# The actions an officer takes on an existing dossier (the per-action endpoints and buttons).
# The applicant's own actions (public, by the dossier's token) are the portal's, not these.
DOSSIER_ACTIONS = tuple(
    action
    for action in ACTIONS
    if not action.creates and not action.authority & {A.SYSTEM, A.PUBLIC}
)
# Statuses no action leads out of (custody records aside).
TERMINAL = frozenset(
    status
    for status in Status
    if not any(
        status in action.from_statuses and action.leads_to - {status}
        for action in ACTIONS
        if action.leads_to
    )
)
# The open statuses, in a fixed order: the queue filters on this very list, and SQLite uses the
# partial index of open dossiers (models.Dossier) only when a query repeats its condition.
OPEN_STATUSES = tuple(status.value for status in Status if status not in TERMINAL)


def allowed_in(action: Action, status: Status | str) -> bool:
    """Whether ``action`` may start from ``status`` (the table, nothing else)."""
    return Status(status) in action.from_statuses


def may_lead_to(action: Action, from_: Status | str, to: Status | str) -> bool:
    """Whether a status change made while running ``action`` is one the table allows."""
    return Status(to) == Status(from_) or Status(to) in action.leads_to


def primary_action(offered: Sequence[Action], status: Status | str) -> Action | None:
    """The next action first: the one a user is expected to take now among those they may
    (the lowest ``primary_rank`` above 0 in this status); None when none is a step forward."""
    ranked = [
        action
        for action in offered
        if action.primary_rank > 0
        and (not action.primary_in or Status(status) in action.primary_in)
    ]
    return min(ranked, key=lambda action: action.primary_rank) if ranked else None


def primary_label(action: Action, *, step: str = "", next_step: str = "") -> str:
    """The primary button's words for the step at hand (the plain label without a next step)."""
    if action.step_label and step and next_step:
        return str(action.step_label) % {"step": step, "next": next_step}
    return str(action.label)

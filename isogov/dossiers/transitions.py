"""The dossier's action table: which action runs in which status, by whom, with which input.

This is the one place that says it (docs/dossiers.md "Actions and authority"). The services run
every action through one entry point that checks this table (``services._kernel._begin``); the
web form, the API endpoints and their OpenAPI schema are generated from it (``inputs``,
``api``); the buttons a user sees are the rows whose statuses and authority fit
(``actions.available_actions``). Pure: no ORM.

States map onto the national portal's status codes (TrangThaiHoSo, vn-one-stop-rules.md §2):
1 Mới đăng ký · 2 Được tiếp nhận · 3 Không được tiếp nhận · 4 Đang xử lý · 5 Yêu cầu bổ sung giấy
tờ · 6 Yêu cầu thực hiện nghĩa vụ tài chính · 7 Công dân yêu cầu rút hồ sơ · 8 Dừng xử lý ·
9 Đã xử lý xong · 10 Đã trả kết quả.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    SUBMITTED_ONLINE = "submitted_online"  # an online submission, not received yet
    INCOMPLETE_AT_INTAKE = "incomplete_at_intake"  # form 02 at intake; the clock has not started
    NOT_RECEIVED = "not_received"  # refused at intake (form 03)
    RECEIVED = "received"  # form 01 issued, the clock runs
    IN_PROCESS = "in_process"  # going through the internal process steps
    SUPPLEMENT_REQUESTED = "supplement_requested"  # form 02 after appraisal; the clock stops
    PAYMENT_REQUESTED = "payment_requested"  # fees or charges due
    WITHDRAWAL_REQUESTED = "withdrawal_requested"  # the applicant asks to stop
    STOPPED = "stopped"  # stopped at the applicant's request, or closed unanswered
    REFUSED = "refused"  # refused after appraisal, with reasons
    FINISHED = "finished"  # result ready at the one-stop desk
    RETURNED = "returned"  # result handed over


NATIONAL_CODE: dict[Status, int] = {
    Status.SUBMITTED_ONLINE: 1,
    Status.RECEIVED: 2,
    Status.NOT_RECEIVED: 3,
    Status.IN_PROCESS: 4,
    # [A] The portal has no code for "returned for completion before receipt"; it is a request
    # for papers, so it is reported as 5.
    Status.INCOMPLETE_AT_INTAKE: 5,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.PAYMENT_REQUESTED: 6,
    Status.WITHDRAWAL_REQUESTED: 7,
    Status.STOPPED: 8,
    # [A] A refusal after appraisal is a finished handling whose result is the refusal notice.
    Status.REFUSED: 9,
    Status.FINISHED: 9,
    Status.RETURNED: 10,
}

# Statuses in which the legal clock does not run.
CLOCK_STOPPED = frozenset(
    {Status.SUBMITTED_ONLINE, Status.INCOMPLETE_AT_INTAKE, Status.SUPPLEMENT_REQUESTED}
)
# Received but not handed to the handling unit yet: finishing the desk's step is the transfer.
BEFORE_TRANSFER = frozenset({Status.RECEIVED})
# A dossier waiting for its fees goes back to processing once they are paid in full.
WAITING_FOR_PAYMENT = frozenset({Status.PAYMENT_REQUESTED})
# The result is ready but must be approved before it is released (ISO 9001 §8.6).
RESULT_READY = frozenset({Status.FINISHED})


class Authority(StrEnum):
    """Who may do an action (docs/dossiers.md; ISO 9001 §5.3, Decree 61/2018 arts. 18–19).

    A system administrator administers: holding that role gives no power over dossiers.
    """

    # The one-stop officers of the receiving unit: receive, return incomplete, refuse at
    # intake, return the result (Decree 61/2018 art. 18, 20).
    DESK = "desk"
    # The current step's assignee; when it has none, the members of the step's unit who hold
    # the step's role (any officer of the unit when the process names no role).
    STEP = "step"
    # The head of the named step's unit assigns its officer (the current step or a later one).
    UNIT_HEAD = "unit_head"
    # The unit asked for its opinion answers it, and no other.
    CONSULTED = "consulted"
    # Whoever the process names for the signing step (its assignee, else its unit and role);
    # the agency leader when the process names none. Approves results, refuses after appraisal.
    SIGNER = "signer"
    # The agency leader (đứng đầu cơ quan): the apology letter (form 04) and the stop notice.
    LEADER = "leader"
    # Nobody: a scheduled job of the system (the closure of an unanswered supplement request).
    SYSTEM = "system"
    # Anybody, without signing in (the citizen's online submission).
    PUBLIC = "public"
    # The current step's holder who also heads the next step's unit: assigns the next step's
    # officer and hands over in one go (the unit head's "assign" step of a process).
    HEAD_HANDING_OVER = "head_handing_over"


class Requires(StrEnum):
    """A fact of the dossier an action needs besides its status (``permissions.dossier_facts``)."""

    # A result document is recorded (number and signer).
    RESULT_RECORDED = "result_recorded"
    # The result is not approved yet: once approved it is locked (ISO 9001 §8.6, §7.5.3).
    RESULT_OPEN = "result_open"
    # The result may be released: approved, or a refusal (which is its own result).
    RESULT_RELEASABLE = "result_releasable"


class Kind(StrEnum):
    """The kind of an input field; ``inputs`` turns each into a form field and an API field."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # a paragraph
    ITEMS = "items"  # a list of lines
    INTEGER = "integer"
    MONEY = "money"  # whole đồng
    DECIMAL = "decimal"
    DATETIME = "datetime"
    CHOICE = "choice"
    OFFICER = "officer"  # a username of the dossier's agency
    UNIT = "unit"  # a unit code of the dossier's agency
    STEP = "step"  # a step id of this dossier
    PAPER = "paper"  # a paper id of this dossier
    FILE = "file"


@dataclass(frozen=True)
class Field:
    """One input of an action: the web form and the API serializer are both made from it."""

    name: str
    kind: Kind
    label: str | Promise
    required: bool = True
    help: str | Promise = ""
    max_length: int = 0
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    # For CHOICE: the name of the choice list in ``inputs.CHOICES``.
    choices: str = ""
    default: object = None


@dataclass(frozen=True)
class Action:
    """One row of the action table."""

    name: str
    label: str | Promise
    # The statuses it may start from (empty: it creates the dossier).
    from_statuses: frozenset[Status]
    # The statuses it may lead to (empty: the status stays as it is).
    leads_to: frozenset[Status]
    # Who may do it: any one of these.
    authority: frozenset[Authority]
    # The name of the service function in ``isogov.dossiers.services`` that does it.
    service: str
    fields: tuple[Field, ...] = ()
    # Cannot be undone: the UI asks for confirmation, naming the effect.
    irreversible: bool = False
    confirm: str | Promise = ""
    # Which step the authority is judged on: the current step, or the one the input names.
    step_field: str = ""
    # Offered only while an opinion step of the dossier is open (on that step's row).
    needs_open_opinion: bool = False
    # Done on one paper in custody (offered on the paper's row, not among the dossier's).
    on_paper: bool = False
    # Facts of the dossier it needs besides its status; refused with a clear message without.
    requires: frozenset[Requires] = frozenset()
    # The next action first: among the actions a user may take now, the one with the lowest
    # rank above 0 is their primary button (0: never primary, always under "Other actions").
    primary_rank: int = 0
    # Primary only in these statuses (empty: in every status it may start from).
    primary_in: frozenset[Status] = frozenset()
    # Primary only while the current step has no assignee and the user may act on it: assigning
    # the step at hand is expected of its unit's head, reassigning an assigned step (or assigning
    # a later one) is not, and sits under "Other actions".
    primary_unassigned: bool = False
    # The primary button's words for the step at hand: %(step)s is the current step's name,
    # %(next)s the next step's; the plain label when there is no next step.
    step_label: str | Promise = ""

    @property
    def creates(self) -> bool:
        return not self.from_statuses


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
DOSSIER_ACTIONS = tuple(
    action for action in ACTIONS if not action.creates and A.SYSTEM not in action.authority
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

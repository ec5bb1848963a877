"""The words the dossier's action table is written in: statuses, authorities, input kinds,
the ``Field`` an action asks for and the ``Action`` row itself. Pure: no ORM.

The table, the one place that says which action runs in which status and by whom, is
``transitions.ACTIONS``; import these names from ``transitions`` like the rest of it.

States map onto the national portal's status codes (TrangThaiHoSo, vn-one-stop-rules.md §2):
1 Mới đăng ký · 2 Được tiếp nhận · 3 Không được tiếp nhận · 4 Đang xử lý · 5 Yêu cầu bổ sung giấy
tờ · 6 Yêu cầu thực hiện nghĩa vụ tài chính · 7 Công dân yêu cầu rút hồ sơ · 8 Dừng xử lý ·
9 Đã xử lý xong · 10 Đã trả kết quả.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise


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

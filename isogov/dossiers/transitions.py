"""The dossier state machine: one table of allowed next states. Pure: no ORM.

States map onto the national portal's status codes (TrangThaiHoSo, vn-one-stop-rules.md §2):
1 Mới đăng ký · 2 Được tiếp nhận · 3 Không được tiếp nhận · 4 Đang xử lý · 5 Yêu cầu bổ sung giấy
tờ · 6 Yêu cầu thực hiện nghĩa vụ tài chính · 7 Công dân yêu cầu rút hồ sơ · 8 Dừng xử lý ·
9 Đã xử lý xong · 10 Đã trả kết quả.
"""

from __future__ import annotations

from enum import StrEnum


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

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED_ONLINE: frozenset(
        {Status.RECEIVED, Status.INCOMPLETE_AT_INTAKE, Status.NOT_RECEIVED}
    ),
    Status.INCOMPLETE_AT_INTAKE: frozenset({Status.RECEIVED, Status.NOT_RECEIVED, Status.STOPPED}),
    Status.NOT_RECEIVED: frozenset(),
    Status.RECEIVED: frozenset({Status.IN_PROCESS, Status.WITHDRAWAL_REQUESTED}),
    Status.IN_PROCESS: frozenset(
        {
            Status.SUPPLEMENT_REQUESTED,
            Status.PAYMENT_REQUESTED,
            Status.WITHDRAWAL_REQUESTED,
            Status.REFUSED,
            Status.FINISHED,
        }
    ),
    Status.SUPPLEMENT_REQUESTED: frozenset(
        {Status.IN_PROCESS, Status.WITHDRAWAL_REQUESTED, Status.STOPPED}
    ),
    Status.PAYMENT_REQUESTED: frozenset({Status.IN_PROCESS, Status.WITHDRAWAL_REQUESTED}),
    # Decree 118/2025 art. 21: a stop is possible until the decision is issued. A withdrawal
    # request that the applicant takes back returns the dossier to where it was (RESUMES).
    Status.WITHDRAWAL_REQUESTED: frozenset({Status.STOPPED}),
    Status.STOPPED: frozenset(),
    Status.REFUSED: frozenset({Status.RETURNED}),
    Status.FINISHED: frozenset({Status.RETURNED}),
    Status.RETURNED: frozenset(),
}

# Statuses in which the legal clock does not run.
CLOCK_STOPPED = frozenset(
    {Status.SUBMITTED_ONLINE, Status.INCOMPLETE_AT_INTAKE, Status.SUPPLEMENT_REQUESTED}
)
TERMINAL = frozenset(status for status, nexts in ALLOWED.items() if not nexts)


class InvalidTransition(Exception):
    """The table does not allow this move."""

    def __init__(self, from_: Status, to: Status) -> None:
        super().__init__(f"{from_} → {to} is not allowed")
        self.from_ = from_
        self.to = to


# Statuses a dossier may go back to when what interrupted it is taken back: a cancelled
# withdrawal request returns to the status the request was made in.
RESUMES: dict[Status, frozenset[Status]] = {
    Status.WITHDRAWAL_REQUESTED: frozenset(
        status for status, nexts in ALLOWED.items() if Status.WITHDRAWAL_REQUESTED in nexts
    ),
}


def check_transition(from_: Status, to: Status, *, resume: bool = False) -> None:
    """Raise ``InvalidTransition`` unless ``from_ → to`` is in the table (or, for ``resume``,
    a return to where the dossier was before ``from_``)."""
    allowed = RESUMES.get(from_, frozenset()) if resume else ALLOWED[from_]
    if to not in allowed:
        raise InvalidTransition(from_, to)


def next_statuses(status: Status) -> frozenset[Status]:
    """What the UI may offer from ``status`` (it asks this table, nothing else)."""
    return ALLOWED[status]

"""Effective-dated rule sets for one-stop handling. Pure data: no ORM.

The legal baseline moves (vn-one-stop-rules.md §0), so every rule that changed between Decree
61/2018 and Decree 118/2025 is a field here, and a dossier keeps the rule set in force when it
was received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class OnSupplement(StrEnum):
    # Decree 61/2018 art. 19.4 and Decree 118/2025: "Thời hạn giải quyết được tính lại từ đầu
    # sau khi nhận đủ hồ sơ" — the processing time restarts from zero.
    RESTART = "restart"
    # The clock only pauses while the applicant supplements (a sector rule may say so).
    PAUSE = "pause"


class CodeFormat(StrEnum):
    CIRCULAR_01_2018 = "tt01-2018"  # <agency>-YYMMDD-XXXX, 4-digit daily sequence (art. 19)
    CIRCULAR_04_2025 = "tt04-2025"  # <agency>-YYMMDD-AAXXXX, sequence of at least 4 digits


class FormSet(StrEnum):
    CIRCULAR_01_2018 = "tt01-2018"  # six forms (art. 9)
    CIRCULAR_03_2025 = "tt03-2025"  # seven forms, incl. the stop notice (appendix I)


class DayCount(StrEnum):
    """How a period or window set in days ("trong N ngày", "15 ngày") is counted."""

    # Civil Code 2015 arts. 147–148: the period starts on the day after the event and ends at
    # the end of its last day (a day off moves it to the end of the next working day); [A] the
    # end of a day is the close of office hours. A window is compared by day, not by hour.
    CIVIL_CODE = "civil_code"
    # N × 24 h (calendar days) or N × the standard working day (working days) from the instant.
    FROM_INSTANT = "from_instant"


@dataclass(frozen=True)
class RuleSet:
    code: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    # How many supplement requests a dossier may receive after intake (None: no limit).
    supplement_limit: int | None
    # The supplement request must go out within this many working days of receipt.
    supplement_within_working_days: int
    on_supplement: OnSupplement
    # Decree 118/2025 art. 19.5: closed when the applicant has not answered after N days.
    close_unanswered_after_days: int | None
    # Decree 118/2025 art. 17.2: online submissions accepted or returned within N working hours.
    online_decision_within_working_hours: int | None
    # The apology goes out at least this many working days before the due time; the
    # appointment may be moved at most ``max_appointment_moves`` times (art. 19.9 / 19.6).
    apology_min_working_days_before: int
    max_appointment_moves: int
    code_format: CodeFormat
    form_set: FormSet
    # Open questions, settled per rule set (docs/dossiers.md "Rule-set options"):
    # how periods and windows set in days are counted.
    day_count: DayCount = DayCount.CIVIL_CODE
    # Decree 61/2018 art. 18.2, Decree 118/2025 art. 18.2: a dossier received after 15:00 goes
    # to the handling unit "vào đầu giờ ngày làm việc tiếp theo". [A] "Đầu giờ" is read as
    # within the first working hour of that day (by 08:30 with the default 07:30 opening).
    transfer_next_day_working_hours: int = 1
    # Whether the time the applicant takes to pay the fees counts against the agency. Neither
    # Decree 61/2018 nor Decree 118/2025 stops the clock for a payment (only a supplement
    # request does: art. 19.4; Decree 118/2025 art. 19.5), so by default it counts. A sector rule
    # that leaves it out (e.g. the applicant's financial obligations in land registration [A: not
    # in shared/domain]) is a rule set with False: the clock pauses from the payment request
    # until the fees are paid.
    payment_time_counts: bool = True
    # Decree 61/2018 art. 19.9, Decree 118/2025 art. 19.6: the apology is written for a dossier
    # "quá hạn giải quyết" and the legal time is not extended by it, so a dossier whose
    # appointment was moved is late (Circular 01/2018 art. 13 indicator 1 compares with the
    # legal time). False: judge it against the new appointment instead.
    late_after_apology: bool = True

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


DECREE_61_2018 = RuleSet(
    code="nd61-2018",
    title="Nghị định 61/2018/NĐ-CP",
    effective_from=dt.date(2018, 6, 21),
    effective_to=dt.date(2025, 7, 1),
    supplement_limit=None,
    supplement_within_working_days=3,
    on_supplement=OnSupplement.RESTART,
    close_unanswered_after_days=None,
    online_decision_within_working_hours=None,
    apology_min_working_days_before=1,
    max_appointment_moves=1,
    code_format=CodeFormat.CIRCULAR_01_2018,
    form_set=FormSet.CIRCULAR_01_2018,
)

# Decree 118/2025 ended Decree 61/2018 on 1/7/2025, but its forms came with Circular
# 03/2025/TT-VPCP, whose date vn-one-stop-rules.md §0 gives as 15/9/2025 [S]: until then the desk
# kept the Circular 01/2018 forms. Two rule sets with the same rules, one per form set, so a
# dossier keeps the forms of the day it was received.
CIRCULAR_03_2025_FROM = dt.date(2025, 9, 15)

DECREE_118_2025_INTERIM = RuleSet(
    code="nd118-2025-tt01",
    title="Nghị định 118/2025/NĐ-CP (biểu mẫu Thông tư 01/2018/TT-VPCP)",
    effective_from=dt.date(2025, 7, 1),
    effective_to=CIRCULAR_03_2025_FROM,
    supplement_limit=1,
    supplement_within_working_days=3,
    on_supplement=OnSupplement.RESTART,
    close_unanswered_after_days=15,
    online_decision_within_working_hours=8,
    apology_min_working_days_before=1,
    max_appointment_moves=1,
    code_format=CodeFormat.CIRCULAR_01_2018,
    form_set=FormSet.CIRCULAR_01_2018,
)

DECREE_118_2025 = RuleSet(
    code="nd118-2025",
    title="Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP",
    effective_from=CIRCULAR_03_2025_FROM,
    effective_to=None,
    supplement_limit=1,  # art. 11.2.c, 16.3, 17.2.a: "chỉ được yêu cầu sửa đổi, bổ sung một lần"
    supplement_within_working_days=3,
    on_supplement=OnSupplement.RESTART,
    close_unanswered_after_days=15,
    online_decision_within_working_hours=8,
    apology_min_working_days_before=1,
    max_appointment_moves=1,
    code_format=CodeFormat.CIRCULAR_01_2018,
    form_set=FormSet.CIRCULAR_03_2025,
)

RULE_SETS: tuple[RuleSet, ...] = (DECREE_61_2018, DECREE_118_2025_INTERIM, DECREE_118_2025)


def ruleset_by_code(code: str) -> RuleSet:
    for ruleset in RULE_SETS:
        if ruleset.code == code:
            return ruleset
    raise KeyError(code)


def ruleset_in_force(day: dt.date) -> RuleSet:
    """The rule set a dossier received on ``day`` keeps for its whole life."""
    for ruleset in RULE_SETS:
        if ruleset.in_force_on(day):
            return ruleset
    raise LookupError(f"no one-stop rule set in force on {day:%d/%m/%Y}")

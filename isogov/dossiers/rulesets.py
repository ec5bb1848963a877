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

DECREE_118_2025 = RuleSet(
    code="nd118-2025",
    title="Nghị định 118/2025/NĐ-CP",
    effective_from=dt.date(2025, 7, 1),
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

RULE_SETS: tuple[RuleSet, ...] = (DECREE_61_2018, DECREE_118_2025)


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

"""A generated dossier's story: how its handling goes (``Fate``, and how often), each action as
the services record it (``Act``), its steps and its whole life (``Story``), and the demo
officers who act (``Actors``). ``history.Simulator`` works a story out; ``rows.py`` writes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from isogov.catalog.intake import IntakePlan, PlannedStep

from ..rulesets import RuleSet
from ..transitions import Status


class Fate(StrEnum):
    """How the dossier's handling goes (``FATES`` gives how often)."""

    ON_TIME = "on_time"
    LATE = "late"  # the last step overruns the legal time
    SUPPLEMENT = "supplement"  # form 02 after the desk, the clock restarts on the full dossier
    APOLOGY = "apology"  # form 04: a new appointment, finished after the old one
    WITHDRAWN = "withdrawn"  # the applicant asks to stop; the desk stops it


# [A] Not a legal figure: shares chosen so that about 5 % of finished dossiers are late (the late
# ones and the apologies, which count as late: Decree 61/2018 art. 19.9).
FATES: tuple[tuple[Fate, float], ...] = (
    (Fate.ON_TIME, 0.865),
    (Fate.LATE, 0.035),
    (Fate.SUPPLEMENT, 0.06),
    (Fate.APOLOGY, 0.02),
    (Fate.WITHDRAWN, 0.02),
)

SUPPLEMENT_REASON = "Thiếu bản sao giấy phép xuất bản của sản phẩm đề nghị cấp CFS"
SUPPLEMENT_ITEMS = ["Bản sao giấy phép xuất bản (có chứng thực)"]
APOLOGY_REASON = "Chờ ý kiến phối hợp của Sở Văn hóa, Thể thao và Du lịch"
WITHDRAWAL_REASON = "Người nộp hồ sơ đề nghị rút hồ sơ để bổ sung thông tin"


@dataclass(slots=True)
class Act:
    """One action as the services record it: a timeline line (and its status move)."""

    at: dt.datetime
    actor_id: int | None
    action: str
    from_status: str = ""
    to_status: str = ""
    message: str = ""
    data: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class StepState:
    planned: PlannedStep
    received_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    finished_by: int | None = None
    outcome: str = ""
    late_by_seconds: int = 0
    updated_at: dt.datetime | None = None


@dataclass(slots=True)
class Story:
    """A dossier's whole life up to the generator's ``until``."""

    received_at: dt.datetime
    plan: IntakePlan
    ruleset: RuleSet
    fate: Fate
    status: str = Status.RECEIVED
    start_counted_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    promised_due_at: dt.datetime | None = None
    service_due_at: dt.datetime | None = None
    waiting_seconds: int = 0
    steps: list[StepState] = field(default_factory=list)
    current: int = 0  # index of the current step
    handling_unit_id: int | None = None
    acts: list[Act] = field(default_factory=list)
    stop: tuple[dt.datetime, dt.datetime | None] | None = None  # supplement request
    extension: tuple[dt.datetime, dt.datetime, dt.datetime] | None = None  # at, previous, new
    stopped_at: dt.datetime | None = None  # withdrawal: the stop notice (numbered)
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    result_approved_at: dt.datetime | None = None
    result_recorded: bool = False
    outcome: str = ""
    late_by_seconds: int = 0
    version: int = 1
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class Actors:
    """The demo officers' user ids: the desk, and who does each step of each process."""

    desk: int
    record: int
    approve: int
    by_step: dict[tuple[int, int], int]  # (version id, step order) → user id

    def step(self, plan: IntakePlan, step: PlannedStep) -> int:
        return self.by_step.get((plan.version_id, step.order), self.desk)

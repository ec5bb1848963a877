"""What the desk needs to receive a dossier, read once and kept in memory (the intake plan).

Receiving a dossier needs the procedure's version in force, the channel with its legal time,
the required papers, the fees, the internal process with its steps, and the agency's units.
Reading all that through the ORM costs more than everything else an intake does, and it
changes a few times a year, so each process keeps it in memory (ADR 0005).

The plans are keyed by the catalogue's *stamp*: a random token that the database itself
replaces whenever a row of a table the plan is read from is inserted, updated or deleted
(triggers, ``stamps.py``), whoever writes it: a service, the admin, an import, raw SQL.
Every lookup reads the stamp (one indexed single-row query); a new stamp drops every plan.
Because the token is random, a rolled-back change can never make an old plan look current.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal

from isogov.accounts.models import Agency, Unit
from isogov.accounts.roles import Role
from isogov.core.sql import fetch_one
from isogov.core.text import fold_vietnamese

from .models import AgencyProcedure, AllowanceUnit, CatalogStamp, ProcedureVersion, ProcessStep
from .selectors import _local_date, version_in_force, version_process

MAX_PLANS = 4096


class IntakePlanError(Exception):
    """The procedure cannot be received: ``reason`` is ``not_assigned``, ``no_version`` or
    ``no_channel``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PlannedPaper:
    name: str
    folded: str
    is_required: bool


@dataclass(frozen=True, slots=True)
class PlannedFee:
    name: str
    amount_vnd: int | None
    note: str


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A process step with the agency's unit that does it already found."""

    order: int
    name: str
    unit_id: int | None
    unit_label: str
    allowance_value: Decimal
    allowance_unit: str
    is_counted: bool
    # The role that does the step in its unit ("" = any officer of the unit).
    role: str = ""


@dataclass(frozen=True, slots=True)
class IntakePlan:
    procedure_code: str
    version_id: int
    version_name: str
    channel_id: int
    channel_kind: str
    time_value: Decimal
    time_unit: str
    papers: tuple[PlannedPaper, ...]
    fees: tuple[PlannedFee, ...]
    steps: tuple[PlannedStep, ...]  # empty: the version has no internal process
    # The agency's own, shorter time for the procedure, if it promised one.
    promise_value: Decimal | None = None
    promise_unit: str = AllowanceUnit.WORKING_DAYS

    def missing_papers(self, given_names: list[str]) -> list[str]:
        """The required papers whose name (ignoring diacritics and case) is not given."""
        given = {fold_vietnamese(name) for name in given_names}
        return [p.name for p in self.papers if p.is_required and p.folded not in given]


_plans: dict[tuple[object, ...], IntakePlan] = {}
_plans_stamp: str | None = None
_lock = threading.Lock()


def catalog_stamp() -> str | None:
    """The current stamp, or ``None`` when its row is missing (just after a flush)."""
    row = fetch_one(f"SELECT value FROM {CatalogStamp._meta.db_table} WHERE id = 1")  # noqa: S608
    return str(row[0]) if row else None


def _cached(key: tuple[object, ...]) -> tuple[str | None, IntakePlan | None]:
    global _plans_stamp
    stamp = catalog_stamp()
    with _lock:
        if stamp != _plans_stamp:
            _plans.clear()
            _plans_stamp = stamp
        return stamp, _plans.get(key) if stamp is not None else None


def _keep(stamp: str | None, key: tuple[object, ...], plan: IntakePlan) -> None:
    if stamp is None:
        return
    with _lock:
        if stamp != _plans_stamp:
            return
        if len(_plans) >= MAX_PLANS:
            _plans.clear()
        _plans[key] = plan


def _step_unit(
    step: ProcessStep, agency_id: int, units: list[Unit], in_charge: Unit | None
) -> Unit | None:
    """The unit of the agency that does a process step.

    A process may be shared by several agencies (Circular 26/2014 art. 41.6), so a step names
    its unit by label or role; the agency's own unit is found from them.
    """
    if step.unit is not None and step.unit.agency_id == agency_id:
        return step.unit
    if step.role == Role.ONE_STOP_OFFICER:
        return next((unit for unit in units if unit.is_one_stop), None)
    by_name = next((unit for unit in units if unit.name == step.unit_label), None)
    if by_name is not None:
        return by_name
    if step.role in (Role.SPECIALIST, Role.UNIT_HEAD, ""):
        return in_charge
    return None


def _build(
    agency_id: int, version: ProcedureVersion, channel_kind: str, assignment: AgencyProcedure | None
) -> IntakePlan:
    channel = version.channels.filter(kind=channel_kind).first()
    if channel is None:
        raise IntakePlanError("no_channel")
    units = list(Unit.objects.filter(agency_id=agency_id, is_active=True))
    in_charge = assignment.unit if assignment else None
    process = version_process(version=version)
    steps: list[PlannedStep] = []
    for step in process.steps.all() if process is not None else []:
        unit = _step_unit(step, agency_id, units, in_charge)
        steps.append(
            PlannedStep(
                order=step.order,
                name=step.name,
                unit_id=unit.pk if unit else None,
                unit_label=step.unit_label or (unit.name if unit else ""),
                allowance_value=step.allowance_value,
                allowance_unit=step.allowance_unit,
                is_counted=step.is_counted,
                role=step.role,
            )
        )
    steps.sort(key=lambda s: s.order)
    return IntakePlan(
        procedure_code=version.procedure.code,
        version_id=version.pk,
        version_name=version.name,
        channel_id=channel.pk,
        channel_kind=channel.kind,
        time_value=channel.time_value,
        time_unit=channel.time_unit,
        papers=tuple(
            PlannedPaper(name=p.name, folded=fold_vietnamese(p.name), is_required=p.is_required)
            for p in version.papers.order_by("order", "id")
        ),
        fees=tuple(
            PlannedFee(name=f.name, amount_vnd=f.amount_vnd, note=f.note)
            for f in version.fees.order_by("order", "id")
            if f.channel_id in (None, channel.pk)
        ),
        steps=tuple(steps),
        promise_value=assignment.promise_value if assignment else None,
        promise_unit=assignment.promise_unit if assignment else AllowanceUnit.WORKING_DAYS,
    )


def intake_plan(
    *, agency: Agency, procedure_code: str, channel_kind: str, at: dt.datetime
) -> IntakePlan:
    """The plan for receiving ``procedure_code`` by ``channel_kind`` at ``agency`` at ``at``:
    the version in force on that Vietnam date. ``IntakePlanError`` says why there is none.
    """
    key = ("code", agency.pk, procedure_code, channel_kind, _local_date(at))
    stamp, plan = _cached(key)
    if plan is not None:
        return plan
    assignment = (
        AgencyProcedure.objects.filter(
            agency=agency, procedure__code=procedure_code, is_active=True
        )
        .select_related("procedure", "unit")
        .first()
    )
    if assignment is None:
        raise IntakePlanError("not_assigned")
    version = version_in_force(procedure=assignment.procedure, at=at)
    if version is None:
        raise IntakePlanError("no_version")
    version.procedure = assignment.procedure  # already read: no second query
    plan = _build(agency.pk, version, channel_kind, assignment)
    _keep(stamp, key, plan)
    return plan


def intake_plan_for_version(*, agency: Agency, version_id: int, channel_kind: str) -> IntakePlan:
    """The plan of a pinned version (a dossier submitted online and received later)."""
    key = ("version", agency.pk, version_id, channel_kind)
    stamp, plan = _cached(key)
    if plan is not None:
        return plan
    version = ProcedureVersion.objects.select_related("procedure").get(pk=version_id)
    assignment = (
        AgencyProcedure.objects.filter(agency=agency, procedure_id=version.procedure_id)
        .select_related("unit")
        .first()
    )
    plan = _build(agency.pk, version, channel_kind, assignment)
    _keep(stamp, key, plan)
    return plan

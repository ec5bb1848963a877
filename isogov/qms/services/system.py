"""Scope, policy, steering committee, context, records and quality objectives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, Unit, User
from isogov.catalog.models import Procedure
from isogov.core import clock
from isogov.core.errors import full_clean_or_fail

from ..clauses import CLAUSE_NUMBERS
from ..measures import is_measure, measure_value
from ..models import (
    ContextIssue,
    Direction,
    ObjectiveMeasurement,
    ObjectivePlanItem,
    QmsRecord,
    QmsScope,
    QualityObjective,
    QualityPolicy,
    SteeringMember,
)
from ..rules import measurement_status, period_bounds
from ._common import fail, record, require_manager

UNKNOWN_CLAUSE = _("“%(clause)s” is not a clause of ISO 9001:2015 (4.1 to 10.3).")
EMPTY_POLICY = _("The policy has no text.")
UNKNOWN_MEASURE = _("“%(code)s” is not a measure of the indicators registry.")


@transaction.atomic
def scope_set(
    *,
    actor: User,
    agency: Agency,
    statement: str,
    procedures: list[Procedure],
    units: list[Unit],
    exclusions: str = "",
) -> QmsScope:
    """Set the QMS scope; a change of the procedures covered asks for a re-announcement."""
    require_manager(actor=actor, agency=agency)
    if not statement.strip():
        raise fail("statement", _("The scope statement is empty."))
    scope = QmsScope.objects.select_for_update().filter(agency=agency).first()
    before = set(scope.procedures.values_list("pk", flat=True)) if scope else None
    if scope is None:
        scope = QmsScope(agency=agency)
    scope.statement = statement.strip()
    scope.exclusions = exclusions
    scope.approved_on = clock.today()
    # Decision 19/2014 ([A] article not confirmed): a changed scope must be announced again.
    after = {p.pk for p in procedures}
    if before is not None and before != after:
        scope.needs_reannouncement = True
    if scope.pk:
        scope.version += 1
    scope.save()
    scope.procedures.set(procedures)
    scope.units.set(units)
    record(actor=actor, action="scope.set", target=scope, agency=agency, procedures=len(after))
    return scope


@transaction.atomic
def policy_publish(*, actor: User, agency: Agency, text: str) -> QualityPolicy:
    """Publish a new version of the quality policy, signed by the leader who publishes it."""
    from isogov.accounts.selectors import user_has_role
    from isogov.core.errors import PermissionDenied

    from ._common import LEADERS, NOT_A_MANAGER

    if not user_has_role(user=actor, roles=LEADERS, agency=agency):
        raise PermissionDenied(NOT_A_MANAGER)
    if not text.strip():
        raise fail("text", EMPTY_POLICY)
    last = QualityPolicy.objects.filter(agency=agency).order_by("-number").first()
    policy = QualityPolicy.objects.create(
        agency=agency,
        number=(last.number + 1) if last else 1,
        text=text.strip(),
        signed_by=actor,
        published_on=clock.today(),
    )
    record(actor=actor, action="policy.publish", target=policy, agency=agency)
    return policy


@transaction.atomic
def steering_member_add(
    *, actor: User, agency: Agency, user: User, position: str, decision: str = ""
) -> SteeringMember:
    require_manager(actor=actor, agency=agency)
    member = SteeringMember(
        agency=agency, user=user, position=position, decision=decision, appointed_on=clock.today()
    )
    full_clean_or_fail(member)
    member.save()
    record(actor=actor, action="steering.add", target=member, agency=agency)
    return member


@transaction.atomic
def context_issue_add(
    *, actor: User, agency: Agency, kind: str, title: str, requirements: str = ""
) -> ContextIssue:
    require_manager(actor=actor, agency=agency)
    issue = ContextIssue(
        agency=agency,
        kind=kind,
        title=title,
        requirements=requirements,
        reviewed_on=clock.today(),
    )
    full_clean_or_fail(issue)
    issue.save()
    record(actor=actor, action="context.add", target=issue, agency=agency)
    return issue


@transaction.atomic
def qms_record_add(
    *, actor: User, agency: Agency, clause: str, title: str, note: str = ""
) -> QmsRecord:
    """A lightweight record for a clause (a training, a survey, an improvement…)."""
    require_manager(actor=actor, agency=agency)
    if clause not in CLAUSE_NUMBERS:
        raise fail("clause", UNKNOWN_CLAUSE, clause=clause)
    entry = QmsRecord(
        agency=agency, clause=clause, title=title, owner=actor, recorded_on=clock.today(), note=note
    )
    full_clean_or_fail(entry)
    entry.save()
    record(actor=actor, action="record.add", target=entry, agency=agency, clause=clause)
    return entry


@transaction.atomic
def objective_create(
    *,
    actor: User,
    agency: Agency,
    year: int,
    title: str,
    target: Decimal,
    direction: str,
    frequency: str,
    owner: User,
    measure_code: str = "",
    unit: Unit | None = None,
) -> QualityObjective:
    """A quality objective: a registry measure (or manual entry), a target, a direction."""
    require_manager(actor=actor, agency=agency)
    if measure_code and not is_measure(measure_code):
        raise fail("measure_code", UNKNOWN_MEASURE, code=measure_code)
    objective = QualityObjective(
        agency=agency,
        year=year,
        title=title,
        target=target,
        direction=direction,
        frequency=frequency,
        owner=owner,
        measure_code=measure_code,
        unit=unit,
    )
    full_clean_or_fail(objective)
    objective.save()
    record(actor=actor, action="objective.create", target=objective, agency=agency)
    return objective


@transaction.atomic
def objective_plan_add(
    *,
    actor: User,
    objective: QualityObjective,
    what: str,
    who: User,
    due_on: dt.date,
    resources: str = "",
    evaluation: str = "",
) -> ObjectivePlanItem:
    require_manager(actor=actor, agency=objective.agency)
    item = ObjectivePlanItem(
        objective=objective,
        what=what,
        who=who,
        due_on=due_on,
        resources=resources,
        evaluation=evaluation,
    )
    full_clean_or_fail(item)
    item.save()
    record(actor=actor, action="objective.plan", target=item, agency=objective.agency)
    return item


def _status(objective: QualityObjective, value: Decimal | None) -> str:
    return measurement_status(
        value=value,
        target=objective.target,
        higher_is_better=objective.direction == Direction.HIGHER,
        margin=Decimal(str(getattr(settings, "ISOGOV_QMS_AT_RISK_MARGIN", 2))),
    )


@transaction.atomic
def objective_measure(*, objective: QualityObjective, day: dt.date) -> ObjectiveMeasurement | None:
    """Fill (or refresh) the period containing ``day`` from the indicators registry."""
    if not objective.measure_code:
        return None
    start, end = period_bounds(objective.frequency, day)
    measured = measure_value(
        code=objective.measure_code,
        agency=objective.agency,
        unit=objective.unit,
        date_from=start,
        date_to=min(end, day),
    )
    row, _created = ObjectiveMeasurement.objects.update_or_create(
        objective=objective,
        period_start=start,
        defaults={
            "period_end": end,
            "numerator": measured.numerator,
            "denominator": measured.denominator,
            "value": measured.value,
            "status": _status(objective, measured.value),
            "is_manual": False,
        },
    )
    record(actor=None, action="objective.measure", target=row, agency=objective.agency)
    return row


@transaction.atomic
def objective_enter_value(
    *, actor: User, objective: QualityObjective, day: dt.date, value: Decimal
) -> ObjectiveMeasurement:
    """A value entered by hand for an objective with no registry measure."""
    require_manager(actor=actor, agency=objective.agency)
    if objective.measure_code:
        raise fail("value", _("This objective is measured from the indicators registry."))
    start, end = period_bounds(objective.frequency, day)
    row, _created = ObjectiveMeasurement.objects.update_or_create(
        objective=objective,
        period_start=start,
        defaults={
            "period_end": end,
            "value": value,
            "status": _status(objective, value),
            "is_manual": True,
        },
    )
    record(actor=actor, action="objective.enter", target=row, agency=objective.agency)
    return row

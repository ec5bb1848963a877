"""Risks and opportunities (§6.1): register, matrix lookup, treatment, the owner's approval."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, User
from isogov.catalog.models import InternalProcess, Procedure
from isogov.core import clock
from isogov.core.errors import ConflictError, PermissionDenied, check_version, full_clean_or_fail

from ..models import Risk, RiskAction, RiskKind, RiskMatrix, RiskStatus, Treatment
from ..rules import default_matrix, matrix_level
from ._common import fail, record, require_manager

OFF_THE_GRID = _("The score must be between 1 and %(size)s.")
ACCEPT_NEEDS_EXPIRY = _("An accepted risk needs the date its acceptance expires.")
PLAN_NEEDS_ACTIONS = _("A %(treatment)s treatment needs at least one action.")
ONLY_OWNER = _("Only the risk owner, %(name)s, may approve its treatment.")
NOTHING_TO_APPROVE = _("There is no treatment plan to approve.")
BAD_TREATMENT = _("Choose a treatment from the list.")


def matrix_for(agency: Agency) -> list[list[str]]:
    """The agency's grid, or the default 5 × 5 one."""
    stored = RiskMatrix.objects.filter(agency=agency).first()
    return stored.levels if stored else default_matrix()


@transaction.atomic
def matrix_set(*, actor: User, agency: Agency, size: int) -> RiskMatrix:
    """Use a grid of another size (3 to 10) for the agency, with the default bands."""
    require_manager(actor=actor, agency=agency)
    if not 3 <= size <= 10:
        raise fail("size", _("The matrix is 3 × 3 to 10 × 10."))
    matrix, _created = RiskMatrix.objects.update_or_create(
        agency=agency, defaults={"size": size, "levels": default_matrix(size)}
    )
    record(actor=actor, action="risk.matrix", target=matrix, agency=agency, size=size)
    return matrix


def _level(agency: Agency, field: str, likelihood: int, impact: int) -> str:
    levels = matrix_for(agency)
    try:
        return matrix_level(levels, likelihood, impact)
    except ValueError as error:
        raise fail(field, OFF_THE_GRID, size=len(levels)) from error


@transaction.atomic
def risk_create(
    *,
    actor: User,
    agency: Agency,
    code: str,
    kind: str,
    title: str,
    owner: User,
    likelihood: int,
    impact: int,
    review_on: dt.date,
    description: str = "",
    process: InternalProcess | None = None,
    procedure: Procedure | None = None,
) -> Risk:
    """Register a risk or an opportunity with its inherent level from the matrix."""
    require_manager(actor=actor, agency=agency)
    _level(agency, "likelihood", likelihood, 1)
    _level(agency, "impact", 1, impact)
    level = _level(agency, "likelihood", likelihood, impact)
    risk = Risk(
        agency=agency,
        code=code,
        kind=kind,
        title=title,
        description=description,
        owner=owner,
        likelihood=likelihood,
        impact=impact,
        inherent_level=level,
        review_on=review_on,
        process=process,
        procedure=procedure,
    )
    full_clean_or_fail(risk)
    risk.save()
    record(actor=actor, action="risk.create", target=risk, agency=agency, level=level)
    return risk


@transaction.atomic
def risk_action_add(
    *, actor: User, risk: Risk, description: str, owner: User, due_on: dt.date
) -> RiskAction:
    require_manager(actor=actor, agency=risk.agency)
    action = RiskAction.objects.create(
        risk=risk, description=description, owner=owner, due_on=due_on
    )
    record(actor=actor, action="risk.action", target=action, agency=risk.agency)
    return action


@transaction.atomic
def risk_plan_treatment(
    *,
    actor: User,
    risk_id: int,
    version: object,
    treatment: str,
    residual_likelihood: int,
    residual_impact: int,
    accepted_until: dt.date | None = None,
) -> Risk:
    """Choose the treatment and the residual level it aims at; the owner then approves it."""
    risk = Risk.objects.select_for_update().select_related("agency").get(pk=risk_id)
    require_manager(actor=actor, agency=risk.agency)
    check_version(stored=risk.version, sent=version)
    if treatment not in Treatment.values:
        raise fail("treatment", BAD_TREATMENT)
    if risk.kind == RiskKind.RISK and treatment == Treatment.EXPLOIT:
        raise fail("treatment", BAD_TREATMENT)
    if treatment == Treatment.ACCEPT and accepted_until is None:
        raise fail("accepted_until", ACCEPT_NEEDS_EXPIRY)
    risk.residual_level = _level(
        risk.agency, "residual_likelihood", residual_likelihood, residual_impact
    )
    risk.treatment = treatment
    risk.residual_likelihood = residual_likelihood
    risk.residual_impact = residual_impact
    risk.accepted_until = accepted_until if treatment == Treatment.ACCEPT else None
    risk.status = RiskStatus.PLANNED
    risk.version += 1
    risk.save()
    record(actor=actor, action="risk.plan", target=risk, agency=risk.agency, treatment=treatment)
    return risk


@transaction.atomic
def risk_approve(*, actor: User, risk_id: int, version: object) -> Risk:
    """The owner approves the treatment plan and residual level; the approval keeps a snapshot."""
    risk = Risk.objects.select_for_update().select_related("agency", "owner").get(pk=risk_id)
    check_version(stored=risk.version, sent=version)
    if risk.owner_id != actor.pk:
        raise PermissionDenied(ONLY_OWNER % {"name": risk.owner.display_name})
    if risk.status != RiskStatus.PLANNED:
        raise ConflictError(NOTHING_TO_APPROVE)
    actions = list(risk.actions.values("description", "owner_id", "due_on"))
    if risk.treatment in (Treatment.MITIGATE, Treatment.TRANSFER) and not actions:
        raise fail("actions", PLAN_NEEDS_ACTIONS, treatment=risk.get_treatment_display())
    risk.approved_snapshot = {
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "inherent_level": risk.inherent_level,
        "treatment": risk.treatment,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "residual_level": risk.residual_level,
        "accepted_until": risk.accepted_until.isoformat() if risk.accepted_until else None,
        "actions": [{**a, "due_on": a["due_on"].isoformat()} for a in actions],
    }
    risk.status = RiskStatus.APPROVED
    risk.approved_by = actor
    risk.approved_at = clock.now()
    risk.version += 1
    risk.save()
    record(actor=actor, action="risk.approve", target=risk, agency=risk.agency)
    return risk

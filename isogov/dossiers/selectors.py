"""Reads of dossiers, scoped to what the user may see (agency → unit → own work)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from isogov.accounts.models import Agency, RoleAssignment, Unit, User
from isogov.accounts.selectors import user_scope
from isogov.catalog.models import ProcedureVersion
from isogov.catalog.selectors import in_force_filter
from isogov.core import clock
from isogov.core.errors import NotFound
from isogov.core.text import search_terms

from .models import CustodyIncident, Dossier, DossierEvent, DossierStep, Payment
from .permissions import Held, step_refusal
from .transitions import CLOCK_STOPPED, TERMINAL, Status

OPEN_STATUSES = [status.value for status in Status if status not in TERMINAL]


def dossier_list(*, user: User) -> QuerySet[Dossier]:
    """Dossiers of the agencies the user may see."""
    scope = user_scope(user=user)
    qs = Dossier.objects.select_related("agency", "current_step", "handling_unit")
    if scope.is_global:
        return qs
    return qs.filter(agency_id__in=scope.agency_ids)


def _code_or_reference(value: str) -> Q:
    # An online submission keeps its tracking reference when it gets its code at receipt.
    value = value.strip()
    return Q(code=value) | Q(reference=value) if value else Q(pk__in=[])


def dossier_get(*, user: User, code: str) -> Dossier:
    """One dossier by code (or the reference it had before receipt), if the user may see it;
    otherwise ``NotFound``."""
    dossier = (
        dossier_list(user=user)
        .select_related("procedure_version", "channel", "received_by", "result_approved_by")
        .filter(_code_or_reference(code))
        .first()
    )
    if dossier is None:
        raise NotFound()
    return dossier


def dossier_get_detail(*, user: User, code: str) -> Dossier:
    """``dossier_get`` with its steps, timeline, papers, fees, payments and incidents prefetched.

    A constant number of queries whatever the number of steps or events.
    """
    dossier = dossier_get(user=user, code=code)
    prefetch_related_objects(
        [dossier],
        Prefetch(
            "steps",
            queryset=DossierStep.objects.select_related("unit", "assignee").order_by("order", "id"),
        ),
        Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
        "papers",
        "fees",
        Prefetch("payments", queryset=Payment.objects.select_related("recorded_by")),
        Prefetch("incidents", queryset=CustodyIncident.objects.select_related("paper")),
    )
    return dossier


def dossier_officer_get(*, dossier: Dossier, username: str) -> User | None:
    """An active user holding a role in the dossier's agency, by username (``None`` if none)."""
    return (
        User.objects.filter(
            username=username.strip(),
            is_active=True,
            role_assignments__agency_id=dossier.agency_id,
        )
        .distinct()
        .first()
    )


def dossier_unit_get(*, dossier: Dossier, code: str) -> Unit | None:
    """An active unit of the dossier's agency, by code (``None`` if none)."""
    return Unit.objects.filter(
        agency_id=dossier.agency_id, code=code.strip(), is_active=True
    ).first()


def dossier_officer_choices(*, dossier: Dossier) -> list[tuple[str, str]]:
    """The active officers of the dossier's agency, as (username, name) for a form's list."""
    users = (
        User.objects.filter(is_active=True, role_assignments__agency_id=dossier.agency_id)
        .distinct()
        .order_by("full_name", "username")
    )
    return [(user.username, user.display_name) for user in users]


def dossier_step_officer_choices(*, dossier: Dossier, step: DossierStep) -> list[tuple[str, str]]:
    """The active officers who may be assigned ``step``: those who hold its role in its unit
    (``permissions.step_refusal``, the rule the assignment itself checks), by name."""
    unassigned = DossierStep(role=step.role, unit_id=step.unit_id)
    rows = RoleAssignment.objects.filter(
        agency_id=dossier.agency_id, user__is_active=True
    ).values_list("user_id", "role", "unit_id", "unit__is_one_stop")
    pairs: dict[int, set[tuple[str, int | None]]] = {}
    desks: dict[int, set[int]] = {}
    for user_id, role, unit_id, one_stop in rows:
        pairs.setdefault(user_id, set()).add((role, unit_id))
        if one_stop and unit_id is not None:
            desks.setdefault(user_id, set()).add(unit_id)
    eligible = [
        user_id
        for user_id, held in pairs.items()
        if step_refusal(
            unassigned, Held(user_id, frozenset(held), frozenset(desks.get(user_id, ())))
        )
        is None
    ]
    users = User.objects.filter(pk__in=eligible).order_by("full_name", "username")
    return [(user.username, user.display_name) for user in users]


def dossier_supplement_items(*, dossier: Dossier) -> list[str]:
    """The papers the open supplement request (form 02) asked for."""
    stop = dossier.clock_stops.filter(ended_at__isnull=True).order_by("-started_at").first()
    return [str(item) for item in stop.items] if stop is not None else []


def dossier_unit_choices(*, dossier: Dossier) -> list[tuple[str, str]]:
    """The active units of the dossier's agency, as (code, name) for a form's list."""
    units = Unit.objects.filter(agency_id=dossier.agency_id, is_active=True).order_by("name")
    return [(unit.code, unit.name) for unit in units]


def dossier_search(*, user: User, q: str = "", status: str = "") -> QuerySet[Dossier]:
    """Search by code, applicant name, phone, ID number or procedure (diacritics ignored)."""
    qs = dossier_list(user=user)
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    step: DossierStep | None
    due_at: dt.datetime | None
    urgency: str  # "overdue", "today", "soon", ""


def dossier_queue(*, user: User, limit: int = 200) -> list[QueueRow]:
    """The user's work: open dossiers whose current step is theirs, soonest due first.

    Officers see the steps assigned to them or unassigned in their units; desk officers also
    see online submissions waiting for a decision and results waiting to be returned. A
    constant number of queries whatever the number of dossiers.
    """
    scope = user_scope(user=user)
    qs = (
        dossier_list(user=user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("current_step__unit", "current_step__assignee")
    )
    if not scope.is_global and not scope.has_role("agency_leader"):
        mine = Q(current_step__assignee=user) | Q(
            current_step__assignee__isnull=True, current_step__unit_id__in=scope.unit_ids
        )
        if scope.has_role("one_stop_officer"):
            mine |= Q(
                status__in=[
                    Status.SUBMITTED_ONLINE,
                    Status.INCOMPLETE_AT_INTAKE,
                    Status.FINISHED,
                    Status.REFUSED,
                    Status.WITHDRAWAL_REQUESTED,
                    Status.SUPPLEMENT_REQUESTED,
                ]
            )
            mine |= Q(current_step__unit__is_one_stop=True)
        qs = qs.filter(mine)
    rows = list(qs.order_by("current_step__due_at", "due_at", "id")[:limit])
    now = clock.now()
    today = clock.to_local(now).date()
    soon = now + dt.timedelta(days=2)
    result = []
    for dossier in rows:
        step = dossier.current_step
        # While the clock is stopped the step's due time no longer holds (an online submission
        # still has its own decision deadline, ``intake_due_at``).
        step_due = step.due_at if step is not None and dossier.status not in CLOCK_STOPPED else None
        due = step_due or dossier.intake_due_at
        urgency = ""
        if due is not None:
            if due < now:
                urgency = "overdue"
            elif clock.to_local(due).date() == today:
                urgency = "today"
            elif due <= soon:
                urgency = "soon"
        result.append(QueueRow(dossier, step, due, urgency))
    # Soonest due first (overdue ones lead); rows without a due time last, on both databases.
    result.sort(key=lambda row: (row.due_at is None, row.due_at or now))
    return result


def dossier_register(*, user: User, agency: Agency, year: int, q: str = "") -> QuerySet[Dossier]:
    """The register (sổ theo dõi hồ sơ, form 06/07): received dossiers of one agency-year."""
    qs = dossier_list(user=user).filter(
        agency=agency, register_line__isnull=False, received_at__year=year
    )
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("register_line")


def dossier_lookup_public(*, code: str, phone: str) -> Dossier:
    """The public lookup: a code and the applicant's phone number (second factor)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    dossier = Dossier.objects.filter(_code_or_reference(code)).select_related("agency").first()
    stored = "".join(ch for ch in (dossier.applicant_phone if dossier else "") if ch.isdigit())
    if dossier is None or not digits or stored[-9:] != digits[-9:]:
        raise NotFound()
    return dossier


def intake_procedure_choices(*, agency: Agency) -> list[tuple[str, str]]:
    """The procedures the agency receives, with the name of the version in force today."""
    versions = (
        ProcedureVersion.objects.filter(
            in_force_filter(clock.now()),
            procedure__agencies__agency=agency,
            procedure__agencies__is_active=True,
        )
        .select_related("procedure")
        .order_by("procedure__code", "-effective_from")
    )
    names: dict[str, str] = {}
    for version in versions:
        names.setdefault(version.procedure.code, f"{version.procedure.code} — {version.name}")
    return list(names.items())

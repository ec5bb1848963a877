"""Reads of dossiers, scoped to what the user may see (agency → unit → own work)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from isogov.accounts.models import Agency, Unit, User
from isogov.accounts.selectors import user_scope
from isogov.catalog.models import ProcedureVersion
from isogov.catalog.selectors import in_force_filter
from isogov.core import clock
from isogov.core.errors import NotFound
from isogov.core.text import search_terms

from .models import CustodyIncident, Dossier, DossierEvent, DossierStep, Payment

# The queue's selectors live in ``queues``; they are read from here too.
from .queues import OPEN_STATUSES as OPEN_STATUSES
from .queues import QueueRow as QueueRow
from .queues import dossier_queue as dossier_queue
from .queues import dossier_queue_tabs as dossier_queue_tabs


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

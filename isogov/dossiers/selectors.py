"""Reads of dossiers, scoped to what the user may see (agency → unit → own work)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from isogov.accounts.models import Agency, RoleAssignment, Unit, User
from isogov.accounts.selectors import user_scope
from isogov.catalog.models import ProcedureVersion
from isogov.catalog.selectors import in_force_filter
from isogov.core import clock
from isogov.core.errors import NotFound

from .models import CustodyIncident, Dossier, DossierEvent, DossierStep, Payment
from .permissions import Held, step_refusal

# The queue's selectors live in ``queues``; they are read from here too.
from .queues import OPEN_STATUSES as OPEN_STATUSES
from .queues import QueueRow as QueueRow
from .queues import dossier_queue as dossier_queue
from .queues import dossier_queue_tabs as dossier_queue_tabs
from .register import register_query
from .search import search_filter


def dossier_list(*, user: User) -> QuerySet[Dossier]:
    """Dossiers of the agencies the user may see."""
    scope = user_scope(user=user)
    qs = Dossier.objects.select_related("agency", "current_step", "handling_unit")
    if scope.is_global:
        return qs
    return qs.filter(agency_id__in=scope.agency_ids)


def _code_or_reference(*values: str) -> Q:
    """The dossiers whose code or tracking reference is one of ``values``, through the indexes.

    ``reference <> ''`` (true of any match) names the condition of the partial unique index on
    ``reference``: with it SQLite looks both columns up in their indexes; without it, it scanned
    every dossier of the agency.
    """
    return Q(code__in=values) | (Q(reference__in=values) & ~Q(reference=""))


def _by_code(dossiers: QuerySet[Dossier], value: str) -> Dossier | None:
    """The dossier whose code or reference is ``value``, whatever its letter case.

    People type "000.00.27.h26-…". The code as typed and upper-cased is tried first (an
    indexed lookup, the usual hit); only a miss falls back to a case-insensitive scan.
    """
    value = value.strip()
    if not value:
        return None
    found = dossiers.filter(_code_or_reference(*sorted({value, value.upper()}))).first()
    if found is None:
        found = dossiers.filter(
            Q(code__iexact=value) | (Q(reference__iexact=value) & ~Q(reference=""))
        ).first()
    return found


def dossier_get(*, user: User, code: str) -> Dossier:
    """One dossier by code (or the reference it had before receipt), if the user may see it;
    otherwise ``NotFound``."""
    dossier = _by_code(
        dossier_list(user=user).select_related(
            "procedure_version", "channel", "received_by", "result_approved_by"
        ),
        code,
    )
    if dossier is None:
        raise NotFound()
    return dossier


def dossier_get_brief(*, user: User, code: str) -> Dossier:
    """``dossier_get`` reading only the code: all an action needs before its service locks and
    reads the whole row (``NotFound`` likewise)."""
    dossier = _by_code(dossier_list(user=user).select_related(None).only("code"), code)
    if dossier is None:
        raise NotFound()
    return dossier


def _steps() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=DossierStep.objects.select_related("unit", "assignee").order_by("order", "id"),
    )


def dossier_prefetch_steps(*, dossier: Dossier) -> Dossier:
    """The dossier with its steps (their units and assignees) loaded in one query, unless they
    already are: ``dossier.steps.all()`` then reads them without a query."""
    if "steps" not in getattr(dossier, "_prefetched_objects_cache", {}):
        prefetch_related_objects([dossier], _steps())
    return dossier


def dossier_get_detail(*, user: User, code: str) -> Dossier:
    """``dossier_get`` with its steps, timeline, papers, fees, payments and incidents prefetched.

    A constant number of queries whatever the number of steps or events.
    """
    dossier = dossier_get(user=user, code=code)
    prefetch_related_objects(
        [dossier],
        _steps(),
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
    """Search by code, applicant name, phone, ID number or procedure (diacritics ignored;
    ``search.search_filter`` says which index answers which query)."""
    qs = search_filter(dossier_list(user=user), q)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def dossier_register(
    *, user: User, agency: Agency, year: int, q: str = "", month: int | None = None
) -> QuerySet[Dossier]:
    """The register (sổ theo dõi hồ sơ, form 06/07): received dossiers of one agency-year, or
    of one month of it."""
    return register_query(dossier_list(user=user), agency=agency, year=year, q=q, month=month)


def _second_factor_matches(dossier: Dossier, second: str) -> bool:
    """The applicant's phone number, ID or tax number, or e-mail, as given at submission."""
    second = second.strip()
    if "@" in second:
        # A dossier may carry an e-mail and no phone (applicants.py): the e-mail finds it.
        email = dossier.applicant_email
        return bool(email) and secrets.compare_digest(
            second.casefold().encode(), email.casefold().encode()
        )
    compact = "".join(ch for ch in second if ch.isalnum()).upper()
    id_number = "".join(ch for ch in dossier.applicant_id_number if ch.isalnum()).upper()
    if (
        id_number
        and len(compact) >= 9
        and secrets.compare_digest(compact.encode(), id_number.encode())
    ):
        return True
    digits = "".join(ch for ch in second if ch.isdigit())
    stored = "".join(ch for ch in dossier.applicant_phone if ch.isdigit())
    return (
        len(digits) >= 9
        and bool(stored)
        and secrets.compare_digest(stored[-9:].encode(), digits[-9:].encode())
    )


def dossier_lookup_public(*, code: str, phone: str) -> Dossier:
    """The public lookup: a code and a second factor, the applicant's phone number, ID number
    or e-mail. ``NotFound`` alike for an unknown code and a wrong second factor.

    One indexed read whatever is typed (the code as typed and upper-cased; codes and
    references are stored upper-case): an unknown code costs what a known one does, and a
    public page never scans the table.
    """
    value = code.strip()[:64]
    dossier = (
        Dossier.objects.select_related("agency")
        .filter(_code_or_reference(*sorted({value, value.upper()})))
        .first()
        if value
        else None
    )
    if dossier is None or not _second_factor_matches(dossier, phone):
        raise NotFound()
    return dossier


def dossier_by_access_token(*, token: str) -> Dossier:
    """The dossier an applicant's link (the receipt's QR code) names; ``NotFound`` otherwise."""
    token = token.strip()
    dossier = (
        Dossier.objects.select_related("agency").filter(access_token=token).first()
        if 16 <= len(token) <= 32
        else None
    )
    if dossier is None:
        raise NotFound()
    return dossier


def dossiers_of_contact(*, contact: str, since: dt.datetime) -> QuerySet[Dossier]:
    """The dossiers submitted or received since ``since`` whose applicant gave this e-mail or
    (normalised) phone number: "Hồ sơ của tôi" after the one-time link proved the contact."""
    email = "@" in contact
    match = Q(applicant_email__iexact=contact) if email else Q(applicant_phone=contact)
    return (
        Dossier.objects.filter(match)
        .filter(Q(received_at__gte=since) | Q(received_at__isnull=True, created_at__gte=since))
        .select_related("agency")
        .order_by("-created_at")
    )


def contact_has_dossiers(*, contact: str, since: dt.datetime) -> bool:
    return dossiers_of_contact(contact=contact, since=since).exists()


def procedure_usage(*, agency: Agency, since: dt.datetime, limit: int) -> list[str]:
    """The codes of the agency's most used procedures: the most dossiers received since."""
    rows = (
        Dossier.objects.filter(agency=agency, received_at__gte=since)
        .values("procedure_code")
        .annotate(count=Count("id"))
        .order_by("-count", "procedure_code")[:limit]
    )
    return [row["procedure_code"] for row in rows]


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


def result_released(dossier: Dossier) -> bool:
    """The electronic result may go to the applicant: a signed file, approved for release by the
    leader (ISO 9001 §8.6). The one rule behind every public download of it."""
    return bool(dossier.result_file) and dossier.result_approved_at is not None

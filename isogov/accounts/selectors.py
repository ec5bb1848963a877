"""Reads scoped to what a user may see. Views get agencies, units and users only from here.

"Missing" and "not allowed" are the same answer (``NotFound``), so a user cannot probe for
the existence of another agency's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from isogov.core.errors import NotFound
from isogov.core.sql import fetch_one

from .models import Agency, AgencyPredecessor, ApiKey, ApiToken, RoleAssignment, Unit, User
from .roles import SUBTREE_ROLES, UNIT_SCOPED_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """What one user may see: every agency (admin), some agencies, some units of them."""

    is_global: bool = False
    agency_ids: frozenset[int] = field(default_factory=frozenset)
    # Agencies where the user sees only some units: agency id → unit ids.
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return self.is_global or bool(self.roles.intersection(roles))


def agency_descendant_ids(*, root_ids: set[int]) -> set[int]:
    """The given agencies and every agency below them, at any depth."""
    children: dict[int | None, list[int]] = {}
    for agency_id, parent_id in Agency.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(agency_id)
    seen: set[int] = set()
    stack = list(root_ids)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, []))
    return seen


def user_scope(*, user: User | None) -> Scope:
    """Compute (and cache on the user object) what ``user`` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_isogov_scope", None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user).values("role", "agency_id", "unit_id")
    )
    roles = frozenset(a["role"] for a in assignments)
    if user.is_superuser or Role.SYSTEM_ADMIN in roles:
        scope = Scope(is_global=True, roles=roles | {Role.SYSTEM_ADMIN})
    else:
        agency_ids: set[int] = set()
        subtree_roots: set[int] = set()
        unit_ids: set[int] = set()
        for a in assignments:
            if a["role"] in SUBTREE_ROLES:
                subtree_roots.add(a["agency_id"])
            elif a["role"] in UNIT_SCOPED_ROLES and a["unit_id"] is not None:
                unit_ids.add(a["unit_id"])
            else:
                agency_ids.add(a["agency_id"])
        if subtree_roots:
            agency_ids |= agency_descendant_ids(root_ids=subtree_roots)
        # A unit-scoped role still lets the user see its own agency's shared records.
        unit_agency_ids = set(
            Unit.objects.filter(id__in=unit_ids).values_list("agency_id", flat=True)
        )
        scope = Scope(
            agency_ids=frozenset(agency_ids | unit_agency_ids),
            unit_ids=frozenset(unit_ids),
            roles=roles,
        )
    user._isogov_scope = scope  # type: ignore[attr-defined]
    return scope


def agency_list(*, user: User) -> QuerySet[Agency]:
    """Agencies the user may see."""
    scope = user_scope(user=user)
    qs = Agency.objects.select_related("parent")
    return qs if scope.is_global else qs.filter(id__in=scope.agency_ids)


def agency_get(*, user: User, code: str) -> Agency:
    """One agency by its code, if the user may see it; otherwise ``NotFound``."""
    agency = agency_list(user=user).filter(code=code).first()
    if agency is None:
        raise NotFound()
    return agency


def agency_get_public(*, code: str) -> Agency:
    """An agency for the public pages and API (names and codes are public information)."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound()
    return agency


def unit_list(*, user: User, agency: Agency | None = None) -> QuerySet[Unit]:
    """Units the user may see (optionally of one agency)."""
    scope = user_scope(user=user)
    qs = Unit.objects.select_related("agency")
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs if scope.is_global else qs.filter(agency_id__in=scope.agency_ids)


def user_list(*, user: User) -> QuerySet[User]:
    """Users of the agencies this user may see."""
    scope = user_scope(user=user)
    qs = User.objects.select_related("agency")
    return qs if scope.is_global else qs.filter(agency_id__in=scope.agency_ids)


def user_primary_agency(*, user: User) -> Agency | None:
    """The agency a user works for: their home agency, else the first assignment's."""
    if user.agency_id is not None:
        return user.agency
    assignment = RoleAssignment.objects.filter(user=user).select_related("agency").first()
    return assignment.agency if assignment else None


def user_roles_in(*, user: User, agency: Agency) -> frozenset[str]:
    """The roles ``user`` holds for ``agency`` (every role for a system administrator)."""
    if user_scope(user=user).is_global:
        return frozenset(Role.values)
    return frozenset(
        RoleAssignment.objects.filter(user=user, agency=agency).values_list("role", flat=True)
    )


def user_has_role(*, user: User, roles: frozenset[str] | set[str], agency: Agency) -> bool:
    """Whether the user holds one of ``roles`` for ``agency`` (system administrators do)."""
    scope = user_scope(user=user)
    if scope.is_global:
        return True
    if agency.id not in scope.agency_ids:
        return False
    if not roles:
        return False
    # Checked on every write, so one plain indexed query rather than a compiled queryset.
    wanted = sorted(str(role) for role in roles)
    row = fetch_one(
        f"SELECT 1 FROM {RoleAssignment._meta.db_table} "  # noqa: S608
        "WHERE user_id = %s AND agency_id = %s "
        f"AND role IN ({', '.join(['%s'] * len(wanted))}) LIMIT 1",
        [user.pk, agency.pk, *wanted],
    )
    return row is not None


# --- In-app administration (system administrators only) ------------------------------------


def admin_user_search(*, user: User, query: str = "") -> QuerySet[User]:
    """Users matching ``query`` in the username, full name, e-mail or phone."""
    qs = user_list(user=user).order_by("username")
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
        )
    return qs


def admin_user_get(*, user: User, pk: int) -> User:
    """One user the administrator may see, else ``NotFound``."""
    found = user_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def admin_role_list(*, target: User) -> QuerySet[RoleAssignment]:
    """The roles ``target`` holds, with their agency and unit."""
    return (
        RoleAssignment.objects.filter(user=target)
        .select_related("agency", "unit", "user")
        .order_by("agency__name", "unit__name", "role")
    )


def admin_role_get(*, user: User, pk: int) -> RoleAssignment:
    """One role assignment in an agency the administrator may see, else ``NotFound``."""
    scope = user_scope(user=user)
    qs = RoleAssignment.objects.select_related("agency", "unit", "user")
    if not scope.is_global:
        qs = qs.filter(agency_id__in=scope.agency_ids)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def agency_tree(*, user: User) -> list[tuple[Agency, int]]:
    """The agencies the user may see in tree order, each with its depth (0 for a root)."""
    agencies = list(agency_list(user=user).prefetch_related("predecessors").order_by("name"))
    ids = {a.pk for a in agencies}
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in ids else None
        children.setdefault(parent, []).append(agency)
    rows: list[tuple[Agency, int]] = []
    stack = [(a, 0) for a in reversed(children.get(None, []))]
    while stack:
        agency, depth = stack.pop()
        rows.append((agency, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(agency.pk, [])))
    return rows


def admin_agency_get(*, user: User, pk: int) -> Agency:
    """One agency by id, if the user may see it; otherwise ``NotFound``."""
    found = agency_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def admin_unit_get(*, user: User, pk: int) -> Unit:
    """One unit the administrator may see, else ``NotFound``."""
    found = unit_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def agency_predecessor_list(*, agency: Agency) -> QuerySet[AgencyPredecessor]:
    """The bodies merged into or renamed as ``agency``, oldest first."""
    return AgencyPredecessor.objects.filter(successor=agency).select_related("predecessor")


def agency_predecessor_get(*, user: User, pk: int) -> AgencyPredecessor:
    """One predecessor link of an agency the administrator may see, else ``NotFound``."""
    link = (
        AgencyPredecessor.objects.select_related("successor", "predecessor").filter(pk=pk).first()
    )
    if link is None or not agency_list(user=user).filter(pk=link.successor_id).exists():
        raise NotFound()
    return link


# --- Machine clients' API keys -------------------------------------------------------------


def integration_agencies(*, user: User) -> list[Agency]:
    """Agencies whose API keys and webhooks ``user`` may manage (administrator or leader)."""
    from .roles import INTEGRATION_MANAGERS

    return [
        agency
        for agency in agency_list(user=user).order_by("name")
        if user_has_role(user=user, roles=INTEGRATION_MANAGERS, agency=agency)
    ]


def api_key_list(*, user: User) -> QuerySet[ApiKey]:
    """The API keys of the agencies ``user`` manages, newest first."""
    ids = [agency.pk for agency in integration_agencies(user=user)]
    return ApiKey.objects.filter(agency_id__in=ids).select_related(
        "agency", "created_by", "revoked_by"
    )


def api_key_get(*, user: User, pk: int) -> ApiKey:
    """One key of an agency ``user`` manages, else ``NotFound``."""
    found = api_key_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens that have not expired, newest first."""
    from django.utils import timezone

    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at")

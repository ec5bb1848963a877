"""Reads of the feedback app, scoped to who asks: the agency's staff, or a citizen's token.

The indicators app reads ratings and items only through ``feedback_facts`` and
``rating_counts``; the QMS reads late answers through ``feedback_late_list``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from isogov.accounts.models import Agency, RoleAssignment, Unit, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_scope
from isogov.core import clock
from isogov.core.errors import NotFound
from isogov.core.text import fold_vietnamese
from isogov.dossiers.models import Dossier, DossierStep
from isogov.dossiers.transitions import Status as DossierStatus

from .deadlines import DEFAULT_DAYS, DeadlineDays, Facts, is_on_time
from .models import FeedbackItem, FeedbackSetting, Rating, RatingChannel
from .transitions import FeedbackStatus, Party

# The agency-wide people of an item (Party.COORDINATOR) and the routed unit's (Party.HANDLER).
COORDINATOR_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.AGENCY_LEADER, Role.ISO_SECRETARY})
HANDLER_ROLES = frozenset({Role.UNIT_HEAD, Role.SPECIALIST})
# Who may run the counter tablet (rates the officer at the desk).
KIOSK_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.AGENCY_LEADER})


def deadline_days_on(day: dt.date) -> DeadlineDays:
    """The deadlines (working days) in force on ``day``: for each key the latest setting whose
    ``effective_from`` ≤ ``day``, else its first one, else the default of indicator 5.2."""
    values: dict[str, int] = dict(DEFAULT_DAYS)
    seen: set[str] = set()
    rows = FeedbackSetting.objects.order_by("key", "effective_from").values_list(
        "key", "effective_from", "value"
    )
    for key, effective_from, value in rows:
        if key in values and (key not in seen or effective_from <= day):
            values[key] = value
            seen.add(key)
    return DeadlineDays(**values)


def parties_of(*, user: User | None, item: FeedbackItem) -> frozenset[Party]:
    """Where ``user`` stands on ``item`` (a system administrator, as such, nowhere)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    parties: set[Party] = set()
    for role, unit_id in RoleAssignment.objects.filter(
        user=user, agency_id=item.agency_id
    ).values_list("role", "unit_id"):
        if role in COORDINATOR_ROLES:
            parties.add(Party.COORDINATOR)
        if role in HANDLER_ROLES and item.unit_id is not None and unit_id == item.unit_id:
            parties.add(Party.HANDLER)
    return frozenset(parties)


def _visible(user: User) -> Q:
    """Items a staff member sees: every item of an agency where they coordinate, and the items
    routed to their unit."""
    coordinated = RoleAssignment.objects.filter(user=user, role__in=COORDINATOR_ROLES).values(
        "agency_id"
    )
    units = RoleAssignment.objects.filter(
        user=user, role__in=HANDLER_ROLES, unit__isnull=False
    ).values("unit_id")
    return Q(agency_id__in=coordinated) | Q(unit_id__in=units)


def feedback_agencies(*, user: User) -> QuerySet[Agency]:
    """The agencies whose feedback queue ``user`` works on."""
    if user_scope(user=user).is_global:
        return Agency.objects.all()
    ids = RoleAssignment.objects.filter(
        user=user, role__in=COORDINATOR_ROLES | HANDLER_ROLES
    ).values("agency_id")
    return Agency.objects.filter(id__in=ids)


def feedback_list(
    *,
    user: User,
    agency: Agency | None = None,
    status: str = "",
    kind: str = "",
    unit_id: int | None = None,
    late_only: bool = False,
    query: str = "",
) -> QuerySet[FeedbackItem]:
    """The items ``user`` may see, filtered, oldest due first."""
    qs = FeedbackItem.objects.select_related("agency", "unit", "officer")
    if not user_scope(user=user).is_global:
        qs = qs.filter(_visible(user))
    if agency is not None:
        qs = qs.filter(agency=agency)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if late_only:
        now = clock.now()
        qs = qs.filter(
            Q(answered_at__isnull=True, refused_at__isnull=True, answer_due_at__lt=now)
            & ~Q(status=FeedbackStatus.INFO_REQUESTED)
        )
    for term in fold_vietnamese(query).split():
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("answer_due_at", "pk")


def feedback_get(*, user: User, code: str) -> FeedbackItem:
    """One item by code, if ``user`` may see it; otherwise ``NotFound``."""
    item = feedback_list(user=user).filter(code=code).first()
    if item is None:
        raise NotFound()
    return item


def feedback_get_by_token(*, token: str) -> FeedbackItem:
    """The submitter's view of an item: its token is the only key."""
    item = (
        FeedbackItem.objects.select_related("agency", "unit").filter(token=token).first()
        if token
        else None
    )
    if item is None:
        raise NotFound()
    return item


def feedback_get_public(*, code: str) -> FeedbackItem:
    """An item found by its code alone: the public page shows only its progress."""
    item = FeedbackItem.objects.select_related("agency").filter(code=code.strip().upper()).first()
    if item is None:
        raise NotFound()
    return item


def feedback_published_list(*, agency: Agency | None = None) -> QuerySet[FeedbackItem]:
    """Published answers (the public questions and answers page), newest first."""
    qs = FeedbackItem.objects.select_related("agency").filter(
        status=FeedbackStatus.PUBLISHED, consent_publish=True
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("-published_at")


def unit_choices(*, agency: Agency) -> QuerySet[Unit]:
    return Unit.objects.filter(agency=agency, is_active=True).order_by("name")


def staff_choices(*, agency: Agency) -> QuerySet[User]:
    """The agency's active officers (an officer concerned, the officer at the desk)."""
    return (
        User.objects.filter(Q(agency=agency) | Q(role_assignments__agency=agency), is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


def rating_open(dossier: Dossier) -> bool:
    """A dossier's rating link takes a rating once its result has been returned (the one rule
    behind the rating page and ``services.rating_submit``)."""
    return dossier.status == DossierStatus.RETURNED


@dataclass(frozen=True)
class RatingPage:
    """What the rating link shows: the dossier its token belongs to (by its code and procedure
    only) and its token rating, None until invited or rated."""

    dossier: Dossier
    rating: Rating | None

    @property
    def is_returned(self) -> bool:
        return rating_open(self.dossier)


def rating_page_by_token(*, token: str) -> RatingPage:
    dossier = (
        Dossier.objects.select_related("agency").filter(rating_token=token).first()
        if token
        else None
    )
    if dossier is None:
        raise NotFound()
    rating = Rating.objects.filter(dossier=dossier, channel=RatingChannel.TOKEN).first()
    return RatingPage(dossier=dossier, rating=rating)


# --- Reads for the indicators and the QMS ---------------------------------------------------


@dataclass(frozen=True)
class ItemFacts:
    code: str
    classified: bool
    on_time: bool
    dissatisfied: bool
    repeated: bool
    dossier_id: int | None


def _scoped_items(
    agency: Agency,
    *,
    unit: Unit | None = None,
    officer: User | None = None,
    procedure_id: int | None = None,
    sector_id: int | None = None,
) -> QuerySet[FeedbackItem]:
    qs = FeedbackItem.objects.filter(agency=agency)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if officer is not None:
        qs = qs.filter(officer=officer)
    if procedure_id is not None:
        qs = qs.filter(dossier__procedure_version__procedure_id=procedure_id)
    if sector_id is not None:
        qs = qs.filter(dossier__procedure_version__procedure__sector_id=sector_id)
    return qs


def feedback_facts(
    *,
    agency: Agency,
    start: dt.datetime,
    end: dt.datetime,
    cutoff: dt.datetime,
    unit: Unit | None = None,
    officer: User | None = None,
    procedure_id: int | None = None,
    sector_id: int | None = None,
) -> list[ItemFacts]:
    """The items received in [start, end) with what indicators 5.1–5.3 ask of each; unfinished
    items are judged at ``cutoff``."""
    qs = _scoped_items(
        agency, unit=unit, officer=officer, procedure_id=procedure_id, sector_id=sector_id
    ).filter(received_at__gte=start, received_at__lt=end)
    result = []
    for item in qs.order_by("code"):
        facts = Facts(
            refused_at=item.refused_at,
            refuse_due_at=item.refuse_due_at,
            info_requested_at=item.info_requested_at,
            info_due_at=item.info_due_at,
            answered_at=item.answered_at,
            answer_due_at=item.answer_due_at,
            consent_publish=item.consent_publish,
            published_at=item.published_at,
            publish_due_at=item.publish_due_at,
            waiting_for_submitter=item.status == FeedbackStatus.INFO_REQUESTED,
        )
        result.append(
            ItemFacts(
                code=item.code,
                classified=bool(item.kind),
                on_time=is_on_time(facts, cutoff=cutoff),
                dissatisfied=item.answer_rating == "dissatisfied",
                repeated=item.is_repeat,
                dossier_id=item.dossier_id,
            )
        )
    return result


def dossier_disliked() -> Q:
    """A filter on dossiers: those with a feedback item or a dissatisfied rating through their
    own link (the "dislike" of indicator 5.4; counter-tablet ratings are left out: lower
    trust). Used inside the reader's own dossier query, so no list of ids travels."""
    items = FeedbackItem.objects.filter(dossier_id=OuterRef("pk"))
    disliked = Rating.objects.filter(
        dossier_id=OuterRef("pk"), channel=RatingChannel.TOKEN, overall="dissatisfied"
    )
    return Q(Exists(items)) | Q(Exists(disliked))


def feedback_present(
    *,
    agency: Agency,
    start: dt.datetime,
    end: dt.datetime,
    unit: Unit | None = None,
    officer: User | None = None,
    procedure_id: int | None = None,
    sector_id: int | None = None,
) -> tuple[bool, bool]:
    """Whether any item was received, and any token rating given, in [start, end): one query."""
    narrowing: dict[str, Any] = {
        "unit": unit,
        "officer": officer,
        "procedure_id": procedure_id,
        "sector_id": sector_id,
    }
    items = _scoped_items(agency, **narrowing).filter(received_at__gte=start, received_at__lt=end)
    ratings = _scoped_ratings(agency, channel=RatingChannel.TOKEN, **narrowing).filter(
        rated_at__gte=start, rated_at__lt=end
    )
    row = (
        Agency.objects.filter(pk=agency.pk)
        .annotate(has_items=Exists(items), has_ratings=Exists(ratings))
        .values_list("has_items", "has_ratings")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def _scoped_ratings(
    agency: Agency,
    *,
    channel: str,
    unit: Unit | None = None,
    officer: User | None = None,
    procedure_id: int | None = None,
    sector_id: int | None = None,
) -> QuerySet[Rating]:
    qs = Rating.objects.filter(agency=agency, channel=channel)
    if officer is not None:
        qs = qs.filter(officer=officer)
    if unit is not None:
        qs = qs.filter(
            Exists(DossierStep.objects.filter(dossier_id=OuterRef("dossier_id"), unit=unit))
            | Exists(RoleAssignment.objects.filter(user_id=OuterRef("officer_id"), unit=unit))
        )
    if procedure_id is not None:
        qs = qs.filter(dossier__procedure_version__procedure_id=procedure_id)
    if sector_id is not None:
        qs = qs.filter(dossier__procedure_version__procedure__sector_id=sector_id)
    return qs


def rating_answers(
    *,
    agency: Agency,
    start: dt.datetime,
    end: dt.datetime,
    channel: str,
    unit: Unit | None = None,
    officer: User | None = None,
    procedure_id: int | None = None,
    sector_id: int | None = None,
) -> list[dict[str, str]]:
    """The answers (criterion → level) of the ratings given in [start, end) on one channel."""
    qs = _scoped_ratings(
        agency,
        channel=channel,
        unit=unit,
        officer=officer,
        procedure_id=procedure_id,
        sector_id=sector_id,
    ).filter(rated_at__gte=start, rated_at__lt=end)
    fields = (
        "overall",
        "information",
        "attitude",
        "lawfulness",
        "complaint_handling",
        "online_service",
    )
    return list(qs.values(*fields))


def feedback_late_list(*, agency: Agency, since: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """Items answered late, or still unanswered past their answer deadline, received since
    ``since``: (code, when the deadline passed)."""
    now = clock.now()
    rows = FeedbackItem.objects.filter(agency=agency, received_at__gte=since).filter(
        Q(answered_at__isnull=False, answered_at__gt=F("answer_due_at"))
        | Q(
            answered_at__isnull=True,
            refused_at__isnull=True,
            answer_due_at__lt=now,
        )
        & ~Q(status=FeedbackStatus.INFO_REQUESTED)
    )
    return list(rows.order_by("code").values_list("code", "answer_due_at"))

"""Reads for online submission (docs/online-submission.md): what may be submitted online, the
drafts and dossiers an applicant reaches by their link (token)."""

from __future__ import annotations

from dataclasses import dataclass

from isogov.accounts.models import Agency
from isogov.catalog.intake import IntakePlan, IntakePlanError, intake_plan
from isogov.catalog.models import AgencyProcedure, ChannelKind, ProcedureVersion
from isogov.catalog.selectors import in_force_filter
from isogov.core import clock
from isogov.core.errors import NotFound

from .models import Dossier, DossierEvent, OnlineDraft
from .transitions import Status

# The channels an applicant uses from the portal, the fuller one first (Decree 61/2018 art.
# 2, national channel code 2 "trực tuyến"; vn-one-stop-rules.md §2.2 and §6).
ONLINE_CHANNELS = (ChannelKind.ONLINE_FULL.value, ChannelKind.ONLINE_PARTIAL.value)


@dataclass(frozen=True)
class Offer:
    """A procedure an agency receives online, with the plan of its online channel."""

    agency: Agency
    procedure_code: str
    name: str
    plan: IntakePlan

    @property
    def channel_kind(self) -> str:
        return self.plan.channel_kind


def _online_channel(agency: Agency, procedure_code: str) -> IntakePlan | None:
    at = clock.now()
    for kind in ONLINE_CHANNELS:
        try:
            return intake_plan(
                agency=agency, procedure_code=procedure_code, channel_kind=kind, at=at
            )
        except IntakePlanError:
            continue
    return None


def online_offers() -> list[Offer]:
    """Every active (agency, procedure) whose version in force has an online channel."""
    online_versions = ProcedureVersion.objects.filter(
        in_force_filter(), channels__kind__in=ONLINE_CHANNELS
    ).values("procedure_id")
    assignments = (
        AgencyProcedure.objects.filter(is_active=True, procedure_id__in=online_versions)
        .select_related("agency", "procedure")
        .order_by("procedure__code", "agency__name")
    )
    offers = []
    for assignment in assignments:
        plan = _online_channel(assignment.agency, assignment.procedure.code)
        if plan is not None:
            offers.append(
                Offer(assignment.agency, assignment.procedure.code, plan.version_name, plan)
            )
    return offers


def online_offer(*, agency_code: str, procedure_code: str) -> Offer:
    """One procedure an agency receives online; ``NotFound`` otherwise."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise NotFound()
    plan = _online_channel(agency, procedure_code)
    if plan is None:
        raise NotFound()
    return Offer(agency, procedure_code, plan.version_name, plan)


def _token(value: str) -> str:
    # Tokens are URL-safe base64 of 18 bytes (24 characters): anything else finds nothing.
    return value if 16 <= len(value) <= 32 else ""


def draft_by_token(token: str) -> OnlineDraft:
    draft = (
        OnlineDraft.objects.select_related("agency", "dossier")
        .filter(token=_token(token))
        .exclude(token="")
        .first()
    )
    if draft is None:
        raise NotFound()
    return draft


# What the applicant sees of the timeline: the outcomes of the desk and the handling, with the
# reasons the law makes the agency give (forms 02 and 03), never internal notes.
APPLICANT_EVENTS = frozenset(
    {
        "submit_online",
        "accept",
        "return_incomplete",
        "refuse_intake",
        "supplement_online",
        "request_supplement",
        "supplement_received",
        "request_payment",
        "record_payment",
        "apologise",
        "approve_result",
        "refuse",
        "return_result",
        "stop",
        "close_unanswered",
    }
)


def applicant_timeline(dossier: Dossier) -> list[DossierEvent]:
    return list(
        DossierEvent.objects.filter(dossier=dossier, action__in=APPLICANT_EVENTS).order_by(
            "at", "pk"
        )
    )


def awaiting_papers(dossier: Dossier) -> list[str]:
    """The papers the agency asked for, while it waits for them (form 02): the applicant may
    upload them by the link (``supplement_online``); empty otherwise."""
    if dossier.status not in (Status.SUPPLEMENT_REQUESTED, Status.INCOMPLETE_AT_INTAKE):
        return []
    event = (
        DossierEvent.objects.filter(
            dossier=dossier, action__in=("request_supplement", "return_incomplete")
        )
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return []
    items = (event.data or {}).get("items") or []
    return [str(item) for item in items] or [event.message]

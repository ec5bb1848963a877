"""Procedure reviews (rà soát TTHC) and the legal change watch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from ..models import (
    FindingStatus,
    LegalChange,
    Procedure,
    ReviewCampaign,
    ReviewFinding,
    ReviewOutcome,
)


@transaction.atomic
def review_campaign_create(
    *,
    actor: User | None,
    agency: Agency,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> ReviewCampaign:
    """Open a procedure review campaign (đợt rà soát TTHC)."""
    campaign = ReviewCampaign(agency=agency, title=title, starts_on=starts_on, ends_on=ends_on)
    campaign.full_clean()
    campaign.save()
    audit_record(
        actor=actor,
        action="review_campaign.create",
        target=campaign,
        agency=agency,
        after={"title": title},
    )
    return campaign


@transaction.atomic
def review_finding_record(
    *,
    actor: User | None,
    campaign: ReviewCampaign,
    procedure: Procedure,
    outcome: str = ReviewOutcome.KEEP,
    proposal: str = "",
    saved_days: Decimal = Decimal(0),
    saved_papers: int = 0,
    status: str = FindingStatus.PROPOSED,
) -> ReviewFinding:
    """Record (or revise) the finding of a review for one procedure."""
    finding = ReviewFinding.objects.filter(campaign=campaign, procedure=procedure).first()
    finding = finding or ReviewFinding(campaign=campaign, procedure=procedure)
    finding.outcome = outcome
    finding.proposal = proposal
    finding.saved_days = saved_days
    finding.saved_papers = saved_papers
    finding.status = status
    finding.reviewer = actor
    if outcome != ReviewOutcome.KEEP and not proposal.strip():
        raise ValidationFailed(
            _("Simplifying or abolishing a procedure needs a proposal."),
            details={"proposal": [_("is required")]},
        )
    finding.full_clean()
    finding.save()
    audit_record(
        actor=actor,
        action="review_finding.record",
        target=finding,
        agency=campaign.agency,
        after={
            "procedure": procedure.code,
            "outcome": outcome,
            "saved_days": saved_days,
            "saved_papers": saved_papers,
        },
    )
    return finding


@transaction.atomic
def legal_change_register(
    *,
    actor: User | None,
    number: str,
    summary: str,
    effective_on: dt.date,
    issuer: str = "",
    issued_on: dt.date | None = None,
    publisher_level: str = "province",
    procedures: list[Procedure] | None = None,
) -> LegalChange:
    """Register a legal text to watch and the procedures it affects."""
    change = LegalChange(
        number=number,
        summary=summary,
        issuer=issuer,
        issued_on=issued_on,
        effective_on=effective_on,
        publisher_level=publisher_level,
    )
    change.full_clean()
    change.save()
    change.procedures.set(procedures or [])
    audit_record(
        actor=actor,
        action="legal_change.register",
        target=change,
        after={
            "number": number,
            "effective_on": effective_on,
            "procedures": [p.code for p in procedures or []],
        },
    )
    return change


@transaction.atomic
def legal_change_mark_done(
    *,
    actor: User | None,
    change: LegalChange,
    published_on: dt.date | None = None,
    iso_updated_on: dt.date | None = None,
) -> LegalChange:
    """Record that the procedures were published and/or the ISO processes updated."""
    if published_on is not None:
        change.published_on = published_on
    if iso_updated_on is not None:
        change.iso_updated_on = iso_updated_on
    change.save(update_fields=["published_on", "iso_updated_on", "updated_at"])
    audit_record(
        actor=actor,
        action="legal_change.mark_done",
        target=change,
        after={"published_on": change.published_on, "iso_updated_on": change.iso_updated_on},
    )
    return change

"""The action table of document revisions (§7.5): draft → in review → changes requested →
approved → published → obsolete.

Pure data, no ORM. One row per action: the statuses it may start from, the status it leads to,
and who on the revision may do it (its author, its reviewer, its approver, or the agency's ISO
secretary). ``services.documents.revision_act`` is the one entry point that reads this table;
the page's buttons and the API offer exactly what it allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published (in force)")
    OBSOLETE = "obsolete", _("Obsolete")


class RevisionAction(StrEnum):
    REVISE = "revise"
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"


class Party(StrEnum):
    """Who on a revision may act: the people it names, or the agency's ISO secretary."""

    AUTHOR = "author"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    SECRETARY = "secretary"


@dataclass(frozen=True)
class Action:
    name: RevisionAction
    label: Promise
    from_statuses: frozenset[str]
    to_status: str | None
    parties: frozenset[Party]
    needs_comment: bool = False
    irreversible: bool = False


EDITABLE = frozenset({RevisionStatus.DRAFT, RevisionStatus.CHANGES_REQUESTED})

ACTIONS: dict[RevisionAction, Action] = {
    action.name: action
    for action in [
        Action(
            RevisionAction.REVISE,
            _("Save the text"),
            EDITABLE,
            None,
            frozenset({Party.AUTHOR}),
        ),
        Action(
            RevisionAction.SUBMIT,
            _("Send for review"),
            EDITABLE,
            RevisionStatus.IN_REVIEW,
            frozenset({Party.AUTHOR}),
        ),
        Action(
            RevisionAction.REQUEST_CHANGES,
            _("Ask for changes"),
            frozenset({RevisionStatus.IN_REVIEW}),
            RevisionStatus.CHANGES_REQUESTED,
            frozenset({Party.REVIEWER}),
            needs_comment=True,
        ),
        # Decision 19/2014/QĐ-TTg: processes are approved by the head of the agency ([A] article
        # not confirmed).
        Action(
            RevisionAction.APPROVE,
            _("Approve"),
            frozenset({RevisionStatus.IN_REVIEW}),
            RevisionStatus.APPROVED,
            frozenset({Party.APPROVER}),
            irreversible=True,
        ),
        Action(
            RevisionAction.PUBLISH,
            _("Publish the revision"),
            frozenset({RevisionStatus.APPROVED}),
            RevisionStatus.PUBLISHED,
            frozenset({Party.SECRETARY, Party.APPROVER}),
            irreversible=True,
        ),
    ]
}


def actions_for(*, status: str, parties: frozenset[Party]) -> list[Action]:
    """The actions someone standing as ``parties`` on a revision in ``status`` may run."""
    return [
        action
        for action in ACTIONS.values()
        if status in action.from_statuses and action.parties & parties
    ]

"""The action table of feedback items (phản ánh, kiến nghị): who may do what, in which status,
with which input. The one place that says it: ``services.feedback_act`` checks it, the staff
page's forms and the citizen's page are generated from it. Pure data, no ORM.

received → (classify) in handling → (request information) information requested → (supply)
in handling → (answer) answered → (publish) published; refused from received or in handling.
The deadlines of each step are those of Decision 766/QĐ-TTg indicator 5.2 (``deadlines``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_HANDLING = "in_handling", _("Being handled")
    INFO_REQUESTED = "info_requested", _("More information requested")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")
    REFUSED = "refused", _("Refused")


class Party(StrEnum):
    """Who stands where on an item."""

    # The agency's one-stop officers, leaders and ISO secretaries: classify, route, refuse,
    # publish, and answer anything.
    COORDINATOR = "coordinator"
    # The unit heads and specialists of the unit the item is routed to.
    HANDLER = "handler"
    # The person who sent it, through the link with the item's token.
    SUBMITTER = "submitter"


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"  # one of ``choices`` (given by the caller: units, kinds, ratings)
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label: Promise
    required: bool = True
    max_length: int = 4000


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    from_statuses: frozenset[str]
    to_status: str | None  # None: the status does not change
    parties: frozenset[Party]
    fields: tuple[Field, ...] = ()
    needs_consent: bool = False  # only when the submitter agreed to publication
    once: str = ""  # a fact the action records once (the field that must still be empty)
    irreversible: bool = False


S = FeedbackStatus
P = Party
OPEN = frozenset({S.RECEIVED, S.IN_HANDLING})

KIND = Field("kind", Kind.CHOICE, _("Classification"))
UNIT = Field("unit", Kind.CHOICE, _("Handling unit"))
OFFICER = Field("officer", Kind.CHOICE, _("Officer concerned"), required=False)
REPEAT = Field("is_repeat", Kind.BOOLEAN, _("The same matter was answered before"), required=False)
REASON = Field("reason", Kind.TEXT, _("Reason"))
REQUEST = Field("request", Kind.TEXT, _("Information needed"))
SUPPLIED = Field("information", Kind.TEXT, _("The information asked for"))
ANSWER = Field("answer", Kind.TEXT, _("Answer"), max_length=8000)
ANSWER_RATING = Field("rating", Kind.CHOICE, _("Your opinion of the answer"))

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "classify",
            _("Classify and route"),
            OPEN,
            S.IN_HANDLING,
            frozenset({P.COORDINATOR}),
            (KIND, UNIT, OFFICER, REPEAT),
        ),
        # Indicator 5.2: refused within 2 working days.
        Action(
            "refuse",
            _("Refuse"),
            OPEN,
            S.REFUSED,
            frozenset({P.COORDINATOR}),
            (REASON,),
            irreversible=True,
        ),
        # Indicator 5.2: more information requested within 5 working days.
        Action(
            "request_info",
            _("Ask for more information"),
            frozenset({S.IN_HANDLING}),
            S.INFO_REQUESTED,
            frozenset({P.COORDINATOR, P.HANDLER}),
            (REQUEST,),
        ),
        Action(
            "supply_info",
            _("Send the information"),
            frozenset({S.INFO_REQUESTED}),
            S.IN_HANDLING,
            frozenset({P.SUBMITTER}),
            (SUPPLIED,),
        ),
        # Indicator 5.2: answered within 15 working days.
        Action(
            "answer",
            _("Answer"),
            frozenset({S.IN_HANDLING}),
            S.ANSWERED,
            frozenset({P.COORDINATOR, P.HANDLER}),
            (ANSWER,),
            irreversible=True,
        ),
        # Indicator 5.2: published within 2 working days of the answer, with consent.
        Action(
            "publish",
            _("Publish the answer"),
            frozenset({S.ANSWERED}),
            S.PUBLISHED,
            frozenset({P.COORDINATOR}),
            needs_consent=True,
            irreversible=True,
        ),
        # Indicator 5.3: the submitter's opinion of the answer, given once.
        Action(
            "rate_answer",
            _("Rate the answer"),
            frozenset({S.ANSWERED, S.PUBLISHED}),
            None,
            frozenset({P.SUBMITTER}),
            (ANSWER_RATING,),
            once="answer_rating",
        ),
    )
}


def actions_for(
    *,
    status: str,
    parties: frozenset[Party],
    consent: bool = True,
    done: frozenset[str] = frozenset(),
) -> list[Action]:
    """The actions someone standing as ``parties`` may run on an item in ``status``; ``done``
    names the once-only facts already recorded."""
    return [
        action
        for action in ACTIONS.values()
        if status in action.from_statuses
        and action.parties & parties
        and (consent or not action.needs_consent)
        and (not action.once or action.once not in done)
    ]

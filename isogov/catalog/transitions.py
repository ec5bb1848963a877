"""The action table of procedure versions (phiên bản thủ tục): draft → published → retired.

Pure data, no ORM. One row per action, keyed by the action: the statuses it may start from, the
status it leads to, who may do it, and whether it is irreversible (the web form then asks for a
confirmation). The services run every version action through one entry point that reads this
table; the views and the API offer exactly the actions it allows. Nothing else says which action
runs in which status, or by whom.

Starting a new draft is not here: it acts on the procedure (one draft at a time), not on a
version.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import CATALOG_MANAGERS


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class VersionAction(StrEnum):
    EDIT = "edit"
    SET_PROCESS = "set_process"
    PUBLISH = "publish"
    RETIRE = "retire"


@dataclass(frozen=True)
class Action:
    name: VersionAction
    label: Promise
    from_statuses: frozenset[str]
    to_status: str | None  # None: the status does not change
    roles: frozenset[str]
    irreversible: bool = False


ACTIONS: dict[VersionAction, Action] = {
    action.name: action
    for action in [
        # Only a draft's content changes; a published version is the legal record of what was
        # in force (a change needs a new draft version).
        Action(
            VersionAction.EDIT,
            _("Edit the draft"),
            frozenset({VersionStatus.DRAFT}),
            None,
            CATALOG_MANAGERS,
        ),
        Action(
            VersionAction.SET_PROCESS,
            _("Set the internal process"),
            frozenset({VersionStatus.DRAFT}),
            None,
            CATALOG_MANAGERS,
        ),
        Action(
            VersionAction.PUBLISH,
            _("Publish"),
            frozenset({VersionStatus.DRAFT}),
            VersionStatus.PUBLISHED,
            CATALOG_MANAGERS,
            irreversible=True,
        ),
        Action(
            VersionAction.RETIRE,
            _("Retire"),
            frozenset({VersionStatus.PUBLISHED}),
            VersionStatus.RETIRED,
            CATALOG_MANAGERS,
            irreversible=True,
        ),
    ]
}


def is_allowed(*, action: VersionAction, status: str) -> bool:
    """Whether ``action`` may start from a version in ``status``."""
    return status in ACTIONS[action].from_statuses


def actions_for(*, status: str, roles: frozenset[str]) -> frozenset[VersionAction]:
    """The actions a user holding ``roles`` may run on a version in ``status``."""
    return frozenset(
        action.name
        for action in ACTIONS.values()
        if status in action.from_statuses and action.roles & roles
    )

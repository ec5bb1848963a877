"""The small kernel of the catalogue services: content writing, input cleaning and the one
entry point of every version action (``version_action_begin``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import User
from isogov.core.errors import ConflictError, PermissionDenied, ValidationFailed
from isogov.core.text import fold_vietnamese

from .. import schema
from ..models import (
    FeeItem,
    LegalBasis,
    Paper,
    ProcedureChannel,
    ProcedureVersion,
    VersionStatus,
)
from ..selectors import search_words, user_roles_for_procedure
from ..transitions import ACTIONS, VersionAction, is_allowed

NOT_ALLOWED_IN_STATE = gettext_lazy(
    "This action is not allowed in this state: “%(action)s” on a version that is %(status)s."
)
NOT_A_MANAGER_HERE = gettext_lazy(
    "Only a catalogue manager of an agency carrying out this procedure may do this."
)


def errors_to_exception(errors: schema.Errors, *, prefix: str = "") -> ValidationFailed:
    """All ``(path, message)`` problems as one ``ValidationFailed`` (message: the first)."""
    details: dict[str, list[str]] = {}
    for path, message in errors:
        details.setdefault(f"{prefix}{path}", []).append(str(message))
    first_path, first_message = errors[0]
    summary = _("%(count)s problem(s); first: %(path)s: %(message)s") % {
        "count": len(errors),
        "path": f"{prefix}{first_path}",
        "message": first_message,
    }
    return ValidationFailed(summary, details=details)


def _search_text(version: ProcedureVersion) -> str:
    """Folded words, each preceded by a space, so a search term matches word starts only
    ("in" finds "in xuất bản phẩm", not "bản tin")."""
    procedure = version.procedure
    sector = procedure.sector
    folded = fold_vietnamese(
        " ".join([version.name, procedure.code, version.keywords, sector.code, sector.name])
    )
    return " " + " ".join(search_words(folded)) + " "


def write_content(version: ProcedureVersion, content: dict[str, Any]) -> None:
    """Store a cleaned version record (``schema.clean_version``) on ``version``."""
    for field in [*schema.VERSION_TEXT_FIELDS, "name", "online_level", "decision_date"]:
        setattr(version, field, content[field])
    version.related_codes = content["related_codes"]
    version.search_text = _search_text(version)
    version.save()
    version.channels.all().delete()
    version.fees.all().delete()
    version.papers.all().delete()
    version.legal_bases.all().delete()
    order = 0
    for channel_data in content["channels"]:
        channel = ProcedureChannel.objects.create(
            version=version,
            kind=channel_data["kind"],
            time_value=channel_data["time"]["value"],
            time_unit=channel_data["time"]["unit"],
            time_note=channel_data["time_note"],
        )
        for fee in channel_data["fees"]:
            order += 1
            FeeItem.objects.create(version=version, channel=channel, order=order, **fee)
    for fee in content["fees"]:
        order += 1
        FeeItem.objects.create(version=version, channel=None, order=order, **fee)
    for i, paper in enumerate(content["papers"], start=1):
        Paper.objects.create(
            version=version,
            order=i,
            name=paper["name"],
            template=paper["template"],
            originals=paper["originals"],
            copies=paper["copies"],
            is_required=paper["is_required"],
            condition=paper["condition"],
        )
    for i, basis in enumerate(content["legal_bases"], start=1):
        LegalBasis.objects.create(version=version, order=i, **basis)


def clean_version_or_raise(data: dict[str, Any]) -> dict[str, Any]:
    errors: schema.Errors = []
    content = schema.clean_version(data, "", errors)
    if errors:
        raise errors_to_exception(errors)
    return content


def version_action_begin(
    *, actor: User | None, version: ProcedureVersion, action: VersionAction
) -> ProcedureVersion:
    """The one entry point of every version action: lock the row, then check the action
    table (the status it may start from, then who may run it). Returns the locked row."""
    locked = (
        ProcedureVersion.objects.select_for_update()
        .select_related("procedure__sector")
        .get(pk=version.pk)
    )
    if not is_allowed(action=action, status=locked.status):
        message = NOT_ALLOWED_IN_STATE % {
            "action": ACTIONS[action].label,
            "status": VersionStatus(locked.status).label,
        }
        raise ConflictError(
            message, code="invalid_state", details={"action": action, "status": locked.status}
        )
    if actor is not None and not (
        ACTIONS[action].roles & user_roles_for_procedure(user=actor, procedure=locked.procedure)
    ):
        raise PermissionDenied(NOT_A_MANAGER_HERE)
    return locked


def version_action_finish(locked: ProcedureVersion, action: VersionAction) -> list[str]:
    """Move the version to the action's status (the only status assignment); the fields to
    save."""
    to_status = ACTIONS[action].to_status
    if to_status is None:
        return []
    locked.status = to_status
    return ["status"]

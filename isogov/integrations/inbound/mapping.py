"""Inbound import, second phase: the local procedure, version and channel of each record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from isogov.catalog.models import ChannelKind, Procedure, ProcedureChannel, ProcedureVersion
from isogov.catalog.transitions import VersionStatus

from ..models import ProcedureCodeMap


def procedures_by_portal_code(codes: set[str]) -> dict[str, Procedure]:
    """The local procedure of each portal code: the mapping table, else the same code."""
    found = {
        m.portal_code: m.procedure
        for m in ProcedureCodeMap.objects.select_related("procedure").filter(portal_code__in=codes)
    }
    for procedure in Procedure.objects.filter(code__in=codes - set(found)):
        found[procedure.code] = procedure
    return found


def versions_by_procedure(procedures: Sequence[Procedure]) -> dict[int, list[ProcedureVersion]]:
    versions: dict[int, list[ProcedureVersion]] = {}
    for version in (
        ProcedureVersion.objects.filter(
            procedure__in=procedures, status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED]
        )
        .prefetch_related("channels")
        .order_by("effective_from")
    ):
        versions.setdefault(version.procedure_id, []).append(version)
    return versions


def version_in_force(versions: list[ProcedureVersion], day: dt.date) -> ProcedureVersion | None:
    for version in versions:
        if (
            version.effective_from
            and version.effective_from <= day
            and (version.effective_to is None or day <= version.effective_to)
        ):
            return version
    return None


PREFERRED = {
    "1": (ChannelKind.IN_PERSON,),
    "2": (ChannelKind.ONLINE_FULL, ChannelKind.ONLINE_PARTIAL),
    "3": (ChannelKind.POSTAL,),
}


def channel_for(version: ProcedureVersion, code: str) -> tuple[ProcedureChannel | None, str]:
    """The version's channel for KenhThucHien (missing: in person); [A] when the version has no
    such channel, its first one for the legal time, the kind kept as the record says."""
    kinds = PREFERRED.get(code or "1", PREFERRED["1"])
    channels = list(version.channels.all())
    for kind in kinds:
        for channel in channels:
            if channel.kind == kind:
                return channel, kind
    return (channels[0] if channels else None), kinds[0]

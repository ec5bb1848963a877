"""Inbound import: the service that runs the phases (parsing, mapping, storing) over one batch,
all or nothing, and records it in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.catalog.models import ProcedureChannel, ProcedureVersion
from isogov.core import clock
from isogov.dossiers.models import Dossier

from ..models import UnmappedCode
from .mapping import channel_for, procedures_by_portal_code, version_in_force, versions_by_procedure
from .parsing import Parsed, Problems, field_text, parse_history, parse_records
from .storing import Progress, store_batch

SOURCE_LENGTH = 64


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    history: int = 0
    unmapped: dict[str, list[int]] = field(default_factory=dict)  # MaTTHC → record rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "history": self.history,
            "unmapped": [{"MaTTHC": code, "rows": rows} for code, rows in self.unmapped.items()],
        }


def inbound_import(
    *,
    agency: Agency,
    source: str,
    records: Sequence[Any],
    history: Sequence[Any] = (),
    actor: User | None = None,
    client: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import one batch (all or nothing); see the package's docstring. ``client`` names the
    machine client (its API key's identifier) when no person sent the batch."""
    problems = Problems()
    source = source.strip()
    if not source or len(source) > SOURCE_LENGTH:
        problems.add("records", 0, "source", _("Name the source system (at most 64 characters)."))
    parsed = parse_records(records, problems)
    entries = parse_history(history, problems)
    problems.raise_if_any()
    total = len(parsed) + len(entries)
    if progress:
        progress(0, total)

    procedures = procedures_by_portal_code({p.portal_code for p in parsed})
    versions = versions_by_procedure(list(procedures.values()))
    existing = {
        d.external_code: d
        for d in Dossier.objects.filter(source=source, external_code__in=[p.code for p in parsed])
    }
    taken = set(
        Dossier.objects.filter(code__in=[p.code for p in parsed])
        .exclude(source=source)
        .values_list("code", flat=True)
    )
    result = ImportResult()
    plans: list[tuple[Parsed, ProcedureVersion, ProcedureChannel, str]] = []
    for p in parsed:
        procedure = procedures.get(p.portal_code)
        if procedure is None:
            result.unmapped.setdefault(p.portal_code, []).append(p.row)
            continue
        if p.code in taken:
            problems.add("records", p.row, "MaHoSo", _("Another dossier already has this code."))
            continue
        day = p.times.get("NgayTiepNhan") or p.times.get("NgayNopHoSo") or clock.now()
        version = version_in_force(versions.get(procedure.pk, []), clock.to_local(day).date())
        if version is None:
            problems.add(
                "records",
                p.row,
                "NgayTiepNhan",
                _("Procedure %(code)s has no version in force on that date.")
                % {"code": procedure.code},
            )
            continue
        channel, kind = channel_for(version, field_text(p.raw, "KenhThucHien"))
        if channel is None:
            problems.add("records", p.row, "KenhThucHien", _("The procedure has no channel."))
            continue
        plans.append((p, version, channel, kind))
    known_codes = {p.code for p, *_rest in plans} | set(
        Dossier.objects.filter(
            source=source, external_code__in={e.code for e in entries}
        ).values_list("external_code", flat=True)
    )
    unmapped_codes = {p.code for p in parsed if p.portal_code in result.unmapped}
    for entry in entries:
        if entry.code not in known_codes and entry.code not in unmapped_codes:
            problems.add("history", entry.row, "MaHoSo", _("No record of this dossier was sent."))
    problems.raise_if_any()

    with transaction.atomic():
        result.created, result.updated, result.history = store_batch(
            agency, source, plans, existing, entries, unmapped_codes, progress, total
        )
        _list_unmapped(source, parsed, result)
        audit_record(
            actor=actor,
            action="integrations.import",
            agency=agency,
            object_type="integrations.batch",
            object_id=source,
            after={
                "source": source,
                **{k: v for k, v in result.as_dict().items() if k != "unmapped"},
                "unmapped": sorted(result.unmapped),
                **({"api_key": client} if client else {}),
            },
        )
    return result


def _list_unmapped(source: str, parsed: list[Parsed], result: ImportResult) -> None:
    for code, rows in result.unmapped.items():
        name = next((field_text(p.raw, "TenTTHC") for p in parsed if p.portal_code == code), "")
        row, created = UnmappedCode.objects.select_for_update().get_or_create(
            source=source, portal_code=code, defaults={"name": name[:500], "seen": len(rows)}
        )
        if not created:
            UnmappedCode.objects.filter(pk=row.pk).update(seen=row.seen + len(rows))

"""Import and export of the catalogue: our JSON format and an XLSX layout an agency can fill.

Both formats become the same plain record (``docs/catalog-import.md``); the record is checked
completely before anything is written, every problem is reported with its place (JSON item and
field, or sheet, row and column), and when anything is wrong nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, Unit, User
from isogov.accounts.selectors import user_has_role
from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from . import schema
from .allowances import ChannelTime, StepAllowance, allowance_mismatches
from .models import AllowanceUnit, Procedure, ProcedureVersion, Sector, VersionStatus
from .permissions import CATALOG_MANAGERS
from .selectors import catalog_export_data, version_as_record
from .services import agency_procedure_assign, process_save, sector_save, write_content
from .spreadsheet import read_workbook, write_workbook
from .transitions import VersionAction, is_allowed

# progress(phase, done, total): phase is "checking" (before anything is written) or "storing".
Progress = Callable[[str, int, int], None]
NOT_YOUR_AGENCY = gettext_lazy("you do not administer this agency")
CHECKING = "checking"
STORING = "storing"
# Turns a record path ("procedures[2].versions[0].name") into words for the user.
Locator = Callable[[str], str]


@dataclass
class ImportResult:
    sectors: int = 0
    procedures: int = 0
    versions_created: int = 0
    versions_unchanged: int = 0
    processes: int = 0
    assignments: int = 0
    messages: list[str] = field(default_factory=list)


def _json_locator(data: dict[str, Any]) -> Locator:
    raw = data.get("procedures")
    procedures: list[Any] = raw if isinstance(raw, list) else []

    def locate(path: str) -> str:
        if path.startswith("procedures["):
            index_text, _sep, rest = path[len("procedures[") :].partition("]")
            try:
                index = int(index_text)
                code = procedures[index].get("code", "?")
            except (ValueError, IndexError, AttributeError):
                return path
            return _("Procedure %(code)s (item %(index)s), field '%(field)s'") % {
                "code": code,
                "index": index + 1,
                "field": rest.lstrip("."),
            }
        return _("field '%(field)s'") % {"field": path}

    return locate


def _version_key(code: str, number: int | None) -> str:
    return f"{code}/{number}"


def _check_against_database(
    cleaned: dict[str, Any],
    errors: schema.Errors,
    progress: Progress | None = None,
    actor: User | None = None,
) -> dict[str, list[ChannelTime]]:
    """Rules that need the stored catalogue; returns channel times of every known version."""
    file_sectors = {s["code"] for s in cleaned["sectors"]}
    db_sectors = set(Sector.objects.values_list("code", flat=True))
    channel_times: dict[str, list[ChannelTime]] = {}
    seen_codes: set[str] = set()
    total = len(cleaned["procedures"])
    for i, procedure in enumerate(cleaned["procedures"]):
        if progress and (i % 50 == 0):
            progress(CHECKING, i, total)
        path = f"procedures[{i}]"
        code = procedure["code"]
        if code in seen_codes:
            errors.append((f"{path}.code", _("this procedure is listed twice")))
        seen_codes.add(code)
        if procedure["sector"] and procedure["sector"] not in file_sectors | db_sectors:
            errors.append((f"{path}.sector", _("no sector has this code")))
        stored = {
            v.number: v
            for v in ProcedureVersion.objects.filter(procedure__code=code).prefetch_related(
                "channels__fees", "fees", "papers", "legal_bases"
            )
        }
        for j, version in enumerate(procedure["versions"]):
            existing = stored.get(version["number"])
            if (
                existing is not None
                and not is_allowed(action=VersionAction.EDIT, status=existing.status)
                and _comparable(version_as_record(version=existing)) != _comparable(version)
            ):
                errors.append(
                    (
                        f"{path}.versions[{j}]",
                        _(
                            "version %(number)s is published and differs from the stored one; "
                            "give the change a new version number"
                        )
                        % {"number": version["number"]},
                    )
                )
            channel_times[_version_key(code, version["number"])] = [
                ChannelTime(c["kind"], c["time"]["value"], c["time"]["unit"])
                for c in version["channels"]
                if c["time"]["value"] is not None
            ]
        for number, existing in stored.items():
            channel_times.setdefault(
                _version_key(code, number),
                [ChannelTime(c.kind, c.time_value, c.time_unit) for c in existing.channels.all()],
            )
    for i, process in enumerate(cleaned["processes"]):
        path = f"processes[{i}]"
        allowances = [
            StepAllowance(s["allowance"]["value"], s["allowance"]["unit"], s["is_counted"])
            for s in process["steps"]
            if s["allowance"]["value"] is not None
        ]
        for j, ref in enumerate(process["versions"]):
            key = _version_key(ref["procedure"], ref["number"])
            if key not in channel_times:
                stored_version = (
                    ProcedureVersion.objects.filter(
                        procedure__code=ref["procedure"], number=ref["number"]
                    )
                    .prefetch_related("channels")
                    .first()
                )
                if stored_version is None:
                    errors.append(
                        (f"{path}.versions[{j}]", _("no procedure version %(key)s") % {"key": key})
                    )
                    continue
                channel_times[key] = [
                    ChannelTime(c.kind, c.time_value, c.time_unit)
                    for c in stored_version.channels.all()
                ]
            for problem in allowance_mismatches(steps=allowances, channels=channel_times[key]):
                errors.append(
                    (
                        f"{path}.steps",
                        _(
                            "the counted allowances add up to %(counted)s but the legal time of "
                            "%(key)s, channel %(channel)s, is %(legal)s %(unit)s "
                            "(difference %(difference)s)"
                        )
                        % {
                            "counted": problem.counted,
                            "key": key,
                            "channel": problem.channel,
                            "legal": problem.legal.normalize(),
                            "unit": problem.unit,
                            "difference": problem.difference.normalize(),
                        },
                    )
                )
    agencies = {a.code: a for a in Agency.objects.all()}
    for i, assignment in enumerate(cleaned["assignments"]):
        path = f"assignments[{i}]"
        agency = agencies.get(assignment["agency"])
        if agency is None:
            errors.append((f"{path}.agency", _("no agency has this code")))
        elif actor is not None and not user_has_role(
            user=actor, roles=CATALOG_MANAGERS, agency=agency
        ):
            # An import touches only the agencies its user administers (issue 13, item 2).
            errors.append((f"{path}.agency", str(NOT_YOUR_AGENCY)))
        elif (
            assignment["unit"]
            and not Unit.objects.filter(agency=agency, code=assignment["unit"]).exists()
        ):
            errors.append((f"{path}.unit", _("the agency has no unit with this code")))
        if (
            assignment["procedure"] not in seen_codes
            and not Procedure.objects.filter(code=assignment["procedure"]).exists()
        ):
            errors.append((f"{path}.procedure", _("no procedure has this code")))
    return channel_times


def _clean_assignment(data: dict[str, Any], path: str, errors: schema.Errors) -> dict[str, Any]:
    raw = data.get("promise")
    promise = None
    if raw not in (None, "", {}):
        ppath = f"{path}.promise"
        if not isinstance(raw, dict):
            errors.append((ppath, _("must give a value and a unit")))
            raw = {}
        value = schema.number(raw, "value", ppath, errors)
        if value is not None and value <= 0:
            errors.append((f"{ppath}.value", _("must be more than zero")))
        unit = schema.choice(
            raw, "unit", ppath, errors, schema.ALLOWANCE_UNITS, default=AllowanceUnit.WORKING_DAYS
        )
        promise = {"value": value, "unit": unit}
    return {
        "agency": schema.text(data, "agency", path, errors, required=True),
        "procedure": schema.text(data, "procedure", path, errors, required=True),
        "unit": schema.text(data, "unit", path, errors),
        "is_active": schema.boolean(data, "is_active", path, errors, True),
        "promise": promise,
    }


def _comparable(record: dict[str, Any]) -> Any:
    """A record with numbers and dates made comparable (file values vs stored values)."""
    if isinstance(record, dict):
        # The status and the end date change when a later version supersedes this one.
        return {k: _comparable(v) for k, v in record.items() if k not in ("status", "effective_to")}
    if isinstance(record, list):
        return [_comparable(v) for v in record]
    if isinstance(record, Decimal | int | float) and not isinstance(record, bool):
        return Decimal(str(record)).normalize()
    if isinstance(record, dt.date):
        return record.isoformat()
    return record


def clean_catalog(data: Any, errors: schema.Errors) -> dict[str, Any]:
    """The whole file, cleaned; problems appended to ``errors``."""
    if not isinstance(data, dict):
        errors.append(("", _("the file must contain one JSON object")))
        return {"sectors": [], "procedures": [], "processes": [], "assignments": []}
    fmt = data.get("format")
    if fmt not in (None, schema.FORMAT):
        errors.append(("format", _("unknown format '%(value)s'") % {"value": fmt}))
    sectors = [
        {
            "code": schema.text(s, "code", f"sectors[{i}]", errors, required=True, max_length=32),
            "name": schema.text(s, "name", f"sectors[{i}]", errors, required=True, max_length=300),
        }
        for i, s in enumerate(schema.items(data, "sectors", "", errors))
    ]
    procedures = [
        schema.clean_procedure(p, f"procedures[{i}]", errors)
        for i, p in enumerate(schema.items(data, "procedures", "", errors))
    ]
    processes = [
        schema.clean_process(p, f"processes[{i}]", errors)
        for i, p in enumerate(schema.items(data, "processes", "", errors))
    ]
    assignments = [
        _clean_assignment(a, f"assignments[{i}]", errors)
        for i, a in enumerate(schema.items(data, "assignments", "", errors))
    ]
    return {
        "sectors": sectors,
        "procedures": procedures,
        "processes": processes,
        "assignments": assignments,
    }


def catalog_import(
    *,
    actor: User | None,
    data: Any,
    locate: Locator | None = None,
    progress: Progress | None = None,
    located_errors: list[str] | None = None,
) -> ImportResult:
    """Check the whole record, then store it in one transaction; nothing if anything is wrong.

    ``located_errors`` are problems the file reader already found (e.g. a row of the XLSX
    layout that names a procedure no row describes); they are reported with the others.
    """
    locate = locate or _json_locator(data if isinstance(data, dict) else {})
    errors: schema.Errors = []
    cleaned = clean_catalog(data, errors)
    _check_against_database(cleaned, errors, progress, actor)
    if errors or located_errors:
        messages = list(located_errors or []) + [
            _("%(where)s: %(message)s") % {"where": locate(path), "message": message}
            for path, message in errors
        ]
        raise ValidationFailed(
            _("Nothing was imported: %(count)s problem(s). %(first)s")
            % {"count": len(messages), "first": messages[0]},
            details={"rows": messages},
        )
    return _store(actor=actor, cleaned=cleaned, progress=progress)


@transaction.atomic
def _store(
    *, actor: User | None, cleaned: dict[str, Any], progress: Progress | None
) -> ImportResult:
    result = ImportResult()
    total = len(cleaned["procedures"]) + len(cleaned["processes"]) + len(cleaned["assignments"])
    done = 0
    for sector in cleaned["sectors"]:
        sector_save(actor=actor, code=sector["code"], name=sector["name"])
        result.sectors += 1
    sectors = {s.code: s for s in Sector.objects.all()}
    for record in cleaned["procedures"]:
        procedure, _created = Procedure.objects.update_or_create(
            code=record["code"],
            defaults={
                "national_code": record["national_code"],
                "local_suffix": record["local_suffix"],
                "level": record["level"],
                "sector": sectors[record["sector"]],
            },
        )
        result.procedures += 1
        for content in record["versions"]:
            existing = ProcedureVersion.objects.filter(
                procedure=procedure, number=content["number"]
            ).first()
            if existing is not None and not is_allowed(
                action=VersionAction.EDIT, status=existing.status
            ):
                result.versions_unchanged += 1
                continue
            version = existing or ProcedureVersion(procedure=procedure, number=content["number"])
            version.procedure = procedure
            version.status = content["status"]
            version.effective_from = content["effective_from"]
            version.effective_to = content["effective_to"]
            write_content(version, content)
            result.versions_created += 1
        _close_superseded(procedure)
        done += 1
        if progress:
            progress(STORING, done, total)
    for record in cleaned["processes"]:
        versions = [
            ProcedureVersion.objects.get(procedure__code=ref["procedure"], number=ref["number"])
            for ref in record["versions"]
        ]
        agency = None
        if versions:
            assignment = versions[0].procedure.agencies.select_related("agency").first()
            agency = assignment.agency if assignment else None
        process_save(
            actor=actor, data=record_for_process_save(record), versions=versions, agency=agency
        )
        result.processes += 1
        done += 1
        if progress:
            progress(STORING, done, total)
    for record in cleaned["assignments"]:
        agency = Agency.objects.get(code=record["agency"])
        unit = (
            Unit.objects.filter(agency=agency, code=record["unit"]).first()
            if record["unit"]
            else None
        )
        agency_procedure_assign(
            actor=actor,
            agency=agency,
            procedure=Procedure.objects.get(code=record["procedure"]),
            unit=unit,
            is_active=record["is_active"],
            promise_value=record["promise"]["value"] if record["promise"] else None,
            promise_unit=(
                record["promise"]["unit"] if record["promise"] else AllowanceUnit.WORKING_DAYS
            ),
        )
        result.assignments += 1
        done += 1
        if progress:
            progress(STORING, done, total)
    audit_record(
        actor=actor,
        action="catalog.import",
        object_type="catalog",
        after={
            "procedures": result.procedures,
            "versions_created": result.versions_created,
            "processes": result.processes,
        },
    )
    return result


def _close_superseded(procedure: Procedure) -> None:
    """A version in force ends the day before the next one starts (as publishing does)."""
    dated = list(
        procedure.versions.exclude(status=VersionStatus.DRAFT)
        .filter(effective_from__isnull=False)
        .order_by("effective_from")
    )
    for earlier, later in itertools.pairwise(dated):
        assert later.effective_from is not None and earlier.effective_from is not None
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            earlier.effective_to = later.effective_from - dt.timedelta(days=1)
            earlier.save(update_fields=["effective_to", "updated_at"])


def record_for_process_save(record: dict[str, Any]) -> dict[str, Any]:
    """A cleaned process back in input shape (``process_save`` cleans again)."""
    out = dict(record)
    out["approved_on"] = record["approved_on"].isoformat() if record["approved_on"] else None
    out["steps"] = [
        {**s, "allowance": {"value": str(s["allowance"]["value"]), "unit": s["allowance"]["unit"]}}
        for s in record["steps"]
    ]
    return out


def catalog_export() -> dict[str, Any]:
    """The whole catalogue in the JSON exchange format."""
    return catalog_export_data()


def catalog_export_xlsx() -> bytes:
    """The whole catalogue in the XLSX layout."""
    return write_workbook(catalog_export_data())


def catalog_import_file(
    *, actor: User | None, name: str, content: bytes, progress: Progress | None = None
) -> ImportResult:
    """Import a ``.json`` or ``.xlsx`` file (see ``catalog_import``)."""
    if name.lower().endswith(".xlsx"):
        data, locate, located = read_workbook(content)
        return catalog_import(
            actor=actor, data=data, locate=locate, progress=progress, located_errors=located
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        message = _("The file is neither XLSX nor valid JSON: %(error)s") % {"error": error}
        raise ValidationFailed(message, details={"rows": [message]}) from error
    return catalog_import(actor=actor, data=data, progress=progress)

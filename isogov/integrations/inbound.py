"""ISO-layer mode: the system of record's dossiers and history imported as external dossiers.

One service, ``inbound_import``, behind every way in (the API, a file, the periodic pull). A
batch holds ``DongBoHoSoMC``-shaped records and ``CapNhatTienDoHoSoMC``-shaped history entries
(dvcqg-sync.md). It is all or nothing: every row is checked first, and any error refuses the
whole batch, naming each row and field, with nothing stored. Then, in one transaction:

- a record whose procedure code maps to no local procedure is not imported: the code is listed
  for mapping (``UnmappedCode``), nothing is guessed;
- a record is keyed by (source, MaHoSo): the first time it creates a ``Dossier`` marked with its
  source (read-only: the action table offers nothing on it), later it updates it;
- history entries become the dossier's timeline events, and its steps when they carry the
  step's start and due time; an entry already stored (same time, status and text) is skipped.

Indicators, queues, the register and the QMS read these dossiers like their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from isogov.accounts.models import Agency, User
from isogov.audit.services import audit_record
from isogov.catalog.models import ChannelKind, Procedure, ProcedureChannel, ProcedureVersion
from isogov.catalog.transitions import VersionStatus
from isogov.core import clock
from isogov.core.errors import ValidationFailed
from isogov.core.inserts import insert_rows
from isogov.core.text import fold_vietnamese
from isogov.dossiers.deadlines import Outcome
from isogov.dossiers.generator.rows import read_counters, write_counters
from isogov.dossiers.models import (
    ApplicantKind,
    Dossier,
    DossierEvent,
    DossierStep,
    ReturnMethod,
)
from isogov.dossiers.rulesets import ruleset_in_force
from isogov.dossiers.transitions import Status

from . import wire
from .models import ProcedureCodeMap, UnmappedCode

Progress = Callable[[int, int], None]

RECORD_DATES = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayTuChoi",
)
HISTORY_DATES = ("NgayBatDau", "NgayKetThucTheoQuyDinh")
# Our column ← the record's field, with the column's length (longer text is refused).
TEXTS: tuple[tuple[str, str, int], ...] = (
    ("applicant_name", "ChuHoSo", 300),
    ("applicant_id_number", "SoGiayToChuHoSo", 50),
    ("applicant_phone", "SoDienThoai", 50),
    ("applicant_email", "Email", 254),
    ("procedure_name", "TenTTHC", 500),
)
ENDED = {Status.FINISHED, Status.RETURNED, Status.REFUSED}
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


class Problems:
    """The errors of a batch, each naming its row and field (in the active language)."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}

    def add(self, kind: str, row: int, name: str, message: str) -> None:
        where = _("record %(row)d") if kind == "records" else _("history entry %(row)d")
        text = _("%(where)s, field %(field)s: %(message)s") % {
            "where": where % {"row": row},
            "field": name,
            "message": message,
        }
        self.details.setdefault(f"{kind}[{row}].{name}", []).append(text)

    def raise_if_any(self) -> None:
        if self.details:
            first = next(iter(self.details.values()))[0]
            message = _("Nothing was imported: %(count)d errors. %(first)s") % {
                "count": len(self.details),
                "first": first,
            }
            raise ValidationFailed(message, details=self.details)


@dataclass
class Parsed:
    row: int
    raw: Mapping[str, Any]
    code: str
    portal_code: str
    status_code: int
    times: dict[str, dt.datetime | None]
    supplements: int
    supplement_seconds: int


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _int_code(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _parse_records(records: Sequence[Any], problems: Problems) -> list[Parsed]:
    back = wire.names_back()
    parsed = []
    seen: set[str] = set()
    for row, raw in enumerate(records, start=1):
        if not isinstance(raw, Mapping):
            problems.add("records", row, "MaHoSo", _("A record must be an object."))
            continue
        raw = wire.unrename(raw, back)
        code = _text(raw, "MaHoSo")
        if not code:
            problems.add("records", row, "MaHoSo", _("The dossier code is required."))
        elif len(code) > 64:
            problems.add("records", row, "MaHoSo", _("At most 64 characters."))
        elif code in seen:
            problems.add("records", row, "MaHoSo", _("This dossier appears twice in the batch."))
        seen.add(code)
        portal_code = _text(raw, "MaTTHC")
        if not portal_code:
            problems.add("records", row, "MaTTHC", _("The procedure code is required."))
        status_code = _int_code(_text(raw, "TrangThaiHoSo"), 1, 10)
        if status_code is None:
            problems.add("records", row, "TrangThaiHoSo", _("A status code from 1 to 10."))
        times: dict[str, dt.datetime | None] = {}
        for name in RECORD_DATES:
            try:
                times[name] = wire.parse_time(_text(raw, name))
            except ValueError:
                problems.add("records", row, name, _("Not a date (yyyyMMddHHmmss expected)."))
        if (
            status_code not in (None, 1, 3)
            and f"records[{row}].NgayTiepNhan" not in problems.details
            and not times.get("NgayTiepNhan")
        ):
            problems.add(
                "records", row, "NgayTiepNhan", _("A received dossier needs its receipt date.")
            )
        for _column, name, length in TEXTS:
            if len(_text(raw, name)) > length:
                problems.add("records", row, name, _("At most %(n)d characters.") % {"n": length})
        if not _text(raw, "ChuHoSo"):
            problems.add("records", row, "ChuHoSo", _("The applicant's name is required."))
        email = _text(raw, "Email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.add("records", row, "Email", _("Not an e-mail address."))
        if _text(raw, "KenhThucHien") not in ("", "1", "2", "3"):
            problems.add("records", row, "KenhThucHien", _("A channel code: 1, 2 or 3."))
        if _text(raw, "LoaiDoiTuong") not in ("", "1", "2", "3", "4"):
            problems.add("records", row, "LoaiDoiTuong", _("An applicant code from 1 to 4."))
        supplements, waited = 0, 0
        listed = raw.get("DanhSachHoSoBoSung") or []
        if not isinstance(listed, list):
            problems.add("records", row, "DanhSachHoSoBoSung", _("A list is expected."))
            listed = []
        for item in listed:
            supplements += 1
            try:
                asked = (
                    wire.parse_time(_text(item, "NgayBoSung"))
                    if isinstance(item, Mapping)
                    else None
                )
                answered = (
                    wire.parse_time(_text(item, "NgayTiepNhanBoSung"))
                    if isinstance(item, Mapping)
                    else None
                )
            except ValueError:
                problems.add(
                    "records", row, "DanhSachHoSoBoSung", _("Not a date (yyyyMMddHHmmss expected).")
                )
                continue
            if asked and answered and answered > asked:
                waited += int((answered - asked).total_seconds())
        parsed.append(
            Parsed(row, raw, code, portal_code, status_code or 0, times, supplements, waited)
        )
    return parsed


@dataclass
class Entry:
    row: int
    code: str
    at: dt.datetime
    status_code: int
    text: str
    raw: Mapping[str, Any]
    started: dt.datetime | None
    due: dt.datetime | None

    @property
    def key(self) -> str:
        return f"{self.at.isoformat()}|{self.status_code}|{self.text}"


def _parse_history(history: Sequence[Any], problems: Problems) -> list[Entry]:
    back = wire.names_back()
    entries = []
    for row, raw in enumerate(history, start=1):
        if not isinstance(raw, Mapping):
            problems.add("history", row, "MaHoSo", _("An entry must be an object."))
            continue
        raw = wire.unrename(raw, back)
        code = _text(raw, "MaHoSo")
        if not code:
            problems.add("history", row, "MaHoSo", _("The dossier code is required."))
        status_code = _int_code(_text(raw, "TrangThai"), 1, 10)
        if status_code is None:
            problems.add("history", row, "TrangThai", _("A status code from 1 to 10."))
        times = {}
        for name in ("ThoiDiemXuLy", *HISTORY_DATES):
            try:
                times[name] = wire.parse_time(_text(raw, name))
            except ValueError:
                problems.add("history", row, name, _("Not a date (yyyyMMddHHmmss expected)."))
        at = times.get("ThoiDiemXuLy")
        if at is None and f"history[{row}].ThoiDiemXuLy" not in problems.details:
            problems.add("history", row, "ThoiDiemXuLy", _("The time of the entry is required."))
        if code and status_code and at:
            entries.append(
                Entry(
                    row,
                    code,
                    at,
                    status_code,
                    _text(raw, "NoiDungXuLy")[:2000],
                    raw,
                    times.get("NgayBatDau"),
                    times.get("NgayKetThucTheoQuyDinh"),
                )
            )
    return entries


# --- mapping -------------------------------------------------------------------------------
def procedures_by_portal_code(codes: set[str]) -> dict[str, Procedure]:
    """The local procedure of each portal code: the mapping table, else the same code."""
    found = {
        m.portal_code: m.procedure
        for m in ProcedureCodeMap.objects.select_related("procedure").filter(portal_code__in=codes)
    }
    for procedure in Procedure.objects.filter(code__in=codes - set(found)):
        found[procedure.code] = procedure
    return found


def _versions(procedures: Sequence[Procedure]) -> dict[int, list[ProcedureVersion]]:
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


def _in_force(versions: list[ProcedureVersion], day: dt.date) -> ProcedureVersion | None:
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


def _channel(version: ProcedureVersion, code: str) -> tuple[ProcedureChannel | None, str]:
    """The version's channel for KenhThucHien (missing: in person); [A] when the version has no
    such channel, its first one for the legal time, the kind kept as the record says."""
    kinds = PREFERRED.get(code or "1", PREFERRED["1"])
    channels = list(version.channels.all())
    for kind in kinds:
        for channel in channels:
            if channel.kind == kind:
                return channel, kind
    return (channels[0] if channels else None), kinds[0]


def _status(p: Parsed) -> Status:
    status = wire.STATUS_OF_CODE[p.status_code]
    if status == Status.FINISHED and p.times.get("NgayTuChoi"):
        return Status.REFUSED
    return status


# --- the import ----------------------------------------------------------------------------
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
    """Import one batch (all or nothing); see the module's docstring. ``client`` names the
    machine client (its API key's identifier) when no person sent the batch."""
    problems = Problems()
    source = source.strip()
    if not source or len(source) > SOURCE_LENGTH:
        problems.add("records", 0, "source", _("Name the source system (at most 64 characters)."))
    parsed = _parse_records(records, problems)
    entries = _parse_history(history, problems)
    problems.raise_if_any()
    total = len(parsed) + len(entries)
    if progress:
        progress(0, total)

    procedures = procedures_by_portal_code({p.portal_code for p in parsed})
    versions = _versions(list(procedures.values()))
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
        version = _in_force(versions.get(procedure.pk, []), clock.to_local(day).date())
        if version is None:
            problems.add(
                "records",
                p.row,
                "NgayTiepNhan",
                _("Procedure %(code)s has no version in force on that date.")
                % {"code": procedure.code},
            )
            continue
        channel, kind = _channel(version, _text(p.raw, "KenhThucHien"))
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
        _store(agency, source, plans, existing, entries, unmapped_codes, result, progress, total)
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
        name = next((_text(p.raw, "TenTTHC") for p in parsed if p.portal_code == code), "")
        row, created = UnmappedCode.objects.select_for_update().get_or_create(
            source=source, portal_code=code, defaults={"name": name[:500], "seen": len(rows)}
        )
        if not created:
            UnmappedCode.objects.filter(pk=row.pk).update(seen=row.seen + len(rows))


def _fill(
    d: Dossier, p: Parsed, version: ProcedureVersion, channel: ProcedureChannel, kind: str
) -> None:
    t = p.times
    status = _status(p)
    received = t.get("NgayTiepNhan") if status != Status.NOT_RECEIVED else None
    due = t.get("NgayHenTra")
    finished = None
    if status in ENDED:
        finished = (
            (t.get("NgayTuChoi") if status == Status.REFUSED else None)
            or t.get("NgayKetThucXuLy")
            or t.get("NgayTra")
        )
    ended = finished or (t.get("NgayKetThucXuLy") if status == Status.STOPPED else None)
    d.procedure_version, d.channel = version, channel
    d.procedure_code = version.procedure.code
    d.procedure_name = _text(p.raw, "TenTTHC") or version.name
    d.channel_kind = kind
    d.time_value, d.time_unit = channel.time_value, channel.time_unit
    d.ruleset = ruleset_in_force(
        clock.to_local(received or t.get("NgayNopHoSo") or clock.now()).date()
    ).code
    d.applicant_kind = (
        ApplicantKind.ORGANISATION
        if _text(p.raw, "LoaiDoiTuong") in ("2", "3", "4")
        else ApplicantKind.INDIVIDUAL
    )
    for column, name, _length in TEXTS:
        setattr(d, column, _text(p.raw, name))
    d.request_summary = _text(p.raw, "TrichYeuHoSo")
    d.status = status
    d.submitted_at = t.get("NgayNopHoSo")
    d.received_at = received
    d.start_counted_at = received
    d.due_at = d.promised_due_at = due
    d.finished_at = finished
    d.returned_at = t.get("NgayTra")
    d.return_method = (
        (ReturnMethod.POSTAL if _text(p.raw, "HinhThuc") == "1" else ReturnMethod.AT_DESK)
        if d.returned_at
        else ""
    )
    d.supplement_count = p.supplements
    d.waiting_seconds = p.supplement_seconds
    if ended is not None and due is not None:
        late = ended > due or p.supplements > 1
        d.outcome = Outcome.LATE if late else Outcome.ON_TIME
        d.late_by_seconds = max(int((ended - due).total_seconds()), 0)
    else:
        d.outcome, d.late_by_seconds = "", 0
    d.search_text = fold_vietnamese(
        " ".join(
            (
                d.code,
                d.applicant_name,
                d.applicant_phone,
                d.applicant_id_number,
                d.procedure_name,
                d.procedure_code,
            )
        )
    )


UPDATED = (
    "procedure_version",
    "channel",
    "procedure_code",
    "procedure_name",
    "channel_kind",
    "time_value",
    "time_unit",
    "ruleset",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "request_summary",
    "status",
    "submitted_at",
    "received_at",
    "start_counted_at",
    "due_at",
    "promised_due_at",
    "finished_at",
    "returned_at",
    "return_method",
    "supplement_count",
    "waiting_seconds",
    "outcome",
    "late_by_seconds",
    "search_text",
    "version",
    "updated_at",
)


def _insert(objs: Sequence[Any]) -> None:
    """``core.inserts.insert_rows`` (the intake's fast path, ADR 0005) in chunks the database's
    limit on parameters takes; the primary keys are set."""
    if not objs:
        return
    per = max(1, 30_000 // len(type(objs[0])._meta.concrete_fields))
    for start in range(0, len(objs), per):
        insert_rows(objs[start : start + per])


def _update(dossiers: Sequence[Dossier], names: Sequence[str]) -> None:
    """One prepared ``UPDATE`` run for every re-sent dossier (``bulk_update``'s CASE per column
    costs more than the database's work)."""
    if not dossiers:
        return
    fields: list[Any] = [Dossier._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Dossier._meta.db_table)} SET {columns} WHERE id = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(d, f.attname), connection) for f in fields] + [d.pk]
        for d in dossiers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _store(
    agency: Agency,
    source: str,
    plans: list[tuple[Parsed, ProcedureVersion, ProcedureChannel, str]],
    existing: dict[str, Dossier],
    entries: list[Entry],
    skipped: set[str],
    result: ImportResult,
    progress: Progress | None,
    total: int,
) -> None:
    now = clock.now()
    new: list[Dossier] = []
    changed: list[Dossier] = []
    for p, version, channel, kind in plans:
        d = existing.get(p.code)
        if d is None:
            d = Dossier(agency=agency, code=p.code, source=source, external_code=p.code)
            _fill(d, p, version, channel, kind)
            d.created_at = d.updated_at = now
            new.append(d)
        else:
            _fill(d, p, version, channel, kind)
            d.version += 1
            d.updated_at = now
            changed.append(d)
    # The register (forms 06/07) numbers received dossiers per year: new ones in receipt order.
    counters = read_counters(agency.pk)
    received = [(d.received_at, d.code, d) for d in new if d.received_at is not None]
    for at, _code, d in sorted(received, key=lambda row: (row[0], row[1])):
        d.register_line = counters.next(f"register:{clock.to_local(at).year}")
    if counters.touched:
        write_counters(agency.pk, counters)
    _insert(new)
    _update(changed, UPDATED)
    result.created, result.updated = len(new), len(changed)
    if progress:
        progress(len(plans), total)

    by_code = {d.code: d for d in [*new, *changed]}
    missing = {e.code for e in entries} - set(by_code) - skipped
    for d in Dossier.objects.filter(source=source, external_code__in=missing):
        by_code[d.code] = d
    ids = [d.pk for d in by_code.values()]
    stored: dict[int, set[str]] = {}
    last_status: dict[int, str] = {}
    for dossier_id, data, to_status in (
        DossierEvent.objects.filter(dossier_id__in=ids, action="external")
        .order_by("at", "id")
        .values_list("dossier_id", "own_data", "to_status")  # external: never an audit twin
    ):
        stored.setdefault(dossier_id, set()).add((data or {}).get("key", ""))
        if to_status:
            last_status[dossier_id] = to_status
    orders = dict(
        DossierStep.objects.filter(dossier_id__in=ids)
        .values_list("dossier_id")
        .annotate(n=Max("order"))
        .values_list("dossier_id", "n")
    )
    events, steps = [], []
    for entry in sorted(entries, key=lambda e: (e.at, e.row)):
        d = by_code.get(entry.code)
        if d is None:
            continue  # its record is unmapped: listed, not imported
        keys = stored.setdefault(d.pk, set())
        if entry.key in keys:
            continue
        keys.add(entry.key)
        status = wire.STATUS_OF_CODE[entry.status_code]
        if status == Status.FINISHED and d.status == Status.REFUSED:
            status = Status.REFUSED
        before = last_status.get(d.pk, "")
        officer = _text(entry.raw, "NguoiXuLy")
        department = _text(entry.raw, "PhongBanXuLy")
        events.append(
            DossierEvent(
                dossier_id=d.pk,
                at=entry.at,
                action="external",
                from_status=before,
                to_status=status if status != before else "",
                own_message=entry.text,
                own_data={
                    "key": entry.key,
                    "officer": officer,
                    "title": _text(entry.raw, "ChucDanh"),
                    "department": department,
                    "status_code": entry.status_code,
                },
            )
        )
        last_status[d.pk] = status
        if entry.started or entry.due:
            order = orders.get(d.pk, 0) + 1
            orders[d.pk] = order
            outcome = ""
            if entry.due is not None:
                outcome = Outcome.ON_TIME if entry.at <= entry.due else Outcome.LATE
            steps.append(
                DossierStep(
                    dossier_id=d.pk,
                    order=order,
                    name=(entry.text or department or "—")[:500],
                    unit_label=" — ".join(x for x in (department, officer) if x)[:300],
                    allowance_value=Decimal(0),
                    allowance_unit="working_days",
                    received_at=entry.started,
                    due_at=entry.due,
                    finished_at=entry.at,
                    outcome=outcome,
                    late_by_seconds=max(int((entry.at - entry.due).total_seconds()), 0)
                    if entry.due
                    else 0,
                    note=officer,
                    created_at=now,
                    updated_at=now,
                )
            )
    # A stop the history does not show is dated by the record (the indicators read the event).
    for d in by_code.values():
        if d.status == Status.STOPPED and last_status.get(d.pk) != Status.STOPPED:
            plan = next((p for p, *_r in plans if p.code == d.code), None)
            at = (plan.times.get("NgayKetThucXuLy") if plan else None) or now
            key = f"{at.isoformat()}|8|record"
            if key not in stored.get(d.pk, set()):
                events.append(
                    DossierEvent(
                        dossier_id=d.pk,
                        at=at,
                        action="external",
                        from_status=last_status.get(d.pk, ""),
                        to_status=Status.STOPPED,
                        own_data={"key": key, "status_code": 8},
                    )
                )
    _insert(events)
    _insert(steps)
    result.history = len(events)
    if progress:
        progress(total, total)

"""Inbound import, last phase: the planned records stored as external dossiers, and the history
entries as their timeline events and steps (in the caller's transaction)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max

from isogov.accounts.models import Agency
from isogov.catalog.models import ProcedureChannel, ProcedureVersion
from isogov.core import clock
from isogov.core.inserts import insert_rows
from isogov.core.text import fold_vietnamese
from isogov.dossiers.deadlines import Outcome
from isogov.dossiers.generator.rows import read_counters, write_counters
from isogov.dossiers.models import (
    ApplicantKind,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierStep,
    ReturnMethod,
)
from isogov.dossiers.rulesets import ruleset_in_force
from isogov.dossiers.services import dossiers_stopped_at_fill
from isogov.dossiers.transitions import Status

from .. import wire
from .parsing import TEXTS, Entry, Parsed, field_text

Progress = Callable[[int, int], None]

ENDED = {Status.FINISHED, Status.RETURNED, Status.REFUSED}


def _status(p: Parsed) -> Status:
    status = wire.STATUS_OF_CODE[p.status_code]
    if status == Status.FINISHED and p.times.get("NgayTuChoi"):
        return Status.REFUSED
    return status


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
    d.procedure_name = field_text(p.raw, "TenTTHC") or version.name
    d.channel_kind = kind
    d.time_value, d.time_unit = channel.time_value, channel.time_unit
    d.ruleset = ruleset_in_force(
        clock.to_local(received or t.get("NgayNopHoSo") or clock.now()).date()
    ).code
    d.applicant_kind = (
        ApplicantKind.ORGANISATION
        if field_text(p.raw, "LoaiDoiTuong") in ("2", "3", "4")
        else ApplicantKind.INDIVIDUAL
    )
    for column, name, _length in TEXTS:
        setattr(d, column, field_text(p.raw, name))
    d.request_summary = field_text(p.raw, "TrichYeuHoSo")
    d.status = status
    if status != Status.STOPPED:  # re-sent out of "stopped": it is not stopped (``stopped_at``)
        d.stopped_at = None
    d.submitted_at = t.get("NgayNopHoSo")
    d.received_at = received
    d.start_counted_at = received
    d.due_at = d.promised_due_at = due
    d.finished_at = finished
    d.returned_at = t.get("NgayTra")
    d.return_method = (
        (ReturnMethod.POSTAL if field_text(p.raw, "HinhThuc") == "1" else ReturnMethod.AT_DESK)
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
    "stopped_at",
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


def _register_month(d: Dossier) -> tuple[int, int] | None:
    """The register month (Vietnam time) a dossier is counted in, None when in none."""
    if d.register_line is None or d.received_at is None:
        return None
    local = clock.to_local(d.received_at)
    return local.year, local.month


def store_batch(
    agency: Agency,
    source: str,
    plans: list[tuple[Parsed, ProcedureVersion, ProcedureChannel, str]],
    existing: dict[str, Dossier],
    entries: list[Entry],
    skipped: set[str],
    progress: Progress | None,
    total: int,
) -> tuple[int, int, int]:
    """Store the planned records and the history entries; the numbers of dossiers created and
    updated and of events written."""
    now = clock.now()
    new: list[Dossier] = []
    changed: list[Dossier] = []
    moved: set[int] = set()  # the years of register months a re-sent receipt left or entered
    for p, version, channel, kind in plans:
        d = existing.get(p.code)
        if d is None:
            d = Dossier(agency=agency, code=p.code, source=source, external_code=p.code)
            _fill(d, p, version, channel, kind)
            d.created_at = d.updated_at = now
            new.append(d)
        else:
            month_before = _register_month(d)
            _fill(d, p, version, channel, kind)
            if month_before != _register_month(d):
                moved.update(m[0] for m in (month_before, _register_month(d)) if m)
            d.version += 1
            d.updated_at = now
            changed.append(d)
    # The register (forms 06/07) numbers received dossiers per year: new ones in receipt order.
    counters = read_counters(agency.pk)
    received = [(d.received_at, d.code, d) for d in new if d.received_at is not None]
    for at, _code, d in sorted(received, key=lambda row: (row[0], row[1])):
        d.register_line = counters.next(DossierCounter.register_scope(clock.to_local(at).year))
    for year in moved:  # the register page counts those years' stored months again
        counters.next(DossierCounter.register_moves_scope(year))
    if counters.touched:
        write_counters(agency.pk, counters)
    _insert(new)
    _update(changed, UPDATED)
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
        officer = field_text(entry.raw, "NguoiXuLy")
        department = field_text(entry.raw, "PhongBanXuLy")
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
                    "title": field_text(entry.raw, "ChucDanh"),
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
                )
            )
    # A stop the history does not show is dated by the record (``stopped_at`` is the first one).
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
    dossiers_stopped_at_fill(ids=[d.pk for d in by_code.values() if d.status == Status.STOPPED])
    if progress:
        progress(total, total)
    return len(new), len(changed), len(events)

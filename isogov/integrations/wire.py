"""The portal's record shapes, field by field, both ways (dvcqg-sync.md; docs/integrations.md).

``dossier_record`` and ``history_entries`` build the ``DongBoHoSoMC`` record and the
``CapNhatTienDoHoSoMC`` entries of one of our dossiers; ``inbound`` reads the same shapes back.
Every value is a string; dates are ``yyyyMMddHHmmss`` in Vietnam time (or ISO 8601: the
``DATE_FORMAT`` setting). Field names a portal spells differently are renamed by the
``FIELDS`` setting on the way out and back (``rename``, ``unrename``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from isogov.accounts.models import Agency
from isogov.catalog.models import ChannelKind, Procedure
from isogov.core import clock
from isogov.dossiers.models import ApplicantKind, Dossier, DossierEvent, DossierStep, ReturnMethod
from isogov.dossiers.transitions import NATIONAL_CODE, Status

from . import conf

# KenhThucHien [V]: 1 in person, 2 online, 3 public postal service (missing: in person).
CHANNEL_CODE: dict[str, str] = {
    ChannelKind.IN_PERSON: "1",
    ChannelKind.ONLINE_PARTIAL: "2",
    ChannelKind.ONLINE_FULL: "2",
    ChannelKind.POSTAL: "3",
}
# LoaiDoiTuong [V]: 1 citizen, 2 business (3 state body, 4 other organisation in some systems).
APPLICANT_CODE = {ApplicantKind.INDIVIDUAL: "1", ApplicantKind.ORGANISATION: "2"}
# A portal status code read back (inbound): the state table's status that reports it; 9 with a
# refusal date is a refusal (``inbound``).
STATUS_OF_CODE: dict[int, Status] = {
    1: Status.SUBMITTED_ONLINE,
    2: Status.RECEIVED,
    3: Status.NOT_RECEIVED,
    4: Status.IN_PROCESS,
    5: Status.SUPPLEMENT_REQUESTED,
    6: Status.PAYMENT_REQUESTED,
    7: Status.WITHDRAWAL_REQUESTED,
    8: Status.STOPPED,
    9: Status.FINISHED,
    10: Status.RETURNED,
}
# Timeline events that are a step of the dossier's progress besides its status changes: each
# becomes a history entry (the payments, scans and incidents do not).
STEP_ACTIONS = frozenset(
    {"handover", "send_back", "request_opinion", "answer_opinion", "apologise"}
)


# --- dates ---------------------------------------------------------------------------------
def format_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = clock.to_local(value)
    date_format = conf.portal()["DATE_FORMAT"]
    if date_format == "iso":
        return local.isoformat(timespec="seconds")
    return local.strftime(date_format)


def parse_time(text: str) -> dt.datetime | None:
    """A portal date: ``yyyyMMddHHmmss`` (Vietnam time), ``yyyyMMdd`` or ISO 8601; "" → None.

    Raises ``ValueError`` for anything else (the caller names the row and the field)."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (8, 12, 14):
        # Sliced by hand: ``strptime`` costs more than the rest of an import's row.
        parts = [int(text[i : i + 2]) for i in range(4, len(text), 2)] + [0, 0, 0]
        hour, minute, second = parts[2:5]
        return dt.datetime(
            int(text[:4]), parts[0], parts[1], hour, minute, second, tzinfo=clock.LOCAL_TZ
        )
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=clock.LOCAL_TZ)


# --- field names ---------------------------------------------------------------------------
def rename(payload: Mapping[str, Any]) -> dict[str, Any]:
    fields: Mapping[str, str] = conf.portal()["FIELDS"]
    return {fields.get(key, key): value for key, value in payload.items()}


def names_back() -> dict[str, str]:
    """The wire's field name → ours (empty when the portal spells every field as we do)."""
    return {wire: ours for ours, wire in conf.portal()["FIELDS"].items()}


def unrename(
    payload: Mapping[str, Any], back: Mapping[str, str] | None = None
) -> Mapping[str, Any]:
    back = names_back() if back is None else back
    if not back:
        return payload
    return {back.get(key, key): value for key, value in payload.items()}


# --- the mapping tables, read once per run -------------------------------------------------
@dataclass
class Maps:
    """The three mapping tables of the in-app administration, with their defaults."""

    procedures: dict[int, str] = field(default_factory=dict)  # procedure id → MaTTHC
    agencies: dict[int, str] = field(default_factory=dict)  # agency id → madonvi
    statuses: dict[str, int] = field(default_factory=dict)  # status → TrangThaiHoSo

    @classmethod
    def load(cls) -> Maps:
        from .models import AgencyCodeMap, ProcedureCodeMap, StatusCodeMap

        return cls(
            procedures=dict(ProcedureCodeMap.objects.values_list("procedure_id", "portal_code")),
            agencies=dict(AgencyCodeMap.objects.values_list("agency_id", "portal_code")),
            statuses={
                **{status.value: code for status, code in NATIONAL_CODE.items()},
                **dict(StatusCodeMap.objects.values_list("status", "portal_code")),
            },
        )

    def procedure_code(self, procedure: Procedure) -> str:
        return self.procedures.get(procedure.pk, procedure.code)

    def agency_code(self, agency: Agency) -> str:
        return self.agencies.get(agency.pk, agency.code)

    def status_code(self, status: str) -> str:
        return str(self.statuses[status]) if status else ""


# --- outbound: our dossier as the portal's record and history ------------------------------
def _first_at(events: Iterable[DossierEvent], statuses: set[str]) -> dt.datetime | None:
    return next((event.at for event in events if event.to_status in statuses), None)


def dossier_record(dossier: Dossier, events: list[DossierEvent], maps: Maps) -> dict[str, str]:
    """The ``DongBoHoSoMC`` record of one dossier (docs/integrations.md, the mapping table)."""
    procedure = dossier.procedure_version.procedure
    sector = procedure.sector
    stopped_at = _first_at(events, {Status.STOPPED})
    refused_at = _first_at(events, {Status.REFUSED, Status.NOT_RECEIVED})
    ended_at = dossier.finished_at or stopped_at
    record = {
        "MaHoSo": dossier.code,
        "MaTTHC": maps.procedure_code(procedure),
        "TenTTHC": dossier.procedure_name,
        "MaLinhVuc": sector.code,
        "TenLinhVuc": sector.name,
        "SoBienNhan": dossier.reference,
        "KenhThucHien": CHANNEL_CODE.get(dossier.channel_kind, "1"),
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": APPLICANT_CODE.get(ApplicantKind(dossier.applicant_kind), "1"),
        "SoGiayToChuHoSo": dossier.applicant_id_number,
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.request_summary,
        "NgayNopHoSo": format_time(dossier.submitted_at),
        "NgayTiepNhan": format_time(dossier.received_at),
        "NgayHenTra": format_time(dossier.promised_due_at),
        "NgayKetThucXuLy": format_time(ended_at),
        "NgayTra": format_time(dossier.returned_at),
        "NgayTuChoi": format_time(refused_at),
        "TrangThaiHoSo": maps.status_code(dossier.status),
        "HinhThuc": "1" if dossier.return_method == ReturnMethod.POSTAL else "0",
        "DonViXuLy": dossier.handling_unit.name if dossier.handling_unit else "",
        "madonvi": maps.agency_code(dossier.agency),
    }
    return rename(record)


def history_events(events: Iterable[DossierEvent]) -> list[DossierEvent]:
    """The events that are history entries: every status change and every step, in order."""
    return [event for event in events if event.to_status or event.action in STEP_ACTIONS]


def history_entries(
    dossier: Dossier, events: list[DossierEvent], steps: Mapping[int, DossierStep], maps: Maps
) -> list[dict[str, str]]:
    """The ``CapNhatTienDoHoSoMC`` entries of one dossier, oldest first."""
    from isogov.dossiers.actions import EVENT_LABELS

    entries = []
    status = ""
    for event in history_events(events):
        status = event.to_status or status or event.from_status or dossier.status
        step = steps.get(int((event.data or {}).get("step") or 0))
        label = str(EVENT_LABELS.get(event.action, event.action))
        entries.append(
            rename(
                {
                    "MaHoSo": dossier.code,
                    "NguoiXuLy": event.actor.display_name if event.actor else "",
                    "ChucDanh": "",
                    "ThoiDiemXuLy": format_time(event.at),
                    "PhongBanXuLy": step.unit_label if step else "",
                    "NoiDungXuLy": f"{label}: {event.message}" if event.message else label,
                    "TrangThai": maps.status_code(status),
                    "NgayBatDau": format_time(step.received_at) if step else "",
                    "NgayKetThucTheoQuyDinh": format_time(step.due_at) if step else "",
                }
            )
        )
    return entries

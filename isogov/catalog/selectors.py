"""Every non-trivial read of the catalogue.

The catalogue is public information: the public selectors need no user. Back-office
selectors scope to the agencies the user may see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isogov.accounts.models import Agency, RoleAssignment, User
from isogov.accounts.roles import Role
from isogov.accounts.selectors import user_scope
from isogov.core import clock
from isogov.core.errors import NotFound
from isogov.core.text import search_terms
from isogov.workcal.selectors import calendar_for

from . import deadlines
from .models import (
    AgencyProcedure,
    ChannelKind,
    FeeItem,
    ImportJob,
    InternalProcess,
    LegalBasis,
    LegalChange,
    OnlineLevel,
    Paper,
    Procedure,
    ProcedureChannel,
    ProcedureVersion,
    ProcessStep,
    ReviewCampaign,
    Sector,
    TimeUnitChoice,
    VersionStatus,
)
from .permissions import CATALOG_MANAGERS
from .transitions import VersionAction, actions_for

IN_FORCE_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
_NOT_WORD = re.compile(r"[^\w.]+")


def search_words(folded: str) -> list[str]:
    """Words of an already folded text, punctuation dropped ("(cfs)" → "cfs")."""
    return [w.strip(".") for w in _NOT_WORD.sub(" ", folded).split() if w.strip(".")]


def _local_date(at: dt.datetime | dt.date | None) -> dt.date:
    if at is None:
        return clock.today()
    if isinstance(at, dt.datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def in_force_filter(at: dt.datetime | dt.date | None = None, prefix: str = "") -> Q:
    """Versions in force on the local date of ``at`` (``effective_to`` is inclusive)."""
    day = _local_date(at)
    return Q(**{f"{prefix}status__in": IN_FORCE_STATUSES, f"{prefix}effective_from__lte": day}) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": day})
    )


def version_in_force(
    *, procedure: Procedure, at: dt.datetime | dt.date | None = None
) -> ProcedureVersion | None:
    """The version of ``procedure`` in force at ``at`` (Vietnam date), or ``None``."""
    return (
        ProcedureVersion.objects.filter(in_force_filter(at), procedure=procedure)
        .order_by("-effective_from")
        .first()
    )


def _detail_prefetch(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return qs.select_related("procedure__sector").prefetch_related(
        Prefetch(
            "channels",
            queryset=ProcedureChannel.objects.prefetch_related(
                Prefetch("fees", queryset=FeeItem.objects.order_by("order"))
            ),
        ),
        Prefetch("fees", queryset=FeeItem.objects.filter(channel__isnull=True)),
        "papers",
        "legal_bases",
    )


def procedure_get_public(*, code: str) -> Procedure:
    """A procedure by its code, for the public pages and API; ``NotFound`` otherwise."""
    procedure = Procedure.objects.select_related("sector").filter(code=code).first()
    if procedure is None:
        raise NotFound()
    return procedure


def version_detail(*, version_id: int) -> ProcedureVersion:
    """One version with every component loaded."""
    version = _detail_prefetch(ProcedureVersion.objects.filter(pk=version_id)).first()
    if version is None:
        raise NotFound()
    return version


def version_in_force_detail(
    *, procedure: Procedure, at: dt.datetime | dt.date | None = None
) -> ProcedureVersion:
    """The version in force with every component loaded; ``NotFound`` if none is."""
    version = (
        _detail_prefetch(ProcedureVersion.objects.filter(in_force_filter(at), procedure=procedure))
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise NotFound()
    return version


def procedure_search(
    *,
    q: str = "",
    sector: str = "",
    channel: str = "",
    level: str = "",
    online_level: str = "",
    agency: Agency | None = None,
    agency_code: str = "",
    at: dt.datetime | dt.date | None = None,
) -> QuerySet[ProcedureVersion]:
    """The versions in force that match: every folded query term, and each given filter.

    Search ignores diacritics and case ("giay phep in" finds "Cấp giấy phép hoạt động in").
    """
    qs = ProcedureVersion.objects.filter(in_force_filter(at))
    for term in search_words(" ".join(search_terms(q))):
        qs = qs.filter(search_text__contains=f" {term}")
    if sector:
        qs = qs.filter(procedure__sector__code=sector)
    if level:
        qs = qs.filter(procedure__level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    if channel:
        qs = qs.filter(channels__kind=channel)
    if agency is not None:
        qs = qs.filter(procedure__agencies__agency=agency, procedure__agencies__is_active=True)
    if agency_code:
        qs = qs.filter(
            procedure__agencies__agency__code=agency_code, procedure__agencies__is_active=True
        )
    return qs.select_related("procedure__sector").order_by("procedure__code")


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.order_by("name")


def version_process(*, version: ProcedureVersion) -> InternalProcess | None:
    """The internal process of a version (the newest issue), with its steps."""
    return (
        InternalProcess.objects.filter(versions=version)
        .prefetch_related(
            Prefetch("steps", queryset=ProcessStep.objects.select_related("unit").order_by("order"))
        )
        .order_by("-issue_number")
        .first()
    )


def _decimal(value: Any) -> Any:
    if value is None:
        return None
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def _fee(fee: FeeItem) -> dict[str, Any]:
    return {"name": fee.name, "amount_vnd": fee.amount_vnd, "note": fee.note}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def version_as_record(*, version: ProcedureVersion) -> dict[str, Any]:
    """A version in the exchange format (``docs/catalog-import.md``)."""
    channels = list(version.channels.all())
    return {
        "number": version.number,
        "status": version.status,
        "effective_from": _day(version.effective_from),
        "effective_to": _day(version.effective_to),
        "name": version.name,
        "decision_number": version.decision_number,
        "decision_date": _day(version.decision_date),
        "decision_issuer": version.decision_issuer,
        "steps_text": version.steps_text,
        "applicants": version.applicants,
        "authority": version.authority,
        "receiving_address": version.receiving_address,
        "delegated_agency": version.delegated_agency,
        "coordinating_agencies": version.coordinating_agencies,
        "result": version.result,
        "conditions": version.conditions,
        "online_level": version.online_level,
        "keywords": version.keywords,
        "related_codes": list(version.related_codes or []),
        "description": version.description,
        "channels": [
            {
                "kind": c.kind,
                "time": {"value": _decimal(c.time_value), "unit": c.time_unit},
                "time_note": c.time_note,
                "fees": [_fee(f) for f in sorted(c.fees.all(), key=lambda f: (f.order, f.pk))],
            }
            for c in sorted(channels, key=lambda c: c.pk)
        ],
        "fees": [
            _fee(f)
            for f in sorted(version.fees.all(), key=lambda f: (f.order, f.pk))
            if f.channel_id is None
        ],
        "papers": [
            {
                "name": p.name,
                "template": p.template.name if p.template else "",
                "originals": p.originals,
                "copies": p.copies,
                "is_required": p.is_required,
                "condition": p.condition,
            }
            for p in version.papers.all()
        ],
        "legal_bases": [
            {
                "number": b.number,
                "summary": b.summary,
                "issued_on": _day(b.issued_on),
                "issuer": b.issuer,
            }
            for b in version.legal_bases.all()
        ],
    }


def process_as_record(*, process: InternalProcess) -> dict[str, Any]:
    return {
        "code": process.code,
        "issue_number": process.issue_number,
        "title": process.title,
        "approved_by": process.approved_by,
        "approved_on": _day(process.approved_on),
        "is_illustrative": process.is_illustrative,
        "versions": [
            {"procedure": v.procedure.code, "number": v.number}
            for v in process.versions.select_related("procedure").order_by(
                "procedure__code", "number"
            )
        ],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "unit": s.unit.code if s.unit else "",
                "unit_label": s.unit_label,
                "role": s.role,
                "description": s.description,
                "allowance": {"value": _decimal(s.allowance_value), "unit": s.allowance_unit},
                "result_form": s.result_form,
                "is_counted": s.is_counted,
            }
            for s in process.steps.select_related("unit").order_by("order")
        ],
    }


@dataclass(frozen=True)
class DiffRow:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        elif isinstance(value, list):
            if all(isinstance(v, dict) for v in value) and value:
                for i, item in enumerate(value, start=1):
                    flat.update(_flatten(item, f"{path}[{i}]."))
            else:
                flat[path] = ", ".join(str(v) for v in value)
        else:
            flat[path] = "" if value is None else str(value)
    return flat


_SECTION_MODELS = {
    "channels": ProcedureChannel,
    "fees": FeeItem,
    "papers": Paper,
    "legal_bases": LegalBasis,
}
_SECTION_LABELS = {
    "channels": gettext_lazy("How to apply"),
    "fees": gettext_lazy("Fee"),
    "papers": gettext_lazy("Paper"),
    "legal_bases": gettext_lazy("Legal basis"),
}
_NESTED_LABELS = {"time.value": "time_value", "time.unit": "time_unit"}
_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "kind": dict(ChannelKind.choices),
    "unit": dict(TimeUnitChoice.choices),
    "online_level": dict(OnlineLevel.choices),
}
_PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _diff_label(path: str) -> str:
    """``channels[2].time.value`` → "cách thức thực hiện 2 › thời hạn giải quyết"."""
    section, _dot, rest = path.partition(".")
    match = _PATH_PART.fullmatch(section)
    if match is None:
        return path
    name, index = match.groups()
    if not rest:
        try:
            return str(getattr(ProcedureVersion._meta.get_field(name), "verbose_name", name))
        except Exception:
            return path
    model = _SECTION_MODELS.get(name)
    if model is None:
        return path
    field_name = _NESTED_LABELS.get(rest, rest)
    section_label = _SECTION_LABELS[name]
    if rest.startswith("fees["):
        return f"{section_label} {index} › {_diff_label(rest)}"
    try:
        field_label = str(getattr(model._meta.get_field(field_name), "verbose_name", rest))
    except Exception:
        field_label = rest
    return f"{section_label} {index} › {field_label}"


def _diff_value(path: str, value: str) -> str:
    key = path.rsplit(".", 1)[-1]
    labels = _CHOICE_LABELS.get(key)
    if labels and value in labels:
        return str(labels[value])
    if value in ("True", "False"):
        return str(_("Yes") if value == "True" else _("No"))
    return value


def version_diff(*, old: ProcedureVersion | None, new: ProcedureVersion) -> list[DiffRow]:
    """Field by field comparison of two versions (side by side in the back office)."""
    ignore = {"number", "status", "effective_from", "effective_to"}

    def flat(version: ProcedureVersion | None) -> dict[str, str]:
        if version is None:
            return {}
        record = version_as_record(version=version)
        return _flatten({k: v for k, v in record.items() if k not in ignore})

    before, after = flat(old), flat(new)
    keys = list(after) + [k for k in before if k not in after]
    return [
        DiffRow(
            _diff_label(k),
            _diff_value(k, before.get(k, "")),
            _diff_value(k, after.get(k, "")),
        )
        for k in keys
    ]


def catalog_export_data() -> dict[str, Any]:
    """The whole catalogue in the exchange format."""
    procedures = Procedure.objects.select_related("sector").prefetch_related(
        Prefetch(
            "versions",
            queryset=ProcedureVersion.objects.order_by("number").prefetch_related(
                "channels__fees", "fees", "papers", "legal_bases"
            ),
        )
    )
    return {
        "format": "isogov-catalog/1",
        "sectors": [{"code": s.code, "name": s.name} for s in Sector.objects.order_by("code")],
        "procedures": [
            {
                "code": p.code,
                "level": p.level,
                "sector": p.sector.code,
                "versions": [version_as_record(version=v) for v in p.versions.all()],
            }
            for p in procedures.order_by("code")
        ],
        "processes": [
            process_as_record(process=process)
            for process in InternalProcess.objects.order_by("code", "issue_number")
        ],
        "assignments": [
            {
                "agency": a.agency.code,
                "procedure": a.procedure.code,
                "unit": a.unit.code if a.unit else "",
                "is_active": a.is_active,
                "promise": (
                    {"value": _decimal(a.promise_value), "unit": a.promise_unit}
                    if a.promise_value is not None
                    else None
                ),
            }
            for a in AgencyProcedure.objects.select_related("agency", "procedure", "unit").order_by(
                "agency__code", "procedure__code"
            )
        ],
    }


# Back office -------------------------------------------------------------------------------


def procedure_list_for_user(*, user: User, q: str = "") -> QuerySet[Procedure]:
    """Procedures the user's agencies carry out (every procedure for administrators)."""
    scope = user_scope(user=user)
    qs = Procedure.objects.select_related("sector").prefetch_related("versions")
    if not scope.is_global:
        qs = qs.filter(agencies__agency_id__in=scope.agency_ids).distinct()
    for term in search_words(" ".join(search_terms(q))):
        qs = qs.filter(versions__search_text__contains=f" {term}").distinct()
    return qs.order_by("code")


def procedure_get_for_user(*, user: User, code: str) -> Procedure:
    procedure = procedure_list_for_user(user=user).filter(code=code).first()
    if procedure is None:
        raise NotFound()
    return procedure


def user_can_manage_catalog(*, user: User, agency: Agency | None = None) -> bool:
    """Whether the user is a catalogue manager (of ``agency``, or of any agency)."""
    scope = user_scope(user=user)
    if scope.is_global:
        return True
    qs = RoleAssignment.objects.filter(user=user, role__in=CATALOG_MANAGERS)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.exists()


def user_roles_for_procedure(*, user: User, procedure: Procedure) -> frozenset[str]:
    """The roles ``user`` holds in the agencies carrying out ``procedure`` (in any agency while
    none does yet; every role for a system administrator)."""
    if user_scope(user=user).is_global:
        return frozenset(Role.values)
    agency_ids = list(
        AgencyProcedure.objects.filter(procedure=procedure).values_list("agency_id", flat=True)
    )
    assignments = RoleAssignment.objects.filter(user=user)
    if agency_ids:
        assignments = assignments.filter(agency_id__in=agency_ids)
    return frozenset(assignments.values_list("role", flat=True))


def procedure_get_for_manager(*, user: User, code: str) -> Procedure:
    """A procedure the user may maintain: a manager of an agency that carries it out.

    A procedure no agency carries out yet may be maintained by any catalogue manager.
    """
    procedure = procedure_get_public(code=code)
    if not user_roles_for_procedure(user=user, procedure=procedure) & CATALOG_MANAGERS:
        raise NotFound()
    return procedure


def version_actions(*, user: User, version: ProcedureVersion) -> frozenset[VersionAction]:
    """The actions of the action table ``user`` may run on ``version`` now."""
    roles = user_roles_for_procedure(user=user, procedure=version.procedure)
    return actions_for(status=version.status, roles=roles)


def version_get_for_manager(*, user: User, code: str, number: int) -> ProcedureVersion:
    procedure = procedure_get_for_manager(user=user, code=code)
    version = _detail_prefetch(
        ProcedureVersion.objects.filter(procedure=procedure, number=number)
    ).first()
    if version is None:
        raise NotFound()
    return version


def agencies_with_procedures() -> QuerySet[Agency]:
    """Agencies that carry out at least one procedure (the public agency filter)."""
    return Agency.objects.filter(procedures__is_active=True).distinct().order_by("name")


def procedure_assignments(*, procedure: Procedure) -> QuerySet[AgencyProcedure]:
    return AgencyProcedure.objects.filter(procedure=procedure).select_related("agency", "unit")


def procedure_agencies(*, procedure: Procedure) -> list[Agency]:
    return [
        a.agency
        for a in AgencyProcedure.objects.filter(procedure=procedure, is_active=True).select_related(
            "agency"
        )
    ]


@dataclass(frozen=True)
class LegalChangeRow:
    change: LegalChange
    publication_deadline: dt.date
    iso_deadline: dt.date
    publication_overdue: bool
    iso_overdue: bool


def legal_change_watch(*, today: dt.date | None = None) -> list[LegalChangeRow]:
    """Registered legal changes with their publication and ISO update deadlines."""
    today = today or clock.today()
    calendar = calendar_for(agency=None)
    rows = []
    for change in LegalChange.objects.prefetch_related("procedures").order_by("effective_on"):
        publish_by = deadlines.publication_deadline(
            change.effective_on, change.publisher_level, is_working_day=calendar.is_working_day
        )
        iso_by = deadlines.iso_update_deadline(change.effective_on)
        rows.append(
            LegalChangeRow(
                change=change,
                publication_deadline=publish_by,
                iso_deadline=iso_by,
                publication_overdue=change.published_on is None and today > publish_by,
                iso_overdue=change.iso_updated_on is None and today > iso_by,
            )
        )
    return rows


def review_campaign_list(*, user: User) -> QuerySet[ReviewCampaign]:
    scope = user_scope(user=user)
    qs = ReviewCampaign.objects.select_related("agency").prefetch_related(
        "findings__procedure", "findings__reviewer"
    )
    return qs if scope.is_global else qs.filter(agency_id__in=scope.agency_ids)


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """Imports the user started (every import for administrators)."""
    qs = ImportJob.objects.select_related("created_by").order_by("-created_at")
    return qs if user_scope(user=user).is_global else qs.filter(created_by=user)


def import_job_get(*, user: User, pk: int) -> ImportJob:
    job = import_job_list(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job

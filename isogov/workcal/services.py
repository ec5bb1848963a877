"""Writes to an agency's working calendar; each bumps the calendar version (cache key)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, User
from isogov.accounts.roles import CALENDAR_MANAGERS, Role
from isogov.accounts.selectors import user_has_role, user_scope
from isogov.audit.services import audit_record
from isogov.core.errors import (
    PermissionDenied,
    ValidationFailed,
    check_version,
    full_clean_or_fail,
)

from .models import (
    AgencyCalendar,
    CalendarOverride,
    CalendarReview,
    NationalCalendar,
    NationalDayOverride,
    new_revision,
)

NOT_CALENDAR_MANAGER = _(
    "Only the agency's leader, ISO secretary or an administrator may change its calendar."
)
OVERRIDE_EXISTS = _("This date already has an override; remove it first.")
NOT_SYSTEM_ADMIN = _("Only a system administrator may change the national calendar.")
NATIONAL_DATE_OUT_OF_RANGE = _(
    "The date must lie in the working calendar's years (%(first)d–%(last)d)."
)
NATIONAL_OVERRIDE_FIELDS = ["date", "kind", "name", "legal_basis"]
OVERRIDE_FIELDS = [
    "date",
    "kind",
    "name",
    "start_time",
    "end_time",
    "decision_number",
    "decision_date",
    "decision_issuer",
]


def _require_manager(actor: User | None, agency: Agency) -> None:
    if actor is not None and not user_has_role(user=actor, roles=CALENDAR_MANAGERS, agency=agency):
        raise PermissionDenied(NOT_CALENDAR_MANAGER)


def _bump(agency: Agency) -> AgencyCalendar:
    """A new revision, so every process recompiles the agency's calendar."""
    calendar, _created = AgencyCalendar.objects.get_or_create(agency=agency)
    AgencyCalendar.objects.filter(pk=calendar.pk).update(revision=new_revision())
    calendar.refresh_from_db()
    return calendar


@transaction.atomic
def calendar_override_create(
    *,
    actor: User | None,
    agency: Agency,
    date: dt.date,
    kind: str,
    name: str,
    decision_number: str,
    decision_date: dt.date | None = None,
    decision_issuer: str = "",
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
) -> CalendarOverride:
    """Record an agency's day off, make-up working day or special hours for one date."""
    _require_manager(actor, agency)
    if CalendarOverride.objects.filter(agency=agency, date=date).exists():
        raise ValidationFailed(OVERRIDE_EXISTS, details={"date": [str(OVERRIDE_EXISTS)]})
    override = CalendarOverride(
        agency=agency,
        date=date,
        kind=kind,
        name=name,
        decision_number=decision_number,
        decision_date=decision_date,
        decision_issuer=decision_issuer,
        start_time=start_time,
        end_time=end_time,
    )
    full_clean_or_fail(override)
    override.save()
    _bump(agency)
    audit_record(
        actor=actor,
        action="calendar.override.create",
        target=override,
        agency=agency,
        after=model_to_dict(override, fields=OVERRIDE_FIELDS),
    )
    return override


@transaction.atomic
def calendar_override_delete(
    *, actor: User | None, override: CalendarOverride, reason: str
) -> None:
    """Remove an override (the audit trail keeps what it was and why it went)."""
    agency = override.agency
    _require_manager(actor, agency)
    before = model_to_dict(override, fields=OVERRIDE_FIELDS)
    override_id = override.pk
    override.delete()
    _bump(agency)
    audit_record(
        actor=actor,
        action="calendar.override.delete",
        object_type="workcal.calendaroverride",
        object_id=override_id,
        agency=agency,
        before=before,
        reason=reason,
    )


@transaction.atomic
def calendar_settings_update(
    *,
    actor: User | None,
    agency: Agency,
    version: int,
    morning_start: dt.time,
    morning_end: dt.time,
    afternoon_start: dt.time,
    afternoon_end: dt.time,
    count_from: str,
) -> AgencyCalendar:
    """Change an agency's office hours or clock-start rule (version-checked)."""
    _require_manager(actor, agency)
    calendar, _created = AgencyCalendar.objects.get_or_create(agency=agency)
    calendar = AgencyCalendar.objects.select_for_update().get(pk=calendar.pk)
    check_version(stored=calendar.version, sent=version)
    fields = ["morning_start", "morning_end", "afternoon_start", "afternoon_end", "count_from"]
    before = model_to_dict(calendar, fields=fields)
    calendar.morning_start = morning_start
    calendar.morning_end = morning_end
    calendar.afternoon_start = afternoon_start
    calendar.afternoon_end = afternoon_end
    calendar.count_from = count_from
    full_clean_or_fail(calendar)
    calendar.version += 1
    calendar.revision = new_revision()
    calendar.save(update_fields=[*fields, "version", "revision", "updated_at"])
    audit_record(
        actor=actor,
        action="calendar.settings.update",
        target=calendar,
        agency=agency,
        before=before,
        after=model_to_dict(calendar, fields=fields),
    )
    return calendar


@transaction.atomic
def calendar_review_mark(
    *, actor: User, agency: Agency, year: int, note: str = ""
) -> CalendarReview:
    """Record that the agency checked its calendar for ``year``."""
    _require_manager(actor, agency)
    review, created = CalendarReview.objects.get_or_create(
        agency=agency, year=year, defaults={"reviewed_by": actor, "note": note}
    )
    if created:
        audit_record(
            actor=actor,
            action="calendar.review",
            target=review,
            agency=agency,
            after={"year": year, "note": note},
        )
    return review


def _require_system_admin(actor: User | None) -> None:
    if actor is not None and not user_scope(user=actor).has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied(NOT_SYSTEM_ADMIN)


def _national_calendar_locked(version: int | str | None) -> NationalCalendar:
    """The national calendar row, locked and version-checked (created at version 1)."""
    NationalCalendar.objects.get_or_create(pk=NationalCalendar.SINGLETON_ID)
    national = NationalCalendar.objects.select_for_update().get(pk=NationalCalendar.SINGLETON_ID)
    check_version(stored=national.version, sent=version)
    return national


def _national_bump(national: NationalCalendar) -> None:
    """A new version and revision: every agency's cached calendar is recompiled."""
    national.version += 1
    national.revision = new_revision()
    national.save(update_fields=["version", "revision", "updated_at"])


@transaction.atomic
def national_override_set(
    *,
    actor: User | None,
    version: int | str | None,
    date: dt.date,
    kind: str,
    name: str,
    legal_basis: str,
) -> NationalDayOverride:
    """Make ``date`` a holiday or a working day for every agency (system administrators only).

    A second decision on the same date replaces the first; the audit trail keeps both.
    """
    _require_system_admin(actor)
    national = _national_calendar_locked(version)
    first, last = settings.WORKCAL_FIRST_YEAR, settings.WORKCAL_LAST_YEAR
    if not first <= date.year <= last:
        message = NATIONAL_DATE_OUT_OF_RANGE % {"first": first, "last": last}
        raise ValidationFailed(message, details={"date": [str(message)]})
    override = NationalDayOverride.objects.filter(date=date).first()
    before = model_to_dict(override, fields=NATIONAL_OVERRIDE_FIELDS) if override else None
    override = override or NationalDayOverride(date=date)
    override.kind = kind
    override.name = name
    override.legal_basis = legal_basis
    full_clean_or_fail(override)
    override.save()
    _national_bump(national)
    audit_record(
        actor=actor,
        action="calendar.national_override.set",
        target=override,
        before=before,
        after=model_to_dict(override, fields=NATIONAL_OVERRIDE_FIELDS),
    )
    return override


@transaction.atomic
def national_override_delete(
    *, actor: User | None, version: int | str | None, override: NationalDayOverride, reason: str
) -> None:
    """Remove a national override: the date is again what the ``holidays`` package says."""
    _require_system_admin(actor)
    national = _national_calendar_locked(version)
    before = model_to_dict(override, fields=NATIONAL_OVERRIDE_FIELDS)
    override_id = override.pk
    override.delete()
    _national_bump(national)
    audit_record(
        actor=actor,
        action="calendar.national_override.delete",
        object_type="workcal.nationaldayoverride",
        object_id=override_id,
        before=before,
        reason=reason,
    )

"""Management review (§9.3), the conformity announcement, external inspections and the
yearly report (Decision 19/2014/QĐ-TTg, Circular 26/2014/TT-BKHCN)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from isogov.accounts.models import Agency, User
from isogov.accounts.selectors import user_has_role
from isogov.core import clock
from isogov.core.errors import ConflictError, PermissionDenied

from ..models import (
    ConformityAnnouncement,
    CorrectiveAction,
    ExternalInspection,
    ManagementReview,
    QmsScope,
    YearlyReport,
)
from ..rules import add_months
from ._common import LEADERS, fail, record, require_manager

NOT_A_LEADER = _("Only the agency's leader may do this.")
NO_SCOPE = _("Set the QMS scope before announcing conformity.")
FUTURE_DAY = _("The day cannot be in the future.")
REPORT_DAY_YEAR = _("The report of %(year)s is sent in %(year)s or in the following year.")
NO_ANNOUNCEMENT = _("Choose a decision from the list.")
FUTURE_MEETING = _("A management review is recorded once it has been held.")

# Circular 26/2014: corrective actions reported within 2 months of the inspection record ([A]
# article not confirmed).
INSPECTION_REPORT_MONTHS = 2
# Decision 19/2014: the yearly report is due in December ([A] on 15 December; article not
# confirmed).
YEARLY_REPORT_DAY = (12, 15)


@transaction.atomic
def management_review_record(
    *,
    actor: User,
    agency: Agency,
    held_on: dt.date,
    chair: User,
    attendees: str,
    conclusions: str,
    system_effective: bool,
) -> ManagementReview:
    """Record a held review with its input pack assembled from live data (§9.3.2 a–f)."""
    from ..selectors import review_pack

    require_manager(actor=actor, agency=agency)
    if held_on > clock.today():
        raise fail("held_on", FUTURE_MEETING)
    if not user_has_role(user=chair, roles=LEADERS, agency=agency):
        raise fail("chair", _("The review is chaired by the agency's leader."))
    review = ManagementReview.objects.create(
        agency=agency,
        held_on=held_on,
        chair=chair,
        attendees=attendees,
        conclusions=conclusions,
        system_effective=system_effective,
        pack=review_pack(agency=agency, until=held_on),
    )
    record(actor=actor, action="review.record", target=review, agency=agency)
    return review


@transaction.atomic
def review_output_add(
    *, actor: User, review: ManagementReview, description: str, owner: User, due_on: dt.date
) -> CorrectiveAction:
    """An output of the review (§9.3.3) becomes a tracked action."""
    require_manager(actor=actor, agency=review.agency)
    if not description.strip():
        raise fail("description", _("Describe the action."))
    action = CorrectiveAction.objects.create(
        review=review, description=description.strip(), owner=owner, due_on=due_on
    )
    record(actor=actor, action="review.output", target=action, agency=review.agency)
    return action


@transaction.atomic
def management_review_delete(*, actor: User, review_id: int) -> None:
    """Remove a review recorded by mistake (its outputs go with it)."""
    review = ManagementReview.objects.select_related("agency").get(pk=review_id)
    require_manager(actor=actor, agency=review.agency)
    record(actor=actor, action="review.delete", target=review, agency=review.agency)
    review.delete()


@transaction.atomic
def announcement_issue(
    *, actor: User, agency: Agency, number: str, signed_on: dt.date
) -> ConformityAnnouncement:
    """The conformity announcement decision, generated from the current scope (appendix I)."""
    if not user_has_role(user=actor, roles=LEADERS, agency=agency):
        raise PermissionDenied(NOT_A_LEADER)
    scope = QmsScope.objects.select_for_update().filter(agency=agency).first()
    if scope is None:
        raise ConflictError(NO_SCOPE)
    if not number.strip():
        raise fail("number", _("Give the decision's number."))
    procedures = [
        f"{p.code} – {p.versions.order_by('-number').first() or p.code}"
        for p in scope.procedures.order_by("code")
    ]
    announcement = ConformityAnnouncement.objects.create(
        agency=agency,
        number=number.strip(),
        signed_on=signed_on,
        signer=actor,
        scope_statement=scope.statement,
        procedures=procedures,
    )
    scope.needs_reannouncement = False
    scope.version += 1
    scope.save(update_fields=["needs_reannouncement", "version", "updated_at"])
    record(actor=actor, action="announcement.issue", target=announcement, agency=agency)
    return announcement


@transaction.atomic
def announcement_mark(
    *, actor: User, announcement_id: int, which: str, on: dt.date
) -> ConformityAnnouncement:
    """Record the notice to the Department of Science and Technology, or the posting."""
    announcement = (
        ConformityAnnouncement.objects.select_for_update().filter(pk=announcement_id).first()
    )
    if announcement is None:
        raise fail("announcement", NO_ANNOUNCEMENT)
    require_manager(actor=actor, agency=announcement.agency)
    if on > clock.today():
        raise fail("on", FUTURE_DAY)
    if which == "notified":
        announcement.dost_notified_on = on
    elif which == "posted":
        announcement.posted_on = on
    else:
        raise fail("which", _("Choose what was done."))
    announcement.save()
    record(
        actor=actor, action=f"announcement.{which}", target=announcement, agency=announcement.agency
    )
    return announcement


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    agency: Agency,
    inspector: str,
    record_number: str,
    record_on: dt.date,
    findings: str,
) -> ExternalInspection:
    """An inspection record; its corrective actions are due within 2 months (Circular 26/2014)."""
    require_manager(actor=actor, agency=agency)
    inspection = ExternalInspection.objects.create(
        agency=agency,
        inspector=inspector,
        record_number=record_number,
        record_on=record_on,
        findings=findings,
        corrective_due_on=add_months(record_on, INSPECTION_REPORT_MONTHS),
    )
    record(actor=actor, action="inspection.record", target=inspection, agency=agency)
    return inspection


def yearly_report_due(year: int) -> dt.date:
    return dt.date(year, *YEARLY_REPORT_DAY)


@transaction.atomic
def yearly_report_open(*, agency: Agency, year: int) -> YearlyReport:
    """The year's report row (idempotent); its draft PDF is generated from live data."""
    report, _created = YearlyReport.objects.get_or_create(
        agency=agency, year=year, defaults={"due_on": yearly_report_due(year)}
    )
    return report


@transaction.atomic
def yearly_report_submit(*, actor: User, agency: Agency, year: int, on: dt.date) -> YearlyReport:
    """Record the day the yearly report was sent (appendix II of Decision 19/2014)."""
    require_manager(actor=actor, agency=agency)
    if not 2014 <= year <= 2100:
        raise fail("year", _("Choose a year from 2014 to 2100."))
    if on.year not in (year, year + 1):
        raise fail("submitted_on", REPORT_DAY_YEAR, year=year)
    if on > clock.today():
        raise fail("submitted_on", FUTURE_DAY)
    report = yearly_report_open(agency=agency, year=year)
    report = YearlyReport.objects.select_for_update().get(pk=report.pk)
    report.submitted_on = on
    report.save(update_fields=["submitted_on", "updated_at"])
    record(actor=actor, action="yearly_report.submit", target=report, agency=agency, year=year)
    return report

"""Staff pages: the agency's feedback queue, an item with the actions the table allows, and the
counter tablet (kiosk) that rates the officer at the desk. Public pages live in ``portal``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency, RoleAssignment
from isogov.core import clock
from isogov.core.errors import ApplicationError, NotFound
from isogov.workcal.selectors import calendar_for

from . import deadlines, selectors, services
from .models import (
    CRITERIA_QUESTIONS,
    AnswerRating,
    CountRating,
    FeedbackItem,
    FeedbackKind,
    Satisfaction,
    TimeRating,
)
from .transitions import ACTIONS, Action, FeedbackStatus, Kind, actions_for


def _state_label(value: str) -> str:
    labels = {"early": _("Before the deadline"), "on_time": _("On time"), "late": _("Overdue")}
    return str(labels.get(value, ""))


def _open_due(item: FeedbackItem) -> Any:
    """The deadline that matters now: answer (or publication once answered)."""
    if item.status == FeedbackStatus.ANSWERED and item.consent_publish:
        return item.publish_due_at, item.published_at
    return item.answer_due_at, item.answered_at or item.refused_at


def _row(item: FeedbackItem, now: Any) -> dict[str, Any]:
    due, done = _open_due(item)
    waiting = item.status == FeedbackStatus.INFO_REQUESTED
    state = (
        ""
        if waiting or item.status == FeedbackStatus.REFUSED
        else deadlines.state(calendar_for(agency=item.agency), due_at=due, done_at=done, now=now)
    )
    return {"item": item, "due": due, "state": state, "state_label": _state_label(state)}


def _agency_param(request: AuthenticatedHttpRequest) -> Agency | None:
    agencies = selectors.feedback_agencies(user=request.user)
    code = request.GET.get("agency", "")
    if code:
        agency = agencies.filter(code=code).first()
        if agency is None:
            raise NotFound()
        return agency
    return None


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Phản ánh kiến nghị: the items the user handles, oldest deadline first, filtered."""
    status = request.GET.get("status", "")
    status = status if status in FeedbackStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in FeedbackKind.values else ""
    unit_raw = request.GET.get("unit", "")
    unit_id = int(unit_raw) if unit_raw.isdigit() and len(unit_raw) < 10 else None
    late_only = request.GET.get("late") == "1"
    query = request.GET.get("q", "").strip()[:100]
    agency = _agency_param(request)
    items = selectors.feedback_list(
        user=request.user,
        agency=agency,
        status=status,
        kind=kind,
        unit_id=unit_id,
        late_only=late_only,
        query=query,
    )[:200]
    now = clock.now()
    agencies = selectors.feedback_agencies(user=request.user)
    units = [u for a in agencies for u in selectors.unit_choices(agency=a)]
    return render(
        request,
        "feedback/queue.html",
        {
            "rows": [_row(item, now) for item in items],
            "statuses": FeedbackStatus.choices,
            "kinds": FeedbackKind.choices,
            "units": units,
            "filters": {
                "status": status,
                "kind": kind,
                "unit": unit_id,
                "late": late_only,
                "q": query,
            },
            "can_kiosk": RoleAssignment.objects.filter(
                user=request.user, role__in=selectors.KIOSK_ROLES
            ).exists(),
        },
    )


def _choices(action: Action, item: FeedbackItem) -> dict[str, list[tuple[str, str]]]:
    result: dict[str, list[tuple[str, str]]] = {}
    for field in action.fields:
        if field.kind != Kind.CHOICE:
            continue
        if field.name == "kind":
            result[field.name] = [(v, str(label)) for v, label in FeedbackKind.choices]
        elif field.name == "unit":
            result[field.name] = [
                (str(u.pk), u.name) for u in selectors.unit_choices(agency=item.agency)
            ]
        elif field.name == "officer":
            result[field.name] = [
                (str(u.pk), u.display_name) for u in selectors.staff_choices(agency=item.agency)
            ]
        elif field.name == "rating":
            result[field.name] = [(v, str(label)) for v, label in AnswerRating.choices]
    return result


def _current(field: str, item: FeedbackItem) -> str:
    value = {
        "kind": item.kind,
        "unit": item.unit_id,
        "officer": item.officer_id,
        "is_repeat": "1" if item.is_repeat else "",
    }.get(field)
    return "" if value is None else str(value)


@login_required
def detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One item: what was sent, its deadlines with Trước/Đúng/Quá hạn, and the action forms
    the table gives this user in the item's status."""
    item = selectors.feedback_get(user=request.user, code=code)
    parties = selectors.parties_of(user=request.user, item=item)
    done = frozenset({"answer_rating"} if item.answer_rating else set())
    now = clock.now()
    calendar = calendar_for(agency=item.agency)
    steps = [
        (_("Refuse by"), item.refuse_due_at, item.refused_at),
        (_("Ask for more information by"), item.info_due_at, item.info_requested_at),
        (_("Answer by"), item.answer_due_at, item.answered_at),
    ]
    if item.publish_due_at is not None and item.consent_publish:
        steps.append((_("Publish by"), item.publish_due_at, item.published_at))
    deadline_rows = []
    for label, due, done_at in steps:
        if item.refused_at is not None and done_at is None:
            continue  # refused: the other steps are moot
        state = deadlines.state(calendar, due_at=due, done_at=done_at, now=now)
        if done_at is None and item.status == FeedbackStatus.INFO_REQUESTED:
            state = ""
        deadline_rows.append(
            {
                "label": label,
                "due": due,
                "done": done_at,
                "state": state,
                "state_label": _state_label(state),
            }
        )
    forms = []
    for action in actions_for(
        status=item.status, parties=parties, consent=item.consent_publish, done=done
    ):
        if action.name in ("supply_info", "rate_answer"):
            continue
        choices = _choices(action, item)
        fields = [
            {
                "field": f,
                "id": f"id_{action.name}_{f.name}",
                "choices": choices.get(f.name, []),
                "current": _current(f.name, item),
            }
            for f in action.fields
        ]
        forms.append({"action": action, "fields": fields})
    return render(
        request,
        "feedback/detail.html",
        {"item": item, "deadlines": deadline_rows, "forms": forms, "Kind": Kind},
    )


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, code: str, name: str) -> HttpResponseBase:
    """Run one action of the table from its form; the service checks status and authority."""
    item = selectors.feedback_get(user=request.user, code=code)
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound()
    try:
        services.feedback_act(
            action=name,
            actor=request.user,
            code=item.code,
            version=request.POST.get("version"),
            data=request.POST,
        )
    except ApplicationError as error:
        fields = ", ".join(str(f) for f in (error.details or {}))
        shown = str(error.message)
        messages.error(request, f"{shown} ({fields})" if fields else shown)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": action.label})
    return redirect("feedback:detail", code=item.code)


@login_required
@require_http_methods(["GET", "POST"])
def kiosk(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The counter tablet: a citizen rates the officer at the desk (Decree 61/2018 art. 31;
    Circular 01/2018 art. 12.2: rating devices at the desk). Run by a signed-in desk officer,
    so its ratings count as lower trust."""
    assignment = (
        RoleAssignment.objects.filter(user=request.user, role__in=selectors.KIOSK_ROLES)
        .select_related("agency")
        .first()
    )
    if assignment is None:
        raise NotFound()
    agency = assignment.agency
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.rating_kiosk_submit(
                actor=request.user,
                agency=agency,
                officer_id=request.POST.get("officer"),
                data=request.POST,
            )
        except ApplicationError as error:
            errors = {f: " ".join(m) for f, m in (error.details or {}).items()} or {
                "form": str(error.message)
            }
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("feedback:kiosk")
    return render(
        request,
        "feedback/kiosk.html",
        {
            "agency": agency,
            "officers": selectors.staff_choices(agency=agency),
            "selected": request.POST.get("officer") or str(request.user.pk),
            "levels": Satisfaction.choices,
            "times": TimeRating.choices,
            "counts": CountRating.choices,
            "criteria": CRITERIA_QUESTIONS,
            "errors": errors,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )

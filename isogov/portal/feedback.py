"""Public pages of the citizens' voice: send feedback (phản ánh, kiến nghị), follow it by its
code or its link, rate its answer, read the published answers, and rate a returned dossier by
its one-time token. No sign-in; the submission and the follow-up by code are throttled per IP.
The rules are the feedback app's (``feedback.services``, ``feedback.transitions``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from isogov.accounts.models import Agency
from isogov.core.clientip import client_ip
from isogov.core.errors import ApplicationError, NotFound
from isogov.feedback import selectors, services
from isogov.feedback.models import (
    CRITERIA_QUESTIONS,
    AnswerRating,
    CountRating,
    Satisfaction,
    TimeRating,
)
from isogov.feedback.throttle import throttle_hit
from isogov.feedback.transitions import ACTIONS, Party, actions_for

THROTTLED = gettext_lazy(
    "Too many requests from your connection. Please wait a while and try again."
)


def _throttled(request: HttpRequest, bucket: str, limit: int) -> bool:
    return throttle_hit(bucket=bucket, key=client_ip(request), limit=limit, window_seconds=3600)


def _errors(error: ApplicationError) -> dict[str, str]:
    return {field: " ".join(msgs) for field, msgs in (error.details or {}).items()}


@require_http_methods(["GET", "POST"])
def feedback_start(request: HttpRequest) -> HttpResponse:
    """Phản ánh kiến nghị: the form (with or without a dossier code), the follow-up by code
    and the link to the published answers."""
    agencies = Agency.objects.order_by("name")
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in FORM_FIELDS}
        values["consent_publish"] = bool(request.POST.get("consent_publish"))
        if _throttled(request, "feedback-submit", settings.ISOGOV_FEEDBACK_SUBMIT_PER_HOUR):
            errors["form"] = str(THROTTLED)
            status = 429
        else:
            agency = agencies.filter(code=values.get("agency", "")).first()
            if agency is None:
                errors["agency"] = _("Choose an item from the list.")
            else:
                try:
                    item = services.feedback_submit(agency=agency, data=values)
                except ApplicationError as error:
                    errors = _errors(error) or {"form": str(error.message)}
                else:
                    messages.success(
                        request,
                        _(
                            "Your feedback was received under the code %(code)s. "
                            "Keep this page's address to follow it."
                        )
                        % {"code": item.code},
                    )
                    return redirect("portal:feedback-item", token=item.token)
        if errors and status == 200:
            status = 400
    return render(
        request,
        "portal/feedback/start.html",
        {"agencies": agencies, "values": values, "errors": errors},
        status=status,
    )


FORM_FIELDS = ("agency", "name", "phone", "email", "dossier_code", "title", "content")


@require_http_methods(["GET", "POST"])
def feedback_follow(request: HttpRequest) -> HttpResponse:
    """Follow an item by its code (sent by POST): its progress and, once published, its answer;
    the submitter's own link shows the rest."""
    item = None
    error = ""
    status = 200
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip()[:20]
        if _throttled(request, "feedback-follow", settings.ISOGOV_FEEDBACK_FOLLOW_PER_HOUR):
            error = str(THROTTLED)
            status = 429
        elif not code:
            error = _("This field is required.")
            status = 400
        else:
            try:
                item = selectors.feedback_get_public(code=code)
            except NotFound:
                error = _("No feedback item has this code.")
                status = 404
    return render(
        request,
        "portal/feedback/follow.html",
        {"item": item, "error": error, "code": code},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def feedback_item(request: HttpRequest, token: str) -> HttpResponseBase:
    """The submitter's page (the link with the item's token): the item, its deadlines and
    answer, and the actions the table gives the submitter."""
    item = selectors.feedback_get_by_token(token=token)
    errors: dict[str, str] = {}
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in ACTIONS or Party.SUBMITTER not in ACTIONS[name].parties:
            raise NotFound()
        try:
            services.feedback_act(
                action=name, data=request.POST, version=request.POST.get("version"), token=token
            )
        except ApplicationError as error:
            errors = _errors(error) or {"form": str(error.message)}
        else:
            messages.success(request, _("Thank you. Your answer was recorded."))
            return redirect("portal:feedback-item", token=token)
    done = frozenset({"answer_rating"} if item.answer_rating else set())
    actions = actions_for(status=item.status, parties=frozenset({Party.SUBMITTER}), done=done)
    return render(
        request,
        "portal/feedback/item.html",
        {
            "item": item,
            "actions": [a.name for a in actions],
            "answer_ratings": AnswerRating.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def feedback_answers(request: HttpRequest) -> HttpResponse:
    """Questions and answers: the answers published with their submitters' consent."""
    items = selectors.feedback_published_list()[:100]
    return render(request, "portal/feedback/answers.html", {"items": items})


RATING_CHOICES = {
    "levels": Satisfaction.choices,
    "times": TimeRating.choices,
    "counts": CountRating.choices,
    "criteria": CRITERIA_QUESTIONS,
}


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponseBase:
    """Rate a returned dossier with the one-time token of its receipt and its result (Decree
    61/2018 art. 31). Before the result is returned the page only says when it can be used."""
    page = selectors.rating_page_by_token(token=token)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.rating_submit(token=token, data=request.POST)
        except ApplicationError as error:
            errors = _errors(error) or {"form": str(error.message)}
        else:
            return redirect("portal:rate", token=token)
    return render(
        request,
        "portal/feedback/rate.html",
        {
            "page": page,
            "rating": page.rating,
            "dossier": page.dossier,
            "errors": errors,
            "values": request.POST,
            "nav_current": "feedback",
            **RATING_CHOICES,
        },
        status=400 if errors else 200,
    )

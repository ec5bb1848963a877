"""Webhook pages: subscriptions of the agencies one manages, the delivery log, replays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency
from isogov.accounts.selectors import integration_agencies
from isogov.accounts.services.api_keys import NOT_INTEGRATION_MANAGER
from isogov.core.errors import ApplicationError, NotFound, PermissionDenied

from . import selectors, services
from .forms import SubscriptionForm, VersionForm
from .models import WebhookSubscription

DELIVERIES_SHOWN = 50


def _managed(request: AuthenticatedHttpRequest) -> list[Agency]:
    agencies = integration_agencies(user=request.user)
    if not agencies:
        raise PermissionDenied(NOT_INTEGRATION_MANAGER)
    return agencies


def _attempt(form: django_forms.Form, call: Callable[[], Any]) -> tuple[Any, int]:
    if not form.is_valid():
        return None, 400
    try:
        return call(), 200
    except PermissionDenied:
        raise
    except ApplicationError as error:
        placed = False
        for field, problems in error.details.items():
            if field in form.fields and isinstance(problems, list):
                for problem in problems:
                    form.add_error(field, str(problem))
                placed = True
        if not placed:
            form.add_error(None, str(error.message))
        return None, error.status_code


def _list_page(
    request: AuthenticatedHttpRequest,
    agencies: list[Agency],
    form: SubscriptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "subscriptions": selectors.webhook_subscription_list(user=request.user),
        "form": form or SubscriptionForm(agencies=agencies),
    }
    return render(request, "integrations/webhook_list.html", context, status=status)


@login_required
def webhook_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(request, _managed(request))


@login_required
@require_POST
@never_cache
def webhook_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = _managed(request)
    form = SubscriptionForm(request.POST, agencies=agencies)
    result, status = _attempt(
        form,
        lambda: services.webhook_subscription_create(actor=request.user, **form.cleaned_data),
    )
    if result is None:
        return _list_page(request, agencies, form, status)
    subscription, secret = result
    return render(
        request,
        "integrations/webhook_created.html",
        {"subscription": subscription, "secret": secret},
    )


def _detail_page(
    request: AuthenticatedHttpRequest, subscription: WebhookSubscription, status: int = 200
) -> HttpResponse:
    deliveries = list(subscription.deliveries.all()[:DELIVERIES_SHOWN])
    attempts = {d.pk: list(d.attempts.all()[:5]) for d in deliveries}
    rows = [(row, attempts[row.delivery.pk]) for row in selectors.webhook_delivery_rows(deliveries)]
    context = {
        "subscription": subscription,
        "rows": rows,
        "version_form": VersionForm(initial={"version": subscription.version}),
    }
    return render(request, "integrations/webhook_detail.html", context, status=status)


@login_required
def webhook_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _managed(request)
    return _detail_page(request, selectors.webhook_subscription_get(user=request.user, pk=pk))


@login_required
@require_POST
def webhook_set_active(request: AuthenticatedHttpRequest, pk: int, active: int) -> HttpResponse:
    _managed(request)
    if active not in (0, 1):
        raise NotFound()
    subscription = selectors.webhook_subscription_get(user=request.user, pk=pk)
    form = VersionForm(request.POST)
    result, status = _attempt(
        form,
        lambda: services.webhook_subscription_set_active(
            actor=request.user,
            subscription=subscription,
            is_active=bool(active),
            version=form.cleaned_data["version"],
        ),
    )
    if result is None:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _detail_page(request, subscription, status)
    messages.success(
        request,
        _("The subscription was resumed.") if active else _("The subscription was paused."),
    )
    return redirect("integrations:webhook", pk=pk)


@login_required
@require_POST
def webhook_delivery_replay(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _managed(request)
    delivery = selectors.webhook_delivery_get(user=request.user, pk=pk)
    services.webhook_delivery_replay(actor=request.user, delivery=delivery)
    messages.success(request, _("The delivery was queued again; it leaves within a minute."))
    return redirect("integrations:webhook", pk=delivery.subscription_id)

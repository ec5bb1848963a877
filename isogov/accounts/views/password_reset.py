"""Quên mật khẩu: ask for a link by e-mail, open it, choose a new password (ASVS 2.5)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from isogov.core.clientip import client_ip

from ..services.password_reset import (
    password_reset_complete,
    password_reset_request,
    password_reset_user,
)

SESSION_KEY = "isogov_password_reset"
TOO_MANY = _("Too many requests from this computer. Try again in an hour.")


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)


def _over_limit(request: HttpRequest) -> bool:
    """At most ``ISOGOV_PASSWORD_RESET_PER_IP`` requests an hour from one client address."""
    key = f"isogov:password-reset:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return bool(count > settings.ISOGOV_PASSWORD_RESET_PER_IP)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST":
        if _over_limit(request):
            response = render(
                request, "accounts/password_reset.html", {"form": form, "refused": TOO_MANY}
            )
            response.status_code = 429
            response["Retry-After"] = "3600"
            return response
        if form.is_valid():
            password_reset_request(email=form.cleaned_data["email"])
            # The same answer whether the address is known or not.
            return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    """The link's token moves into the session and out of the address bar at once, so it is not
    sent on in a Referer nor left in the browser's history."""
    if "token" in request.GET:
        request.session[SESSION_KEY] = {
            "uid": request.GET.get("uid", "")[:64],
            "token": request.GET.get("token", "")[:128],
        }
        return redirect("accounts:password-reset-confirm")
    stored: dict[str, Any] = request.session.get(SESSION_KEY) or {}
    user = password_reset_user(uid=stored.get("uid", ""), token=stored.get("token", ""))
    if user is None:
        request.session.pop(SESSION_KEY, None)
        response = render(request, "accounts/password_reset_confirm.html", {"invalid": True})
        response.status_code = 400
        return response
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_complete(user=user, form=form)
        request.session.pop(SESSION_KEY, None)
        return render(request, "accounts/password_reset_done.html")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})

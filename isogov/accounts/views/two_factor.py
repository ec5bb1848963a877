"""The second step of signing in, and setting up the authenticator app."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from isogov.core.clientip import client_ip
from isogov.core.errors import ApplicationError

from .. import totp
from ..http import AuthenticatedHttpRequest
from ..models import User
from ..services.security import login_failed
from ..services.two_factor import WRONG_CODE, two_factor_check, two_factor_enrol

PENDING = "isogov_2fa_pending"
ENROL = "isogov_2fa_enrol"
SECRET = "isogov_2fa_secret"  # noqa: S105 - a session key, not a secret
MAX_WRONG_CODES = 5


def login_second_step(request: HttpRequest) -> HttpResponse:
    """After the password: the 6-digit code from the app, or a recovery code."""
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    error = ""
    if request.method == "POST":
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is not None and two_factor_check(user=user, code=request.POST.get("code", "")):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            target = pending.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target or settings.LOGIN_REDIRECT_URL)
        login_failed(username=user.username if user else "", ip=client_ip(request))
        pending["wrong"] = pending.get("wrong", 0) + 1
        if pending["wrong"] >= MAX_WRONG_CODES:
            del request.session[PENDING]
            return redirect("accounts:login")
        request.session[PENDING] = pending
        error = str(WRONG_CODE)
    return render(request, "accounts/login_code.html", {"error": error}, status=200)


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key) into an authenticator app and confirm one code."""
    secret = request.session.get(SECRET) or totp.new_secret()
    request.session[SECRET] = secret
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor_enrol(
                user=request.user, secret=secret, code=request.POST.get("code", "")
            )
        except ApplicationError as failure:
            error = str(failure.message)
        else:
            request.session.pop(SECRET, None)
            request.session.pop(ENROL, None)
            return render(request, "accounts/two_factor_done.html", {"codes": codes})
    uri = totp.provisioning_uri(secret=secret, account=request.user.username, issuer="isogov")
    qr = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for the app"))
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context = {
        "qr": mark_safe(qr),  # noqa: S308 - segno's SVG of our own URI
        "secret": grouped,
        "error": error,
        "required": bool(request.session.get(ENROL)),
    }
    return render(request, "accounts/two_factor_setup.html", context)

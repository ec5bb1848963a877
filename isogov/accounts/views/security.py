"""Signing in (with the lock message), sign-in locks for administrators, log out everywhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from isogov.core.errors import ApplicationError

from ..http import AuthenticatedHttpRequest
from ..models import LoginLock
from ..services.security import login_lock_clear, user_log_out_everywhere
from ..services.two_factor import two_factor_device, two_factor_required
from ._kernel import admin_required
from .two_factor import ENROL, PENDING

LOCKED = gettext_lazy(
    "Too many failed sign-ins for this account or this computer. Try again after %(time)s."
)


class _LockMessage:
    """Replaces "wrong password" by when to try again, when the try was refused by a lock."""

    request: Any

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            until = getattr(self.request, "isogov_locked_until", None)
            if until is None:
                raise
            when = date_format(timezone.localtime(until), "H:i d/m/Y")
            raise ValidationError(LOCKED % {"time": when}, code="locked") from None


class LoginForm(_LockMessage, AuthenticationForm):
    pass


class AdminLoginForm(_LockMessage, AdminAuthenticationForm):
    pass


admin.site.login_form = AdminLoginForm


class LoginView(auth_views.LoginView):
    """The password; then, for a user with an authenticator app, the code (``two_factor``)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if two_factor_device(user) is not None:
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": getattr(user, "backend", ""),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login-code")
        response = super().form_valid(form)
        if two_factor_required(user):
            self.request.session[ENROL] = True
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_without_2fa"] = settings.ISOGOV_2FA_EXEMPT_DEMO
        return context


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_POST
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    user_log_out_everywhere(actor=request.user)
    logout(request)
    messages.success(request, _("You were signed out on every device."))
    return redirect("accounts:login")


@admin_required
def admin_lock_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    locks = LoginLock.objects.filter(locked_until__gt=timezone.now()).order_by("-locked_until")
    return render(request, "accounts/admin/lock_list.html", {"locks": locks[:500]})


@admin_required
@require_POST
def admin_lock_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        login_lock_clear(actor=request.user, lock_id=pk)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The lock was lifted."))
    return redirect("accounts:admin-locks")

"""Machine clients' API keys: list, create (the secret shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from isogov.core.errors import PermissionDenied

from .. import forms, selectors
from ..http import AuthenticatedHttpRequest
from ..models import Agency
from ..services.api_keys import NOT_INTEGRATION_MANAGER, api_key_create, api_key_revoke
from ._kernel import _attempt


def _managed(request: AuthenticatedHttpRequest) -> list[Agency]:
    agencies = selectors.integration_agencies(user=request.user)
    if not agencies:
        raise PermissionDenied(NOT_INTEGRATION_MANAGER)
    return agencies


def _list_page(
    request: AuthenticatedHttpRequest,
    agencies: list[Agency],
    *,
    form: forms.ApiKeyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "keys": selectors.api_key_list(user=request.user),
        "form": form or forms.ApiKeyForm(agencies=agencies),
        "revoke_form": forms.ApiKeyRevokeForm(),
    }
    return render(request, "accounts/admin/api_key_list.html", context, status=status)


@login_required
def admin_api_key_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(request, _managed(request))


@login_required
@require_POST
@never_cache
def admin_api_key_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = _managed(request)
    form = forms.ApiKeyForm(request.POST, agencies=agencies)
    result, status = _attempt(form, lambda: api_key_create(actor=request.user, **form.cleaned_data))
    if result is None:
        return _list_page(request, agencies, form=form, status=status)
    key, secret = result
    # The secret is on this answer only (never stored, never cached); the page says so.
    return render(
        request,
        "accounts/admin/api_key_created.html",
        {"key": key, "credentials": f"{key.key_id}.{secret}"},
    )


@login_required
@require_POST
def admin_api_key_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agencies = _managed(request)
    key = selectors.api_key_get(user=request.user, pk=pk)
    form = forms.ApiKeyRevokeForm(request.POST)
    result, status = _attempt(
        form, lambda: api_key_revoke(actor=request.user, key=key, **form.cleaned_data)
    )
    if result is None:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _list_page(request, agencies, status=status)
    messages.success(request, _("The key was revoked; it no longer opens anything."))
    return redirect("accounts:admin-api-keys")

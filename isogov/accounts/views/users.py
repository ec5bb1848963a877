"""Administration of accounts: list, create, edit, deactivate, passwords and roles."""

from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isogov.core.errors import ApplicationError, PermissionDenied

from .. import forms, selectors, services
from ..http import AuthenticatedHttpRequest
from ..models import User
from ._kernel import _attempt, active_flag, admin_required


@admin_required
def admin_user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = forms.UserSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    users = selectors.admin_user_search(user=request.user, query=query)[:200]
    return render(request, "accounts/admin/user_list.html", {"search": search, "users": users})


@admin_required
def admin_user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = selectors.agency_list(user=request.user)
    form = forms.UserCreateForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}

        def create() -> tuple[User, str]:
            fields = {k: data[k] for k in ("username", "full_name", "email", "phone", "agency")}
            if data["password"]:
                user = services.user_create(actor=request.user, password=data["password"], **fields)
                return user, ""
            return services.user_create_with_temporary_password(actor=request.user, **fields)

        result, status = _attempt(form, create)
        if result is not None:
            user, password = result
            messages.success(
                request, _("The account %(username)s was created.") % {"username": user.username}
            )
            return _user_page(request, user, temporary_password=password, status=201)
    return render(request, "accounts/admin/user_create.html", {"form": form}, status=status)


def _user_page(
    request: AuthenticatedHttpRequest,
    target: User,
    *,
    temporary_password: str = "",
    status: int = 200,
    **bound: Form,
) -> HttpResponse:
    agencies = selectors.agency_list(user=request.user)
    units = selectors.unit_list(user=request.user).filter(is_active=True)
    context = {
        "target": target,
        "temporary_password": temporary_password,
        "roles": selectors.admin_role_list(target=target),
        "edit_form": bound.get("edit_form")
        or forms.UserEditForm(
            agencies=agencies,
            initial={
                "version": target.version,
                "full_name": target.full_name,
                "email": target.email,
                "phone": target.phone,
                "agency": target.agency_id,
            },
        ),
        "role_form": bound.get("role_form")
        or forms.RoleGrantForm(
            agencies=agencies, units=units, initial={"agency": target.agency_id}
        ),
        "password_form": bound.get("password_form")
        or forms.PasswordResetForm(initial={"version": target.version}),
        "active_form": bound.get("active_form")
        or forms.VersionForm(initial={"version": target.version}),
    }
    return render(request, "accounts/admin/user_detail.html", context, status=status)


@admin_required
def admin_user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, selectors.admin_user_get(user=request.user, pk=pk))


@admin_required
@require_POST
def admin_user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.admin_user_get(user=request.user, pk=pk)
    form = forms.UserEditForm(request.POST, agencies=selectors.agency_list(user=request.user))
    result, status = _attempt(
        form, lambda: services.user_update(actor=request.user, user=target, **form.cleaned_data)
    )
    if result is None:
        return _user_page(request, target, status=status, edit_form=form)
    messages.success(request, _("The account was saved."))
    return redirect("accounts:admin-user", pk=pk)


@admin_required
@require_POST
def admin_user_set_active(request: AuthenticatedHttpRequest, pk: int, active: int) -> HttpResponse:
    target = selectors.admin_user_get(user=request.user, pk=pk)
    form = forms.VersionForm(request.POST)
    result, status = _attempt(
        form,
        lambda: services.user_set_active(
            actor=request.user,
            user=target,
            version=form.cleaned_data["version"],
            is_active=active_flag(active),
        ),
    )
    if result is None:
        return _user_page(request, target, status=status, active_form=form)
    messages.success(
        request,
        _("The account was reactivated.") if active else _("The account was deactivated."),
    )
    return redirect("accounts:admin-user", pk=pk)


@admin_required
@require_POST
def admin_user_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.admin_user_get(user=request.user, pk=pk)
    form = forms.PasswordResetForm(request.POST)
    result, status = _attempt(
        form,
        lambda: services.user_reset_password(actor=request.user, user=target, **form.cleaned_data),
    )
    if result is None:
        return _user_page(request, target, status=status, password_form=form)
    user, password = result
    messages.success(request, _("The password was changed."))
    # Shown in this response only, never stored in plain text.
    generated = "" if form.cleaned_data["password"] else password
    return _user_page(request, user, temporary_password=generated)


@admin_required
@require_POST
def admin_role_grant(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.admin_user_get(user=request.user, pk=pk)
    form = forms.RoleGrantForm(
        request.POST,
        agencies=selectors.agency_list(user=request.user),
        units=selectors.unit_list(user=request.user),
    )
    result, status = _attempt(
        form, lambda: services.role_assign(actor=request.user, user=target, **form.cleaned_data)
    )
    if result is None:
        return _user_page(request, target, status=status, role_form=form)
    messages.success(request, _("The role was granted."))
    return redirect("accounts:admin-user", pk=pk)


@admin_required
@require_POST
def admin_role_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.admin_role_get(user=request.user, pk=pk)
    try:
        services.role_remove(actor=request.user, assignment=assignment)
    except PermissionDenied:
        raise
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("accounts:admin-user", pk=assignment.user_id)

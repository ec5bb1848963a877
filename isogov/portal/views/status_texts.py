"""Staff page: the agency's wording of each status on the public lookup (in-app administration,
the agency's administrator; others may read it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.selectors import user_has_role, user_primary_agency
from isogov.core.errors import ConflictError, NotFound, ValidationFailed

from ..services import STATUS_TEXT_EDITORS, status_text_save
from ..status_texts import status_text_rows


@login_required
def status_texts(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = user_primary_agency(user=request.user)
    if agency is None:
        raise NotFound(_("Your account is not attached to an agency."))
    can_edit = user_has_role(user=request.user, roles=STATUS_TEXT_EDITORS, agency=agency)
    error: tuple[str, str] | None = None
    if request.method == "POST":
        status = request.POST.get("status", "")[:30]
        try:
            status_text_save(
                actor=request.user,
                agency=agency,
                status=status,
                text=request.POST.get("text", ""),
                version=request.POST.get("version"),
            )
        except (ValidationFailed, ConflictError) as failure:
            error = (status, str(failure.message))
        else:
            messages.success(request, _("The text was saved."))
            return redirect("portal:status-texts")
    return render(
        request,
        "portal/status_texts.html",
        {
            "agency": agency,
            "rows": status_text_rows(agency=agency),
            "can_edit": can_edit,
            "error": error,
        },
        status=400 if error else 200,
    )

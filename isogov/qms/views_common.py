"""What every QMS page shares: the agency, input parsing that names the field, and errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from isogov.accounts.http import AuthenticatedHttpRequest
from isogov.accounts.models import Agency, Unit, User
from isogov.core import clock
from isogov.core.errors import ApplicationError, ValidationFailed

from .selectors import is_manager, qms_agency
from .services._common import staff_of


def agency_of(request: AuthenticatedHttpRequest) -> Agency:
    return qms_agency(user=request.user, code=request.GET.get("agency") or None)


def bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{message}", details={field: [message]})


def text(request: AuthenticatedHttpRequest, field: str, *, required: bool = True) -> str:
    value = request.POST.get(field, "").strip()
    if required and not value:
        raise bad(field, _("This field is required."))
    return value


def date(request: AuthenticatedHttpRequest, field: str, *, required: bool = True) -> Any:
    raw = request.POST.get(field, "").strip()
    if not raw and not required:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise bad(field, _("Enter a date as dd/mm/yyyy."))


def number(request: AuthenticatedHttpRequest, field: str) -> Decimal:
    try:
        return Decimal(request.POST.get(field, "").strip().replace(",", "."))
    except InvalidOperation as error:
        raise bad(field, _("Enter a number.")) from error


def integer(request: AuthenticatedHttpRequest, field: str) -> int:
    try:
        return int(request.POST.get(field, "").strip())
    except ValueError as error:
        raise bad(field, _("Enter a whole number.")) from error


def person(request: AuthenticatedHttpRequest, agency: Agency, field: str) -> User:
    found = staff_of(agency=agency).filter(pk=request.POST.get(field) or 0).first()
    if found is None:
        raise bad(field, _("Choose a person from the list."))
    return found


def unit_of(request: AuthenticatedHttpRequest, agency: Agency, field: str) -> Unit | None:
    raw = request.POST.get(field)
    if not raw:
        return None
    found = Unit.objects.filter(agency=agency, pk=raw if raw.isdigit() else 0).first()
    if found is None:
        raise bad(field, _("Choose a unit from the list."))
    return found


def attempt(
    request: AuthenticatedHttpRequest, work: Callable[[], Any], *, done: str, back: str
) -> HttpResponseRedirect:
    """Run a service; show its refusal (naming the field) or the success message; go back."""
    try:
        work()
    except ApplicationError as error:
        fields = ", ".join((error.details or {}).keys())
        shown = str(error.message)
        messages.error(request, f"{shown}" if not fields else f"{shown} ({fields})")
    else:
        messages.success(request, done)
    return redirect(back)


def base_context(request: AuthenticatedHttpRequest, agency: Agency) -> dict[str, Any]:
    return {
        "agency": agency,
        "manager": is_manager(user=request.user, agency=agency),
        "staff": staff_of(agency=agency).order_by("full_name"),
        "units": Unit.objects.filter(agency=agency, is_active=True).order_by("name"),
        "today": clock.today(),
    }


def pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response

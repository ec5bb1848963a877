"""The gate of the administration pages and the way a form reaches its service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.utils.translation import gettext_lazy

from isogov.core.errors import ApplicationError, NotFound, PermissionDenied

from .. import selectors
from ..http import AuthenticatedHttpRequest
from ..roles import Role

ADMINS_ONLY = gettext_lazy("Only a system administrator may open the administration pages.")

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Signed-in system administrators only; anyone else gets a 403 page saying so."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.user_scope(user=request.user).has_role(Role.SYSTEM_ADMIN):
            raise PermissionDenied(ADMINS_ONLY)
        return view(request, *args, **kwargs)

    return wrapper


def _attempt(form: Form, call: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service for a valid form; put its error on the form. Returns (result, status)."""
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


def active_flag(active: int) -> bool:
    """The ``0``/``1`` of a deactivate/reactivate address; anything else is not a page."""
    if active not in (0, 1):
        raise NotFound()
    return bool(active)

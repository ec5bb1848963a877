"""Sign-in pages and the in-app administration (quản trị hệ thống) under /quan-tri/.

The administration is for system administrators only; every write goes through one service
of ``services``, audited and version-checked; every read through ``selectors``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from ..http import AuthenticatedHttpRequest
from ._kernel import ADMINS_ONLY, admin_required
from .agencies import (
    admin_agency_create,
    admin_agency_detail,
    admin_agency_edit,
    admin_agency_list,
    admin_predecessor_add,
    admin_predecessor_remove,
    admin_unit_create,
    admin_unit_detail,
    admin_unit_set_active,
)
from .api_keys import admin_api_key_create, admin_api_key_list, admin_api_key_revoke
from .password_reset import password_reset, password_reset_confirm, password_reset_sent
from .security import (
    LoginView,
    LogoutView,
    admin_lock_clear,
    admin_lock_list,
    logout_everywhere,
)
from .two_factor import login_second_step, two_factor_setup
from .users import (
    admin_role_grant,
    admin_role_remove,
    admin_user_create,
    admin_user_detail,
    admin_user_edit,
    admin_user_list,
    admin_user_password,
    admin_user_set_active,
)

__all__ = [
    "ADMINS_ONLY",
    "LoginView",
    "LogoutView",
    "admin_agency_create",
    "admin_agency_detail",
    "admin_agency_edit",
    "admin_agency_list",
    "admin_api_key_create",
    "admin_api_key_list",
    "admin_api_key_revoke",
    "admin_home",
    "admin_lock_clear",
    "admin_lock_list",
    "admin_predecessor_add",
    "admin_predecessor_remove",
    "admin_role_grant",
    "admin_role_remove",
    "admin_unit_create",
    "admin_unit_detail",
    "admin_unit_set_active",
    "admin_user_create",
    "admin_user_detail",
    "admin_user_edit",
    "admin_user_list",
    "admin_user_password",
    "admin_user_set_active",
    "login_second_step",
    "logout_everywhere",
    "password_reset",
    "password_reset_confirm",
    "password_reset_sent",
    "two_factor_setup",
]


@admin_required
def admin_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/admin/home.html")

"""Django admin: for superusers only.

System administrators work in the in-app administration (/quan-tri/); the Django admin is the
developers' and operators' last resort, hidden from everyone else.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from isogov.audit.services import audit_record

from .models import Agency, AgencyPredecessor, RoleAssignment, Unit, User


class AuditedAdmin(admin.ModelAdmin):
    """Every change made in the Django admin is an audit event too, in the same transaction
    (the admin's views are atomic); the message is the admin's own change message."""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_record(actor=request.user, action="admin.add", target=obj, reason=str(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_record(actor=request.user, action="admin.change", target=obj, reason=str(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit_record(actor=request.user, action="admin.delete", target=obj, reason=str(obj))
        return super().log_deletions(request, queryset)


def _is_superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and user.is_superuser)


admin.site.has_permission = _is_superuser  # type: ignore[method-assign]
admin.site.site_header = "isogov"


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "agency", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("isogov", {"fields": ("full_name", "phone", "agency")}),
    )
    inlines = [RoleAssignmentInline]


class AgencyPredecessorInline(admin.TabularInline):
    model = AgencyPredecessor
    fk_name = "successor"
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    inlines = [AgencyPredecessorInline]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "agency", "is_one_stop", "is_active")
    list_filter = ("agency", "is_one_stop")

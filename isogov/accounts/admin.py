"""Django admin: for system administrators only (officers work in the web UI)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from .models import Agency, RoleAssignment, Unit, User


def _is_system_admin(request: HttpRequest) -> bool:
    from .roles import Role
    from .selectors import user_scope

    user = request.user
    return bool(
        user.is_active
        and user.is_authenticated
        and user.is_staff
        and user_scope(user=user).has_role(Role.SYSTEM_ADMIN)
    )


admin.site.has_permission = _is_system_admin  # type: ignore[method-assign]
admin.site.site_header = "isogov"


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "agency", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("isogov", {"fields": ("full_name", "phone", "agency")}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    filter_horizontal = ("predecessors",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "agency", "is_one_stop", "is_active")
    list_filter = ("agency", "is_one_stop")

"""Admin pages for roles, on their own and on each user's page; the admin site's titles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User

from chiso.accounts.models import RoleAssignment

admin.site.site_header = "Quản trị chiso"
admin.site.site_title = "Quản trị chiso"
admin.site.index_title = "Quản trị hệ thống chỉ số chuyển đổi số"

SCOPE_NOTE = (
    "Vai trò có hiệu lực trên đơn vị được chọn và mọi đơn vị trực thuộc, trong đúng phiên bản của đơn vị đó."
)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role", "unit__version")
    list_select_related = ("user", "unit__version")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__code", "unit__name")
    autocomplete_fields = ("user", "unit")
    fieldsets = ((None, {"fields": ("user", "role", "unit"), "description": SCOPE_NOTE}),)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("unit",)
    verbose_name_plural = "phân quyền (trên đơn vị và các đơn vị trực thuộc)"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (*DjangoUserAdmin.inlines, RoleAssignmentInline)

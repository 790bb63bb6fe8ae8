"""Admin pages for roles, on their own and on each user's page; the admin site's titles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User

from chiso.accounts.models import RoleAssignment, RoleAssignmentHistory

admin.site.site_header = "Quản trị chiso"
admin.site.site_title = "Quản trị chiso"
admin.site.index_title = "Quản trị hệ thống chỉ số chuyển đổi số"

SCOPE_NOTE = (
    "Vai trò có hiệu lực trên đơn vị được chọn và mọi đơn vị trực thuộc, trong đúng phiên bản của đơn vị đó."
)


ROLES_NOTE = ("Chỉ xem: vai trò được cấp và thu hồi trên trang Kế hoạch của đơn vị (/ke-hoach/, mục Phân quyền) "
              "hoặc qua API (/api/v1/roles/grant, /api/v1/roles/revoke), để kiểm tra quyền và lưu lịch sử "
              "(ai cấp, lúc nào, lý do). " + SCOPE_NOTE)


class _ReadOnly:
    """No add, change or delete for anyone, superusers included: roles change only through accounts.actions."""

    def has_add_permission(self, request: object, obj: object | None = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object | None = None) -> bool:
        return False


class _Noted:
    note = ROLES_NOTE

    def changelist_view(self, request: object, extra_context: dict[str, object] | None = None) -> object:
        return super().changelist_view(request, {"subtitle": self.note, **(extra_context or {})})  # type: ignore[misc]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(_ReadOnly, _Noted, admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role", "unit__version")
    list_select_related = ("user", "unit__version")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__code", "unit__name")
    fieldsets = ((None, {"fields": ("user", "role", "unit"), "description": ROLES_NOTE}),)
    readonly_fields = ("user", "role", "unit")


@admin.register(RoleAssignmentHistory)
class RoleAssignmentHistoryAdmin(_ReadOnly, _Noted, admin.ModelAdmin):
    note = "Chỉ xem: lịch sử phân quyền chỉ được ghi thêm, không bao giờ sửa hay xóa."
    list_display = ("changed_at", "action", "user", "role", "unit", "changed_by", "channel", "reason")
    list_filter = ("action", "role", "channel", "unit__version")
    list_select_related = ("user", "unit__version", "changed_by")
    search_fields = ("user__username", "unit__code", "unit__name", "changed_by__username", "reason")
    fields = ("action", "user", "role", "unit", "reason", "changed_by", "changed_at", "channel")
    readonly_fields = fields


class RoleAssignmentInline(_ReadOnly, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    can_delete = False
    fields = ("role", "unit")
    readonly_fields = fields
    verbose_name_plural = "phân quyền (trên đơn vị và các đơn vị trực thuộc; cấp, thu hồi trên trang Kế hoạch)"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (*DjangoUserAdmin.inlines, RoleAssignmentInline)

"""Admin pages for roles, on their own and on each user's page; API tokens; the admin site's titles.

A new API token is shown once, on the page that answers the form (never in a message: messages travel in
a cookie), and only its SHA-256 is kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from chiso.accounts.models import ApiToken, RoleAssignment, RoleAssignmentHistory
from chiso.web.admin import Noted, ReadOnly

admin.site.site_header = "Quản trị chiso"
admin.site.site_title = "Quản trị chiso"
admin.site.index_title = "Quản trị hệ thống chỉ số chuyển đổi số"

SCOPE_NOTE = (
    "Vai trò có hiệu lực trên đơn vị được chọn và mọi đơn vị trực thuộc, trong đúng phiên bản của đơn vị đó."
)


ROLES_NOTE = ("Chỉ xem: vai trò được cấp và thu hồi trên trang Kế hoạch của đơn vị (/ke-hoach/, mục Phân quyền) "
              "hoặc qua API (/api/v1/roles/grant, /api/v1/roles/revoke), để kiểm tra quyền và lưu lịch sử "
              "(ai cấp, lúc nào, lý do). " + SCOPE_NOTE)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = ROLES_NOTE
    list_display = ("user", "role", "unit")
    list_filter = ("role", "unit__version")
    list_select_related = ("user", "unit__version")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__code", "unit__name")
    fieldsets = ((None, {"fields": ("user", "role", "unit"), "description": ROLES_NOTE}),)
    readonly_fields = ("user", "role", "unit")


@admin.register(RoleAssignmentHistory)
class RoleAssignmentHistoryAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = "Chỉ xem: lịch sử phân quyền chỉ được ghi thêm, không bao giờ sửa hay xóa."
    list_display = ("changed_at", "action", "user", "role", "unit", "changed_by", "channel", "reason")
    list_filter = ("action", "role", "channel", "unit__version")
    list_select_related = ("user", "unit__version", "changed_by")
    search_fields = ("user__username", "unit__code", "unit__name", "changed_by__username", "reason")
    fields = ("action", "user", "role", "unit", "reason", "changed_by", "changed_at", "channel")
    readonly_fields = fields


class RoleAssignmentInline(ReadOnly, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    can_delete = False
    fields = ("role", "unit")
    readonly_fields = fields
    verbose_name_plural = "phân quyền (trên đơn vị và các đơn vị trực thuộc)"  # granted on the plan page


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (*DjangoUserAdmin.inlines, RoleAssignmentInline)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Create a token for a user (shown once), see when it was last used, revoke it by deleting it."""

    form = ApiTokenForm
    list_display = ("name", "user", "created", "last_used")
    list_select_related = ("user",)
    search_fields = ("name", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("created", "last_used")

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        return ["user", "name"] if obj is None else ["user", "name", "created", "last_used"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        return ("created", "last_used") if obj is None else ("user", "created", "last_used")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        from chiso.accounts.tokens import create_token

        made, token = create_token(obj.user, obj.name)
        obj.pk, obj.token_hash, obj.created = made.pk, made.token_hash, made.created
        obj._state.adding = False
        obj.new_token = token  # type: ignore[attr-defined]  # in memory only, for response_add

    def response_add(self, request: HttpRequest, obj: ApiToken,
                     post_url_continue: Any = None) -> HttpResponse:
        """The token, once, in the answer to the form itself; not cached, not in any cookie."""
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": obj,
                   "token": obj.new_token, "title": "Mã truy cập API mới"}  # type: ignore[attr-defined]
        response = TemplateResponse(request, "admin/accounts/apitoken/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

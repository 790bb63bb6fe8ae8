"""Admin pages for yearly plans, their targets and minimums, and the history of every change: read-only.

Targets and minimums are written only by ``plans.actions`` (the plan page, the API, the plan spreadsheet,
the CLI), which checks permission, the minimum assigned above and the value, and keeps the history. Editing
them here would bypass all three, so the admin shows them and points at the plan page.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from chiso.plans.models import Plan, Target, TargetHistory
from chiso.web.admin import Noted, ReadOnly

NOTE = ("Chỉ xem: chỉ tiêu và mức tối thiểu được đặt trên trang Kế hoạch (/ke-hoach/), qua API hoặc tệp kế "
        "hoạch, để kiểm tra quyền, mức tối thiểu cấp trên giao và lưu lịch sử mọi thay đổi.")


def plan_link(plan: Plan) -> str:
    url = reverse("plans:plan", args=[plan.unit.version.name, plan.unit.code, plan.year])
    return format_html('<a href="{}">Mở trang kế hoạch {} – {}</a>', url, plan.year, plan.unit.name)


class TargetInline(ReadOnly, admin.TabularInline):
    model = Target
    extra = 0
    can_delete = False
    fields = ("indicator", "scope", "value", "qualifier", "target_date", "judged_on", "revision", "source")
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("year", "unit", "title", "stated_total", "page")
    list_filter = ("year", "unit__version")
    list_select_related = ("unit__version",)
    search_fields = ("title", "unit__code", "unit__name")
    fields = ("page", "unit", "year", "title", "stated_total", "stated_by_pillar", "statement", "source")
    readonly_fields = fields
    inlines = (TargetInline,)

    @admin.display(description="trang kế hoạch")
    def page(self, obj: Plan) -> str:
        return plan_link(obj)


class HistoryInline(ReadOnly, admin.TabularInline):
    model = TargetHistory
    extra = 0
    can_delete = False
    fields = ("revision", "old_value", "value", "old_target_date", "target_date", "old_judged_on", "judged_on",
              "old_qualifier", "qualifier", "channel", "reason", "changed_by", "changed_at")
    readonly_fields = fields
    ordering = ("-revision",)
    verbose_name_plural = "lịch sử thay đổi (mới nhất trước)"


@admin.register(Target)
class TargetAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("indicator", "plan", "scope", "value", "qualifier", "target_date", "revision")
    list_filter = ("plan__year", "scope", "indicator__pillar", "qualifier")
    list_select_related = ("indicator", "plan__unit__version")
    search_fields = ("indicator__code", "indicator__name_vi", "plan__unit__name", "plan__title")
    fields = ("page", "plan", "indicator", "scope", "value", "qualifier", "target_date", "judged_on", "revision",
              "source")
    readonly_fields = fields
    inlines = (HistoryInline,)

    @admin.display(description="trang kế hoạch")
    def page(self, obj: Target) -> str:
        return plan_link(obj.plan)


@admin.register(TargetHistory)
class TargetHistoryAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = "Chỉ xem: lịch sử chỉ tiêu chỉ được ghi thêm, không bao giờ sửa hay xóa."
    list_display = ("changed_at", "target", "old_value", "value", "channel", "changed_by", "reason")
    list_filter = ("channel", "target__scope", "target__plan__year")
    list_select_related = ("target__indicator", "target__plan__unit__version", "changed_by")
    search_fields = ("target__indicator__code", "target__plan__unit__name", "reason", "changed_by__username")
    readonly_fields = ("target", "revision", "old_value", "value", "old_target_date", "target_date",
                       "old_judged_on", "judged_on", "old_qualifier", "qualifier", "channel", "reason", "changed_by",
                       "changed_at")
    fields = readonly_fields

"""Admin pages for figures and their history: read-only.

Figures are written only through ``chiso.values.actions`` (web entry, import, API, CLI), which
checks permissions and periods and writes a history row for every change. Editing them here would
bypass both, so the admin shows them and nothing more. History is append-only.
"""

from __future__ import annotations

from django.contrib import admin

from chiso.values.models import DataValue, DataValueHistory
from chiso.web.admin import Noted, ReadOnly

READ_ONLY_NOTE = (
    "Chỉ xem: số liệu chỉ được ghi qua chức năng nhập liệu (trên web, nhập tệp, API, dòng lệnh) "
    "để kiểm tra quyền và lưu lịch sử mọi thay đổi. Không thêm, sửa hay xóa số liệu tại đây; "
    "xóa một số liệu là đánh dấu đã xóa, số liệu và lịch sử vẫn được giữ."
)
HISTORY_NOTE = "Chỉ xem: lịch sử số liệu chỉ được ghi thêm, không bao giờ sửa hay xóa."


class HistoryInline(ReadOnly, admin.TabularInline):
    model = DataValueHistory
    extra = 0
    can_delete = False
    fields = ("revision", "old_value", "value", "qualifier", "is_deleted", "channel", "reason", "changed_by",
              "changed_at")
    readonly_fields = fields
    ordering = ("-revision",)
    verbose_name_plural = "lịch sử thay đổi (mới nhất trước)"


@admin.register(DataValue)
class DataValueAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = READ_ONLY_NOTE
    list_display = ("data_element_code", "unit", "period", "value", "qualifier", "is_illustrative",
                    "is_deleted", "revision", "channel", "updated_by", "updated_at")
    list_filter = ("is_deleted", "is_illustrative", "qualifier", "channel", "unit__version", "data_element")
    list_select_related = ("data_element", "unit__version", "updated_by")
    search_fields = ("data_element__code", "unit__code", "unit__name", "period")
    date_hierarchy = "updated_at"
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("data_element", "unit", "period", "period_start", "period_end"),
                "description": READ_ONLY_NOTE}),
        ("Giá trị", {"fields": ("value", "qualifier", "is_illustrative", "is_deleted", "source", "comment")}),
        ("Cập nhật", {"fields": ("revision", "channel", "updated_by", "updated_at")}),
    )
    inlines = (HistoryInline,)

    @admin.display(description="yếu tố dữ liệu", ordering="data_element__code")
    def data_element_code(self, obj: DataValue) -> str:
        return obj.data_element.code


@admin.register(DataValueHistory)
class DataValueHistoryAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = HISTORY_NOTE
    list_display = ("data_value", "revision", "old_value", "value", "qualifier", "is_deleted",
                    "channel", "changed_by", "changed_at")
    list_filter = ("channel", "is_deleted", "qualifier")
    list_select_related = ("data_value__data_element", "data_value__unit", "changed_by")
    search_fields = ("data_value__data_element__code", "data_value__unit__code", "data_value__unit__name",
                     "data_value__period", "reason")
    date_hierarchy = "changed_at"
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("data_value", "revision"), "description": HISTORY_NOTE}),
        ("Giá trị sau thay đổi", {"fields": ("old_value", "value", "qualifier", "is_deleted", "source",
                                              "comment")}),
        ("Thay đổi", {"fields": ("channel", "reason", "changed_by", "changed_at")}),
    )

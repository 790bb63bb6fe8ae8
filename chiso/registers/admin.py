"""Admin pages for register entries and their history: read-only (entries are written only by
``registers.actions``, which checks permission, keeps every change and writes the fed figures)."""

from __future__ import annotations

from django.contrib import admin

from chiso.registers.models import Entry, EntryEvent
from chiso.web.admin import Noted, ReadOnly

NOTE = ("Chỉ xem: mục sổ theo dõi chỉ được ghi qua trang sổ theo dõi (nhập tệp), API hoặc bản trình diễn, để kiểm "
        "tra quyền, lưu mọi thay đổi và ghi số liệu chỉ tiêu tương ứng.")


class EventInline(ReadOnly, admin.TabularInline):
    model = EntryEvent
    extra = 0
    can_delete = False
    fields = ("revision", "action", "changes", "effective_on", "unit", "channel", "reason", "changed_by", "changed_at")
    readonly_fields = fields
    ordering = ("-revision",)


@admin.register(Entry)
class EntryAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("name", "kind", "unit", "active", "effective_on", "is_illustrative", "revision", "updated_at")
    list_filter = ("kind", "active", "is_illustrative", "unit__version")
    list_select_related = ("unit__version",)
    search_fields = ("name", "unit__code", "unit__name")
    inlines = [EventInline]


@admin.register(EntryEvent)
class EntryEventAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("entry", "revision", "action", "effective_on", "channel", "changed_by", "changed_at")
    list_filter = ("action", "channel")
    list_select_related = ("entry__unit__version", "changed_by")

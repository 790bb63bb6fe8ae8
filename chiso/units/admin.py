"""Admin pages for hierarchy versions, units and successions.

Units and successions are never deleted (the tables PROTECT them anyway): a unit that ceased to
exist stays in its version, linked by successions to what it became.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest

from chiso.engine.text import fold
from chiso.units.models import HierarchyVersion, Succession, Unit
from chiso.web.admin import ReadOnly

NO_DELETE_NOTE = "Không xóa đơn vị và quan hệ kế thừa: đơn vị đã giải thể vẫn giữ trong phiên bản của nó."


@admin.register(HierarchyVersion)
class HierarchyVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "valid_from", "valid_to", "legal_basis")
    search_fields = ("name", "label", "legal_basis")
    ordering = (F("valid_from").asc(nulls_first=True), "name")  # the version without a start is the oldest


class _ReadOnlyInline(ReadOnly, admin.TabularInline):
    """A list shown on the unit page; edited on the succession page, never here."""

    extra = 0
    can_delete = False
    show_change_link = True


class SuccessionInline(_ReadOnlyInline):
    model = Succession
    fk_name = "from_unit"
    verbose_name = "đơn vị kế thừa (phiên bản sau)"
    verbose_name_plural = "đơn vị kế thừa (phiên bản sau)"
    fields = readonly_fields = ("to_unit", "kind", "population_share", "effective_date")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Succession]:
        return super().get_queryset(request).select_related("to_unit__version")


class PredecessionInline(_ReadOnlyInline):
    model = Succession
    fk_name = "to_unit"
    verbose_name = "đơn vị tiền thân (phiên bản trước)"
    verbose_name_plural = "đơn vị tiền thân (phiên bản trước)"
    fields = readonly_fields = ("from_unit", "kind", "population_share", "effective_date")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Succession]:
        return super().get_queryset(request).select_related("from_unit__version")


class _NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(_NoDelete, admin.ModelAdmin):
    list_display = ("code", "name", "type", "version", "parent")
    list_filter = ("version", "type")
    list_select_related = ("version", "parent__version")
    ordering = (F("version__valid_from").asc(nulls_first=True), "path")
    search_fields = ("code", "name", "search_key")
    search_help_text = "Tìm theo mã hoặc tên, gõ có dấu hay không dấu đều được (ví dụ: thac gian)."
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth", "search_key")
    fieldsets = (
        (None, {"fields": ("version", "code", "name", "type", "parent"), "description": NO_DELETE_NOTE}),
        ("Hiệu lực và vị trí", {"fields": ("valid_from", "valid_to", "latitude", "longitude", "source")}),
        ("Thông tin kỹ thuật", {"fields": ("path", "depth", "search_key"), "classes": ("collapse",)}),
    )
    inlines = (SuccessionInline, PredecessionInline)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str
    ) -> tuple[QuerySet[Unit], bool]:
        """Also match the folded term against ``search_key``, so "thac gian" finds Thạc Gián."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded:
            results = results | queryset.filter(Q(search_key__contains=folded))
        return results, may_have_duplicates


@admin.register(Succession)
class SuccessionAdmin(_NoDelete, admin.ModelAdmin):
    list_display = ("from_unit", "to_unit", "kind", "population_share", "effective_date")
    list_filter = ("kind", "effective_date", "from_unit__version", "to_unit__version")
    list_select_related = ("from_unit__version", "to_unit__version")
    search_fields = ("from_unit__code", "from_unit__name", "to_unit__code", "to_unit__name")
    raw_id_fields = ("from_unit", "to_unit")
    fieldsets = (
        (None, {"fields": ("from_unit", "to_unit", "kind", "effective_date"), "description": NO_DELETE_NOTE}),
        ("Tỷ lệ dân số", {"fields": ("population_share", "share_note")}),
        ("Nguồn", {"fields": ("source",)}),
    )

"""Admin pages for the indicator framework: pillars, data elements, indicators, usual ranges."""

from __future__ import annotations

from django.contrib import admin

from chiso.indicators.models import DataElement, Indicator, Pillar, SanityBound


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("code", "name_vi", "kind", "unit_of_measure")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "order")
    list_editable = ("order",)
    search_fields = ("code", "name_vi", "name_en")
    inlines = (IndicatorInline,)


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "value_type", "unit_of_measure", "over_time", "over_hierarchy")
    list_filter = ("value_type", "over_time", "over_hierarchy")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "pillar", "kind", "unit_of_measure", "direction", "over_time",
                    "is_local")
    list_filter = ("pillar", "kind", "direction", "over_time", "is_local")
    list_select_related = ("pillar",)
    search_fields = ("code", "name_vi", "name_en")
    autocomplete_fields = ("numerator", "denominator", "reported")
    fieldsets = (
        (None, {"fields": ("code", "pillar", "name_vi", "name_en", "is_local")}),
        ("Cách tính", {"fields": ("kind", "unit_of_measure", "direction", "over_time", "numerator",
                                  "denominator", "reported", "factor", "decimals")}),
        ("Căn cứ", {"fields": ("legal_basis", "reference_target")}),
    )


@admin.register(SanityBound)
class SanityBoundAdmin(admin.ModelAdmin):
    list_display = ("data_element", "unit_type", "low", "high", "why")
    list_filter = ("unit_type",)
    list_select_related = ("data_element",)
    search_fields = ("data_element__code", "data_element__name_vi")
    autocomplete_fields = ("data_element",)

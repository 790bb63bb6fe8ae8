"""Admin pages for yearly plans and their targets."""

from __future__ import annotations

from django.contrib import admin

from chiso.plans.models import Plan, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    autocomplete_fields = ("indicator",)
    fields = ("indicator", "value", "qualifier", "target_date", "source")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("year", "unit", "title", "stated_total")
    list_filter = ("year", "unit__version")
    list_select_related = ("unit__version",)
    search_fields = ("title", "unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    inlines = (TargetInline,)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "plan", "value", "qualifier", "target_date")
    list_filter = ("plan__year", "indicator__pillar", "qualifier")
    list_select_related = ("indicator", "plan__unit__version")
    search_fields = ("indicator__code", "indicator__name_vi", "plan__unit__name", "plan__title")
    autocomplete_fields = ("plan", "indicator")

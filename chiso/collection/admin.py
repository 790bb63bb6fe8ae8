"""Admin pages for report forms, their assignment to units, validation rules and (read-only) reports.

Reports change state only through the workflow (``collection.workflow.do_transition``), which checks
who may do what and records every step; here they are shown, with their steps, and nothing more.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.collection.entry.assignments import assign_form
from chiso.collection.models import (
    Form,
    FormAssignment,
    FormElement,
    Submission,
    SubmissionEvent,
    ValidationRule,
)
from chiso.units.models import HierarchyVersion, Unit
from chiso.units.types import UnitType

WORKFLOW_NOTE = ("Chỉ xem: trạng thái báo cáo chỉ đổi qua các nút gửi, duyệt, trả lại, khóa, mở lại trên trang "
                 "nhập liệu hoặc qua API, để kiểm tra quyền và ghi lại từng bước.")


class FormElementInline(admin.TabularInline):
    model = FormElement
    extra = 1
    autocomplete_fields = ("data_element",)
    fields = ("order", "section", "data_element")


class AssignForm(forms.Form):
    version = forms.ModelChoiceField(HierarchyVersion.objects.all(), label="Phiên bản danh mục", to_field_name="name")
    root = forms.CharField(label="Mã đơn vị gốc", help_text="Giao cho đơn vị này và mọi đơn vị trực thuộc, ví dụ 48")
    unit_types = forms.MultipleChoiceField(choices=UnitType.choices, required=False, label="Loại đơn vị",
                                           help_text="Bỏ trống: theo loại đơn vị áp dụng của biểu mẫu")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("version") and data.get("root"):
            unit = Unit.objects.filter(version=data["version"], code=data["root"].strip()).first()
            if unit is None:
                raise forms.ValidationError(
                    f"Không có đơn vị mã {data['root']} trong phiên bản {data['version'].name}.")
            data["unit"] = unit
        return data


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "period_type", "due_day", "completeness_threshold", "element_count",
                    "unit_count")
    list_editable = ("due_day", "completeness_threshold")
    search_fields = ("code", "name_vi", "name_en")
    list_filter = ("period_type",)
    inlines = (FormElementInline,)
    actions = ("assign_to_units",)

    @admin.display(description="số yếu tố")
    def element_count(self, form: Form) -> int:
        return form.form_elements.count()

    @admin.display(description="số đơn vị được giao")
    def unit_count(self, form: Form) -> int:
        return form.assignments.count()

    @admin.action(description="Giao biểu mẫu đã chọn cho các đơn vị dưới một đơn vị")
    def assign_to_units(self, request: HttpRequest, queryset: QuerySet[Form]) -> HttpResponse | None:
        if "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                types = form.cleaned_data["unit_types"] or None
                for chosen in queryset:
                    added = assign_form(chosen, form.cleaned_data["unit"], types)
                    self.message_user(request, f"{chosen.code}: giao thêm cho {added} đơn vị.", messages.SUCCESS)
                return None
        else:
            form = AssignForm()
        return render(request, "collection/entry/admin_assign.html", {
            **self.admin_site.each_context(request), "title": "Giao biểu mẫu cho đơn vị", "forms": queryset,
            "form": form, "opts": self.model._meta, "action": "assign_to_units",
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        })


@admin.register(FormAssignment)
class FormAssignmentAdmin(admin.ModelAdmin):
    list_display = ("form", "unit", "version")
    list_filter = ("form", "unit__version", "unit__type")
    list_select_related = ("form", "unit__version")
    search_fields = ("form__code", "unit__code", "unit__name")
    autocomplete_fields = ("form", "unit")

    @admin.display(description="phiên bản", ordering="unit__version__valid_from")
    def version(self, assignment: FormAssignment) -> str:
        return assignment.unit.version.name


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "left", "operator", "right", "severity", "is_active")
    list_filter = ("severity", "is_active")
    search_fields = ("code", "name_vi", "left", "right")


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "action", "from_status", "to_status", "by", "reason")

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("form", "unit", "period", "status", "updated_by", "updated_at")
    list_filter = ("status", "form", "unit__version")
    list_select_related = ("form", "unit__version", "updated_by")
    search_fields = ("unit__code", "unit__name", "period", "form__code")
    inlines = (SubmissionEventInline,)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {"subtitle": WORKFLOW_NOTE, **(extra_context or {})})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

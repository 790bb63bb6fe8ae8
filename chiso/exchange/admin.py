"""The DHIS2 mapping tables in the admin: shown, never edited there (the CSV file is the one way to change them:
``chiso dhis2 mappings export FILE``, edit, ``chiso dhis2 mappings load FILE``, checked row by row)."""

from __future__ import annotations

from django.contrib import admin

from chiso.exchange.models import ElementMapping, UnitMapping
from chiso.web.admin import Noted, ReadOnly

NOTE = ("Chỉ xem: sửa bảng ánh xạ bằng tệp CSV (chiso dhis2 mappings export TỆP, sửa tệp, rồi chiso dhis2 "
        "mappings load TỆP; mọi lỗi được báo theo dòng và cột). Không có dòng ánh xạ thì mã chiso dùng làm mã DHIS2.")


@admin.register(ElementMapping)
class ElementMappingAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("data_element", "dhis2_id", "category_option_combo")
    list_select_related = ("data_element",)
    search_fields = ("data_element__code", "dhis2_id")


@admin.register(UnitMapping)
class UnitMappingAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("unit", "dhis2_id")
    list_select_related = ("unit__version",)
    search_fields = ("unit__code", "dhis2_id")

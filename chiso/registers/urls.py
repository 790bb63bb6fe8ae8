"""Register pages, included under ``so-theo-doi/``: ``path("so-theo-doi/", include("chiso.registers.urls"))``."""

from django.urls import path

from chiso.registers import edit, views

app_name = "registers"
UNIT = "<str:version>/<str:code>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("muc/<int:entry_id>/", views.entry_page, name="entry"),
    path("muc/<int:entry_id>/sua/", edit.change_entry, name="change"),
    path("muc/<int:entry_id>/thoi-theo-doi/", edit.retire_entry, name="retire"),
    path(UNIT, views.unit_page, name="unit"),
    path(UNIT + "tai-ve.xlsx", views.download, name="download"),
    path(UNIT + "nhap/", views.upload, name="upload"),
    path(UNIT + "<slug:kind_code>/", views.kind_page, name="kind"),
    path(UNIT + "<slug:kind_code>/them/", edit.add_entry, name="add"),
]

"""Included by chiso/urls.py as ``path("nhap-lieu/tai-len/", include("chiso.collection.upload.urls"))``."""

from django.urls import path

from chiso.collection.upload import views

app_name = "upload"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("xac-nhan/", views.confirm, name="confirm"),
    path("mau/", views.template_download, name="template"),
    path("xem-truoc.csv", views.preview_download, name="preview_csv"),
    path("lich-su.<str:fmt>", views.history_download, name="history"),
]

"""The "Dữ liệu mở" pages, included under ``du-lieu-mo/``."""

from django.urls import path

from chiso.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("tat-ca.zip", views.bulk, name="bulk"),
    path("<slug:slug>/", views.dataset_page, name="dataset"),
    path("<slug:slug>/<slug:level>.<str:fmt>", views.download, name="download"),
]

"""Approval URLs, included under ``nhap-lieu/duyet/`` before the entry URLs (``chiso/urls.py``)."""

from django.urls import path

from chiso.collection.approval import views
from chiso.collection.entry.urls import REPORT

app_name = "approval"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("xu-ly/", views.bulk, name="bulk"),
    path(REPORT, views.review, name="review"),
]

"""Approval URLs, included under ``nhap-lieu/duyet/`` before the entry URLs (``chiso/urls.py``)."""

from django.urls import path

from chiso.collection.approval import views
from chiso.collection.entry.urls import REPORT
from chiso.web.language import vietnamese_only as vi

app_name = "approval"

urlpatterns = [
    path("", vi(views.matrix), name="matrix"),
    path("xu-ly/", vi(views.bulk), name="bulk"),
    path(REPORT, vi(views.review), name="review"),
]

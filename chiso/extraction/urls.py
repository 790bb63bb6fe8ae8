"""Included by chiso/urls.py as ``path("doc-bao-cao/", include("chiso.extraction.urls"))``."""

from django.urls import path

from chiso.extraction import views
from chiso.web.language import vietnamese_only as vi

app_name = "extraction"
urlpatterns = [
    path("", vi(views.start), name="start"),
    path("<int:draft_id>/", vi(views.review), name="review"),
]

"""The teams pages, included under ``to-cns/``: ``path("to-cns/", include("chiso.teams.urls"))``."""

from django.urls import path

from chiso.teams import views
from chiso.web.language import vietnamese_only as vi

app_name = "teams"
WARD = "phuong/<str:version>/<str:code>/"

urlpatterns = [
    path("", vi(views.start), name="start"),
    path("ghi/", vi(views.log_page), name="log"),
    path("ghi/<str:code>/", vi(views.log_page), name="log_for"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("to/<str:code>/", vi(views.team_page), name="team"),
    path("to/<str:code>/thanh-vien/", vi(views.add_member), name="add_member"),
    path("thanh-vien/<int:member_id>/roi-to/", vi(views.member_left), name="member_left"),
    path("nhat-ky/<int:log_id>/duyet/", vi(views.review), name="review"),
    path("nhat-ky/<int:log_id>/anh/", views.photo, name="photo"),
    path(WARD, vi(views.ward_page), name="ward"),
    path(WARD + "luu-giu/", vi(views.set_retention), name="retention"),
    path(WARD + "dem-lai/", vi(views.recount), name="recount"),
]

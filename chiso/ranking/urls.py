"""Ranking pages, included under ``xep-hang/``: ``path("xep-hang/", include("chiso.ranking.urls"))``."""

from django.urls import path

from chiso.ranking import views, views_evidence, views_forms, views_methods

app_name = "ranking"
CARD = "<int:round_id>/<str:code>/"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("phuong-phap/", views_methods.methods, name="methods"),
    path("phuong-phap/<slug:code>/<int:version>/", views_methods.method, name="method"),
    path("phuong-phap/<slug:code>/<int:version>/<str:part>.<str:fmt>", views_methods.method_download,
         name="method_download"),
    path("<int:round_id>/", views.round_page, name="round"),
    path("<int:round_id>/chuyen-buoc/", views_forms.move_round, name="move_round"),
    path(CARD, views.scorecard_page, name="scorecard"),
    path(CARD + "thu/", views.what_if, name="what_if"),
    path(CARD + "tu-danh-gia/", views_forms.claim, name="claim"),
    path(CARD + "tham-dinh/", views_forms.verify, name="verify"),
    path(CARD + "chuyen-buoc/", views_forms.move_scorecard, name="move_scorecard"),
    path(CARD + "bang-chung/<int:assessment_id>/", views_evidence.evidence_file, name="evidence_file"),
]

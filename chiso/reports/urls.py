from django.urls import path

from chiso.reports import views

app_name = "reports"
urlpatterns = [
    path("xep-hang/<int:round_id>/phu-luc.<str:fmt>", views.ranking_annex_view, name="ranking-annex"),
    path("<str:version>/<str:code>/<int:year>.<str:fmt>", views.annual_report, name="annual"),
]

from django.urls import path

from chiso.reports import views

app_name = "reports"
urlpatterns = [
    path("<str:version>/<str:code>/<int:year>.<str:fmt>", views.annual_report, name="annual"),
]

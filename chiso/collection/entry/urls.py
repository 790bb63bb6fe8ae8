"""Entry URLs, included under ``nhap-lieu/``: ``path("nhap-lieu/", include("chiso.collection.entry.urls"))``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from chiso.collection.entry import login, views, views_history, views_start

app_name = "entry"
REPORT = "<str:version>/<str:code>/<str:form>/<str:period>/"

urlpatterns = [
    path("", views_start.start, name="start"),
    path("dang-nhap/", login.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="entry:login"), name="logout"),
    path("lich-su/<int:value_id>/", views_history.value_history, name="value_history"),
    path("lich-su/<str:version>/<str:code>/tai-ve.<str:fmt>", views_history.export_history, name="export"),
    path(REPORT, views.grid_page, name="grid"),
    path(REPORT + "luu/", views.save, name="save"),
    path(REPORT + "kiem-tra/<str:element>/", views.check_cell, name="check"),
    path(REPORT + "lich-su/<str:element>/", views_history.cell_history, name="cell_history"),
    path(REPORT + "thao-tac/<str:action>/", views.transition, name="transition"),
]

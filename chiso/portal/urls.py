from django.urls import path

from chiso.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/<str:version>/<str:code>/", views.unit_page, name="unit"),
    path("don-vi/<str:version>/<str:code>/truc-thuoc/", views.tree_children, name="tree_children"),
]

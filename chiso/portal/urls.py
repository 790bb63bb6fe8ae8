from django.urls import path

from chiso.portal import views
from chiso.portal.views import scenarios, situation

app_name = "portal"
urlpatterns = [
    path("", views.overview, name="home"),
    path("don-vi/", views.unit_tree, name="tree"),
    path("don-vi/<str:version>/<str:code>/", views.unit_page, name="unit"),
    path("don-vi/<str:version>/<str:code>/truc-thuoc/", views.tree_children, name="tree_children"),
    path("don-vi/<str:version>/<str:code>/kich-ban/<int:target_id>/", scenarios.run_scenario, name="scenario"),
    path("don-vi/<str:version>/<str:code>/kich-ban/<int:target_id>/luu/", scenarios.save_scenario,
         name="scenario_save"),
    path("don-vi/<str:version>/<str:code>/kich-ban/so-sanh/", scenarios.compare_scenarios, name="scenario_compare"),
    path("tinh-hinh/", situation.situation_home, name="situation_home"),
    path("tinh-hinh/<str:version>/<str:code>/", situation.situation_page, name="situation"),
    path("chi-tieu/", views.indicator_list, name="indicators"),
    path("chi-tieu/<str:code>/", views.indicator_page, name="indicator"),
    path("chi-tieu/<str:code>/tai-ve.<str:fmt>", views.indicator_download, name="indicator_download"),
    path("tim-kiem/", views.search, name="search"),
    path("phien-ban/", views.switch_version, name="switch_version"),
]

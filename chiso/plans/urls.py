"""Plan pages, included under ``ke-hoach/``: ``path("ke-hoach/", include("chiso.plans.urls"))``."""

from django.urls import path

from chiso.plans import views
from chiso.web.language import vietnamese_only as vi

app_name = "plans"
PLAN = "<str:version>/<str:code>/<int:year>/"

urlpatterns = [
    path("", vi(views.start), name="start"),
    path(PLAN, vi(views.plan_page), name="plan"),
    path(PLAN + "chi-tieu/", vi(views.set_target), name="set_target"),
    path(PLAN + "muc-toi-thieu/", vi(views.assign_minimum), name="assign_minimum"),
    path(PLAN + "nhap-tep/", vi(views.import_file), name="import"),
    path(PLAN + "phan-quyen/", vi(views.change_role), name="role"),
]

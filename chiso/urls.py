from django.contrib import admin
from django.urls import include, path

from chiso.api.router import api
from chiso.web.health import healthz
from chiso.web.language import switch_language

handler403 = "chiso.web.errors.permission_denied"  # in the site's layout, Vietnamese or English
handler404 = "chiso.web.errors.page_not_found"  # (chiso/web/errors.py)
handler500 = "chiso.web.errors.server_error"  # Vietnamese, with the request id (chiso/web/errors.py)

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # database reachable, migrations applied (chiso/web/health.py)
    path("ngon-ngu/", switch_language, name="switch_language"),  # a GET: public pages hold no CSRF token
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("nhap-lieu/tai-len/", include("chiso.collection.upload.urls")),
    path("nhap-lieu/duyet/", include("chiso.collection.approval.urls")),
    path("nhap-lieu/", include("chiso.collection.entry.urls")),
    path("ke-hoach/", include("chiso.plans.urls")),
    path("doc-bao-cao/", include("chiso.extraction.urls")),
    path("bao-cao/", include("chiso.reports.urls")),
    path("xep-hang/", include("chiso.ranking.urls")),
    path("so-theo-doi/", include("chiso.registers.urls")),
    path("du-lieu-mo/", include("chiso.opendata.urls")),
    path("tai-khoan/", include("chiso.accounts.urls")),
    path("to-cns/", include("chiso.teams.urls")),
    path("", include("chiso.opendata.urls_machine")),  # /catalog.ttl, /catalog.jsonld, /api/3/action/
    path("", include("chiso.portal.urls")),
]

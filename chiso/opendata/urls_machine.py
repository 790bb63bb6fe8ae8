"""The machine-readable catalogue at the site root: DCAT-AP 3 and CKAN's action API (both read only)."""

from django.urls import path

from chiso.opendata import ckan, dcat

app_name = "opendata_machine"
urlpatterns = [
    path("catalog.ttl", dcat.catalog_ttl, name="catalog_ttl"),
    path("catalog.jsonld", dcat.catalog_jsonld, name="catalog_jsonld"),
    path("api/3/action/<str:name>", ckan.action, name="ckan_action_3"),
    path("api/action/<str:name>", ckan.action, name="ckan_action"),
]

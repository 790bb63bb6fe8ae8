"""CKAN's action API, read only, over the open-data catalogue: ``/api/3/action/<action>`` and
``/api/action/<action>`` (CKAN serves both), GET with query parameters or POST with a JSON body.

So that harvesters and the ``ckanapi`` client work unchanged, the answers are CKAN's: the envelope
``{"help", "success", "result"}``; errors ``{"success": false, "error": {"__type", "message", …}}`` with
404 "Not Found Error", 409 "Validation Error" (a bad parameter, named as a key of ``error``), 400 for an
unknown action or a body that is not JSON; never HTML. A package is a dataset of ``opendata.catalogue``
(published figures only), its resources are the dataset's distributions (absolute download URLs), the one
organization is the publisher and the groups are the three pillars.

No authentication (everything here is public). Not throttled: the API's anonymous rate limit lives in
``chiso.api.limits``, a layer above this app.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from chiso.engine.text import fold
from chiso.opendata import catalogue
from chiso.opendata.catalogue import Dataset, Distribution
from chiso.opendata.ckan_search import SearchRefused, search

CKAN_VERSION = "2.10.4"  # the API version these answers follow
_NAMESPACE = uuid.UUID("4f0f6a53-8f0e-4a8e-9d7e-6c1b3a2f9e10")
Params = dict[str, Any]
Absolute = Callable[[str], str]


class ActionError(Exception):
    """A CKAN error: its ``__type``, HTTP status and body fields."""

    def __init__(self, kind: str, status: int, message: str, **fields: list[str]) -> None:
        super().__init__(message)
        self.kind, self.status, self.message, self.fields = kind, status, message, fields


def not_found(message: str) -> ActionError:
    return ActionError("Not Found Error", 404, message)


def invalid(field: str, message: str) -> ActionError:
    return ActionError("Validation Error", 409, message, **{field: [message]})


def stable_id(kind: str, key: str) -> str:
    """A CKAN-style UUID that stays the same for the same dataset, resource or organization."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _timestamp(value: datetime) -> str:
    """CKAN's form: ISO 8601 in UTC without a zone."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def organization(with_count: int | None = None) -> dict[str, Any]:
    publisher = catalogue.publisher()
    name = _slug(publisher.name_en or publisher.name_vi)
    org: dict[str, Any] = {
        "id": stable_id("organization", name), "name": name, "title": publisher.name_vi,
        "display_name": publisher.name_vi, "description": publisher.name_en, "image_url": "",
        "type": "organization", "is_organization": True, "state": "active", "approval_status": "approved",
        "created": "2024-01-01T00:00:00",
    }
    if with_count is not None:
        org["package_count"] = with_count
    return org


def groups(datasets: list[Dataset] | None = None) -> list[dict[str, Any]]:
    from chiso.indicators.models import Pillar

    found = []
    for pillar in Pillar.objects.all():
        group: dict[str, Any] = {
            "id": stable_id("group", pillar.code), "name": pillar.code.lower(), "title": pillar.name_vi,
            "display_name": pillar.name_vi, "description": pillar.name_en, "image_display_url": "",
            "type": "group", "is_organization": False, "state": "active", "approval_status": "approved",
        }
        if datasets is not None:
            group["package_count"] = sum(1 for d in datasets if any(t.code == pillar.code for t in d.themes))
        found.append(group)
    return found


def _licence_fields() -> dict[str, str]:
    terms = catalogue.licence()
    cc_by = terms.uri.rstrip("/") == catalogue.CC_BY_4.rstrip("/")
    return {"license_id": "cc-by" if cc_by else "other-open",
            "license_title": "Creative Commons Attribution 4.0" if cc_by else terms.title,
            "license_url": terms.uri}


def resource(d: Dataset, dist: Distribution, position: int, absolute: Absolute) -> dict[str, Any]:
    return {
        "id": stable_id("resource", dist.id), "package_id": stable_id("dataset", d.id), "name": dist.title_vi,
        "description": dist.title_en, "url": absolute(dist.download_url), "format": dist.format,
        "mimetype": dist.media_type, "size": dist.byte_size, "last_modified": _timestamp(dist.modified),
        "created": _timestamp(dist.modified), "position": position, "state": "active", "url_type": None,
        "resource_type": None, "hash": "",
    }


def package(d: Dataset, absolute: Absolute, org: dict[str, Any], pillar_groups: dict[str, dict[str, Any]]
            ) -> dict[str, Any]:
    notes = d.description_vi + (" Có số liệu minh họa (không phải số liệu thật)." if d.illustrative else "")
    publisher = d.contact_point
    extras = {"title_en": d.title_en, "notes_en": d.description_en, "identifier": d.id,
              "issued": d.issued.isoformat(), "modified": _timestamp(d.modified),
              "temporal_start": d.temporal_start.isoformat(), "temporal_end": d.temporal_end.isoformat(),
              "spatial": d.spatial.name, "spatial_code": d.spatial.code, "frequency": d.accrual_periodicity,
              "series": d.series_id, "method": d.method_vi, "method_en": d.method_en,
              "unit_of_measure": d.unit_of_measure, "periods": ", ".join(d.periods),
              "illustrative": "true" if d.illustrative else "false"}
    tags = [{"name": k, "display_name": k, "id": stable_id("tag", k), "state": "active",
             "vocabulary_id": None} for k in d.keywords]
    return {
        "id": stable_id("dataset", d.id), "name": d.id, "title": d.title_vi, "notes": notes,
        "type": "dataset", "state": "active", "private": False, "isopen": True,
        "metadata_created": _timestamp(datetime.combine(d.issued, datetime.min.time())),
        "metadata_modified": _timestamp(d.modified),
        **_licence_fields(),
        "author": publisher.name_vi, "author_email": publisher.email, "maintainer": publisher.name_vi,
        "maintainer_email": publisher.email, "url": absolute(d.indicator_page), "version": str(d.year),
        "owner_org": org["id"], "organization": org,
        "groups": [pillar_groups[t.code] for t in d.themes if t.code in pillar_groups],
        "tags": tags, "num_tags": len(tags),
        "resources": [resource(d, dist, i, absolute) for i, dist in enumerate(d.distributions)],
        "num_resources": len(d.distributions),
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "relationships_as_object": [], "relationships_as_subject": [],
    }


class Catalogue:
    """The catalogue as CKAN sees it, read once per request."""

    def __init__(self, absolute: Absolute) -> None:
        self.absolute = absolute
        self.datasets = catalogue.datasets()
        self.org = organization()
        self.groups = groups(self.datasets)
        by_code = {g["name"].upper(): {k: g[k] for k in ("id", "name", "title", "display_name", "description",
                                                          "image_display_url")} for g in self.groups}
        self.packages = [package(d, absolute, self.org, by_code) for d in self.datasets]

    def package(self, key: str) -> dict[str, Any]:
        found = next((p for p in self.packages if key in (p["id"], p["name"])), None)
        if found is None:
            raise not_found(f"Không có tập dữ liệu {key!r}: xem danh sách bằng package_list.")
        return found


def _required(params: Params, name: str) -> str:
    value = params.get(name)
    if value in (None, ""):
        raise invalid(name, f"Thiếu tham số {name}.")
    return str(value)


def _bool(params: Params, name: str) -> bool:
    value = params.get(name, False)
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


def _page(params: Params, items: list[Any]) -> list[Any]:
    out = []
    for name in ("offset", "limit"):
        raw = params.get(name)
        if raw in (None, ""):
            out.append(None)
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise invalid(name, f"{name} phải là một số nguyên không âm (đã gửi {raw!r}).") from None
        if value < 0:
            raise invalid(name, f"{name} phải là một số nguyên không âm (đã gửi {raw!r}).")
        out.append(value)
    offset, limit = out[0] or 0, out[1]
    return items[offset:] if limit is None else items[offset:offset + limit]


def status_show(params: Params, absolute: Absolute) -> Any:
    return {"site_title": "chiso – Dữ liệu mở chuyển đổi số Đà Nẵng", "site_url": absolute("/").rstrip("/"),
            "site_description": "Số liệu chuyển đổi số đã công bố của thành phố, phường, xã, tổ dân phố.",
            "ckan_version": CKAN_VERSION, "api_version": 3, "locale_default": "vi", "error_emails_to": None,
            "extensions": []}


def package_list(params: Params, absolute: Absolute) -> Any:
    return _page(params, [d.id for d in catalogue.datasets()])


def package_search(params: Params, absolute: Absolute) -> Any:
    found = Catalogue(absolute)
    titles = {"organization": {found.org["name"]: found.org["title"]},
              "groups": {g["name"]: g["title"] for g in found.groups}}
    try:
        return search(found.packages, params, lambda field, name: titles.get(field, {}).get(name, name))
    except SearchRefused as refused:
        raise invalid(refused.field, refused.message) from None


def package_show(params: Params, absolute: Absolute) -> Any:
    return Catalogue(absolute).package(_required(params, "id"))


def resource_show(params: Params, absolute: Absolute) -> Any:
    key = _required(params, "id")
    for p in Catalogue(absolute).packages:
        for r in p["resources"]:
            if key == r["id"]:
                return r
    raise not_found(f"Không có tài nguyên {key!r}: xem các tài nguyên của một tập dữ liệu bằng package_show.")


def organization_list(params: Params, absolute: Absolute) -> Any:
    org = organization(len(catalogue.datasets()))
    return _page(params, [org if _bool(params, "all_fields") else org["name"]])


def organization_show(params: Params, absolute: Absolute) -> Any:
    key = _required(params, "id")
    found = Catalogue(absolute)
    if key not in (found.org["id"], found.org["name"]):
        raise not_found(f"Không có tổ chức {key!r}: xem danh sách bằng organization_list.")
    org = dict(found.org, package_count=len(found.packages), users=[], extras=[], tags=[], groups=[])
    if _bool(params, "include_datasets"):
        org["packages"] = found.packages[:1000]
    return org


def group_list(params: Params, absolute: Absolute) -> Any:
    found = groups(catalogue.datasets())
    return _page(params, found if _bool(params, "all_fields") else [g["name"] for g in found])


def group_show(params: Params, absolute: Absolute) -> Any:
    key = _required(params, "id")
    found = Catalogue(absolute)
    group = next((g for g in found.groups if key in (g["id"], g["name"])), None)
    if group is None:
        raise not_found(f"Không có nhóm {key!r}: xem danh sách bằng group_list.")
    if _bool(params, "include_datasets"):
        group = dict(group, packages=[p for p in found.packages if any(g["name"] == group["name"]
                                                                       for g in p["groups"])])
    return group


def tag_list(params: Params, absolute: Absolute) -> Any:
    query = fold(str(params.get("query") or ""))
    names = sorted({k for d in catalogue.datasets() for k in d.keywords}, key=fold)
    return [n for n in names if query in fold(n)]


def help_show(params: Params, absolute: Absolute) -> Any:
    name = _required(params, "name")
    if name not in ACTIONS:
        raise not_found(f"Không có hàm {name!r}: các hàm có {', '.join(sorted(ACTIONS))}.")
    return (ACTIONS[name].__doc__ or f"CKAN action {name} (read only). See https://docs.ckan.org/en/latest/api/")


ACTIONS: dict[str, Callable[[Params, Absolute], Any]] = {
    f.__name__: f for f in (status_show, package_list, package_search, package_show, resource_show,
                            organization_list, organization_show, group_list, group_show, tag_list, help_show)}


def _params(request: HttpRequest) -> Params:
    """GET query parameters, or a POST's JSON body (ckanapi) or form fields."""
    params: Params = {k: v[-1] if len(v) == 1 else v for k, v in request.GET.lists()}
    if request.method == "POST":
        if request.content_type == "application/json" or (request.body and request.body.lstrip()[:1] == b"{"):
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError) as error:
                raise ActionError("Bad Request", 400, f"Bad request - JSON Error: {error}") from None
            if not isinstance(body, dict):
                raise ActionError("Bad Request", 400, "Bad request - JSON Error: gửi một đối tượng JSON {…}.")
            params.update(body)
        else:
            params.update({k: v[-1] if len(v) == 1 else v for k, v in request.POST.lists()})
    return params


@csrf_exempt  # read only and anonymous: no session is read, nothing is written
def action(request: HttpRequest, name: str) -> JsonResponse:
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={name}")
    try:
        if request.method not in ("GET", "POST"):
            raise ActionError("Bad Request", 405,
                              f"Phương thức {request.method} không được hỗ trợ: dùng GET hoặc POST.")
        if name not in ACTIONS:
            raise ActionError("Bad Request", 400, f"Bad request - Action name not known: {name}")
        result = ACTIONS[name](_params(request), request.build_absolute_uri)
    except ActionError as error:
        body = {"__type": error.kind, "message": f"{error.kind}: {error.message}", **error.fields}
        response = JsonResponse({"help": help_url, "success": False, "error": body}, status=error.status,
                                json_dumps_params={"ensure_ascii": False})
        if error.status == 405:
            response["Allow"] = "GET, POST"
        return response
    return JsonResponse({"help": help_url, "success": True, "result": result},
                        json_dumps_params={"ensure_ascii": False})

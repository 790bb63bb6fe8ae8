"""CKAN's action API at /api/3/action/ and /api/action/, driven by the real ``ckanapi`` client: ``TestAppCKAN``
(POST with a JSON body, as ckanapi sends it) over Django's test client, and ``RemoteCKAN(get_only=True)``
(GET with query parameters) over a session that hands its requests to the same test client."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from ckanapi import RemoteCKAN, TestAppCKAN
from ckanapi.errors import NotFound, ValidationError

from chiso.analytics.queries import evaluate
from chiso.engine.periods import Period
from chiso.opendata import catalogue
from tests.conftest import unit
from tests.opendata.helpers import Status, report, small_world_only, write

pytestmark = pytest.mark.django_db


class DjangoApp:
    """What ``TestAppCKAN`` asks of a paste/webtest app, over Django's test client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(self, url: str, params: bytes, headers: dict[str, str], expect_errors: bool = False) -> Any:
        response = self.client.post(url, data=params, content_type=headers["Content-Type"])
        return SimpleNamespace(status=response.status_code, body=response.content.decode("utf-8"))


class DjangoSession:
    """What ``RemoteCKAN`` asks of a ``requests`` session (GET only), over Django's test client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, url: str, params: dict[str, Any], headers: dict[str, str], **_: Any) -> Any:
        response = self.client.get(urlsplit(url).path, data=params, HTTP_USER_AGENT=headers["User-Agent"])
        return SimpleNamespace(status_code=response.status_code, text=response.content.decode("utf-8"))


class RemoteCKAN3(RemoteCKAN):  # type: ignore[misc]
    base_url = "api/3/action/"


@pytest.fixture
def ckan(client: Any) -> TestAppCKAN:
    """POST /api/action/<action> with a JSON body."""
    return TestAppCKAN(DjangoApp(client))


@pytest.fixture
def ckan3(client: Any) -> RemoteCKAN:
    """GET /api/3/action/<action>?…"""
    return RemoteCKAN3("http://testserver", get_only=True, session=DjangoSession(client))


def names(result: dict[str, Any]) -> list[str]:
    return [p["name"] for p in result["results"]]


def test_package_list_is_the_catalogue_on_both_paths(ckan: TestAppCKAN, ckan3: RemoteCKAN) -> None:
    slugs = [d.id for d in catalogue.datasets()]
    assert slugs
    assert ckan.action.package_list() == slugs
    assert ckan3.action.package_list() == slugs
    assert ckan3.action.package_list(limit=2, offset=1) == slugs[1:3]


@small_world_only
def test_package_search_counts_exactly_on_the_small_world(ckan: TestAppCKAN, ckan3: RemoteCKAN) -> None:
    everything = ckan.action.package_search(rows=0, **{"facet.field": ["groups", "organization", "res_format"]})
    assert everything["count"] == 52
    assert everything["results"] == []
    assert everything["facets"] == {"groups": {"cqs": 23, "xhs": 17, "kts": 12},
                                    "organization": {"da-nang-department-of-science-and-technology": 52},
                                    "res_format": {"CSV": 52, "JSON": 52, "XLSX": 52}}
    assert everything["search_facets"]["groups"]["items"][0] == {
        "name": "cqs", "display_name": "Chính quyền số", "count": 23}
    # q: every word, without diacritics, over title, description, name and tags
    assert names(ckan.action.package_search(q="định danh điện tử", sort="name asc")) == [
        "xhs-04-2024", "xhs-05-2024", "xhs-06-2023", "xhs-06-2024"]
    assert names(ckan3.action.package_search(q="dinh danh kich hoat", sort="name desc")) == [
        "xhs-06-2024", "xhs-06-2023"]
    # fq: groups, tags with a quoted value, a clause that must not hold
    result = ckan3.action.package_search(fq='groups:cqs -tags:"CQS-03"', rows=3, start=1, sort="name asc")
    assert result["count"] == 20
    assert names(result) == ["cqs-02-2024", "cqs-04-2024", "cqs-05-2024"]
    assert ckan.action.package_search(fq='tags:"CQS-03" organization:da-nang-department-of-science-and-technology',
                                      sort="metadata_modified desc")["count"] == 3
    assert ckan.action.package_search(fq="res_format:XLSX groups:kts")["count"] == 12
    facets = ckan.action.package_search(fq="groups:xhs", **{"facet.field": '["tags"]', "facet.limit": 2})
    assert facets["facets"] == {"tags": {"Thành phố Đà Nẵng": 17, "Xã hội số": 17}}
    # CKAN's default sort: "score desc, metadata_modified desc" (every match scores the same here)
    assert ckan.action.package_search(rows=1000)["results"] == ckan.action.package_search(
        rows=1000, sort="metadata_modified desc")["results"]


def test_package_search_sorts_pages_and_caps_rows(ckan: TestAppCKAN) -> None:
    slugs = [d.id for d in catalogue.datasets()]
    assert len(ckan.action.package_search()["results"]) == min(10, len(slugs))
    assert names(ckan.action.package_search(sort="name desc", rows=5)) == sorted(slugs, reverse=True)[:5]
    assert names(ckan.action.package_search(sort="name asc", rows=4, start=2)) == sorted(slugs)[2:6]
    assert ckan.action.package_search(rows=5000)["count"] == len(slugs)  # CKAN caps rows at 1.000
    titles = [p["title"] for p in ckan.action.package_search(sort="title_string asc", rows=1000)["results"]]
    assert len(titles) == len(slugs)
    newest = ckan.action.package_search(sort="metadata_modified desc", rows=1000)["results"]
    assert [p["metadata_modified"] for p in newest] == sorted((p["metadata_modified"] for p in newest), reverse=True)


def test_package_show_by_name_and_by_id(ckan: TestAppCKAN, ckan3: RemoteCKAN) -> None:
    package = ckan.action.package_show(id="xhs-06-2024")
    assert ckan3.action.package_show(id=package["id"]) == package
    assert package["name"] == "xhs-06-2024"
    assert package["title"] == "XHS-06 Số tài khoản định danh điện tử đã kích hoạt – năm 2024"
    assert package["notes"].endswith("Có số liệu minh họa (không phải số liệu thật).")
    assert package["license_id"] == "cc-by"
    assert package["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["organization"]["title"] == "Sở Khoa học và Công nghệ thành phố Đà Nẵng"
    assert package["groups"] == [{"id": package["groups"][0]["id"], "name": "xhs", "title": "Xã hội số",
                                  "display_name": "Xã hội số", "description": "Digital society",
                                  "image_display_url": ""}]
    assert [t["name"] for t in package["tags"]] == ["XHS-06", "Xã hội số", "chuyển đổi số", "Thành phố Đà Nẵng"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2024-01-01", "2024-12-31")
    assert extras["frequency"] == "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    assert extras["spatial"] == "Thành phố Đà Nẵng"
    resource = next(r for r in package["resources"] if r["url"].endswith("/phuong-xa.csv"))
    assert resource["url"] == "http://testserver/du-lieu-mo/xhs-06-2024/phuong-xa.csv"
    assert (resource["format"], resource["mimetype"], resource["package_id"]) == ("CSV", "text/csv", package["id"])


def test_a_resource_downloads_the_published_figures_only(ckan: TestAppCKAN, client: Any) -> None:
    """Thạc Gián's December report is reopened and a new figure written into it: the download of the resource
    ckanapi shows holds the published figures, equal to evaluate(published_only=True), and never the draft."""
    report("20221", "2024-12", Status.DRAFT)
    write("XHS-06", "20221", "2024-12", "987654")
    package = ckan.action.package_show(id="xhs-06-2024")
    wanted = next(r for r in package["resources"] if r["url"].endswith("/phuong-xa.csv"))
    resource = ckan.action.resource_show(id=wanted["id"])
    assert resource == wanted
    response = client.get(urlsplit(resource["url"]).path)
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = {(row[0], row[3]): Decimal(row[4]) for row in table[1:]}
    assert "987654" not in response.content.decode("utf-8-sig")
    wards = [unit("2024", code) for code in ("20209", "20212", "20221")]
    months = [Period.parse(m) for m in ("2024-10", "2024-11", "2024-12")]
    published = {(row.unit.code, str(row.period)): row.value
                 for row in evaluate(["XHS-06"], wards, months, published_only=True) if row.value is not None}
    assert ("20221", "2024-11") in published and ("20221", "2024-12") not in published
    assert {key: figures[key] for key in published} == published
    assert ("20221", "2024-12") not in figures


def test_organizations_groups_and_tags(ckan: TestAppCKAN, ckan3: RemoteCKAN) -> None:
    count = len(catalogue.datasets())
    assert ckan.action.organization_list() == ["da-nang-department-of-science-and-technology"]
    [org] = ckan3.action.organization_list(all_fields=True)
    assert (org["title"], org["package_count"]) == ("Sở Khoa học và Công nghệ thành phố Đà Nẵng", count)
    shown = ckan.action.organization_show(id="da-nang-department-of-science-and-technology", include_datasets=True)
    assert shown["package_count"] == len(shown["packages"]) == count
    assert ckan.action.group_list() == ["cqs", "kts", "xhs"]
    groups = ckan3.action.group_list(all_fields=True)
    assert sum(g["package_count"] for g in groups) == count
    assert [g["title"] for g in groups] == ["Chính quyền số", "Kinh tế số", "Xã hội số"]
    tags = ckan.action.tag_list()
    assert {"chuyển đổi số", "XHS-06", "Xã hội số"} <= set(tags)
    assert ckan3.action.tag_list(query="xa hoi") == ["Xã hội số"]
    status = ckan3.action.status_show()
    assert (status["ckan_version"], status["site_url"], status["locale_default"]) == (
        "2.10.4", "http://testserver", "vi")


def test_errors_are_ckan_envelopes(ckan: TestAppCKAN, ckan3: RemoteCKAN, client: Any) -> None:
    with pytest.raises(NotFound, match="Không có tập dữ liệu 'khong-co'"):
        ckan.action.package_show(id="khong-co")
    with pytest.raises(NotFound):
        ckan3.action.resource_show(id="khong-co")
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="khong-co")
    with pytest.raises(ValidationError) as refused:
        ckan.action.package_show()
    assert refused.value.error_dict["id"] == ["Thiếu tham số id."]
    with pytest.raises(ValidationError) as refused:
        ckan3.action.package_search(fq="author:ai")
    assert refused.value.error_dict["__type"] == "Validation Error"
    with pytest.raises(ValidationError):
        ckan.action.package_search(sort="popularity desc")
    with pytest.raises(ValidationError):
        ckan.action.package_search(rows="mười")
    with pytest.raises(ValidationError):
        ckan.action.package_search(**{"facet.field": '["author"]'})

    response = client.get("/api/3/action/package_show?id=khong-co")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "help": "http://testserver/api/3/action/help_show?name=package_show", "success": False,
        "error": {"__type": "Not Found Error",
                  "message": "Not Found Error: Không có tập dữ liệu 'khong-co': xem danh sách bằng package_list."}}
    response = client.get("/api/action/package_search?rows=-1")
    assert (response.status_code, response.json()["error"]["rows"]) == (409, ["rows phải từ 0 trở lên (đã gửi -1)."])
    response = client.get("/api/3/action/package_create")
    assert (response.status_code, response.json()["success"]) == (400, False)
    response = client.post("/api/3/action/package_list", data=b"{not json", content_type="application/json")
    assert (response.status_code, response.json()["error"]["__type"]) == (400, "Bad Request")
    response = client.delete("/api/3/action/package_list")
    assert (response.status_code, response["Allow"]) == (405, "GET, POST")
    ok = json.loads(client.get("/api/action/package_list?limit=1").content)
    assert (ok["success"], len(ok["result"])) == (True, 1)

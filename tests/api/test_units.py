"""Versions and units through /api/v1/: the same code names different places in different versions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_versions_are_listed_oldest_first(client):
    response = client.get("/api/v1/versions")
    assert response.status_code == 200
    assert response.json() == [
        {"name": "2024", "label": "Đà Nẵng đến 31/12/2024: 8 quận, huyện; 56 phường, xã",
         "valid_from": None, "valid_to": "2024-12-31"},
        {"name": "2025-01", "label": "Đà Nẵng 1/1–30/6/2025: 8 quận, huyện; 47 phường, xã",
         "valid_from": "2025-01-01", "valid_to": "2025-06-30"},
        {"name": "2025-07", "label": "Cả nước từ 1/7/2025: 34 tỉnh, thành phố; 3.321 xã, phường, đặc khu",
         "valid_from": "2025-07-01", "valid_to": None},
    ]


def test_same_code_names_different_wards_in_different_versions(client):
    before = client.get("/api/v1/units/2024/20209")
    after = client.get("/api/v1/units/2025-07/20209")
    assert before.status_code == after.status_code == 200
    assert before.json() == {
        "version": "2024", "code": "20209", "name": "Phường Xuân Hà", "type": "phuong", "parent_code": "491",
        "latitude": 16.071226, "longitude": 108.191637, "valid_from": None, "valid_to": "2024-12-31",
        "successors": [
            {"version": "2025-01", "code": "20209", "name": "Phường Xuân Hà", "kind": "merge",
             "population_share": 1.0},
        ],
        "predecessors": [],
    }
    body = after.json()
    keys = ("version", "code", "name", "type", "parent_code", "valid_from", "valid_to")
    assert {k: body[k] for k in keys} == {
        "version": "2025-07", "code": "20209", "name": "Phường Thanh Khê", "type": "phuong",
        "parent_code": "48", "valid_from": "2025-07-01", "valid_to": None,
    }
    assert body["successors"] == []
    # Tree order: the abolished district first (territory only, share unknown), then its wards.
    assert body["predecessors"][0] == {
        "version": "2025-01", "code": "491", "name": "Quận Thanh Khê", "kind": "split_part",
        "population_share": None,
    }
    assert body["predecessors"][1:] == [
        {"version": "2025-01", "code": code, "name": name, "kind": "merge", "population_share": 1.0}
        for code, name in [("20206", "Phường Thanh Khê Tây"), ("20207", "Phường Thanh Khê Đông"),
                           ("20209", "Phường Xuân Hà"), ("20215", "Phường Chính Gián"),
                           ("20218", "Phường Thạc Gián")]
    ]


def test_thac_gian_merged_into_the_new_thac_gian_under_another_code(client):
    body = client.get("/api/v1/units/2024/20221").json()
    assert body["name"] == "Phường Thạc Gián"
    assert body["successors"] == [
        {"version": "2025-01", "code": "20218", "name": "Phường Thạc Gián", "kind": "merge",
         "population_share": 1.0},
    ]


def test_hoa_minh_split_with_population_shares(client):
    body = client.get("/api/v1/units/2024/20200").json()
    assert body["successors"] == [
        {"version": "2025-01", "code": "20200", "name": "Phường Hòa Minh", "kind": "split_part",
         "population_share": 0.7388},
        {"version": "2025-01", "code": "20206", "name": "Phường Thanh Khê Tây", "kind": "split_part",
         "population_share": 0.2612},
    ]


def test_unknown_unit_or_version_is_a_404_in_vietnamese(client):
    response = client.get("/api/v1/units/2024/99999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị mã '99999' trong phiên bản 2024."}
    response = client.get("/api/v1/units/2023/20209")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không có phiên bản danh mục đơn vị '2023' (có: 2024, 2025-01, 2025-07)."
    }
    response = client.get("/api/v1/units?type=phuong,ward")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Loại đơn vị không hợp lệ: ward (có: quoc_gia, ")
    response = client.get("/api/v1/units?version=1999")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Không có phiên bản danh mục đơn vị '1999'")


def test_search_without_diacritics_depends_on_the_version(client):
    # No ward or commune is called Thạc Gián any more (the demo's residential groups may keep the name).
    in_2025_07 = client.get("/api/v1/units", {"version": "2025-07", "q": "thac gian"}).json()["items"]
    assert [u for u in in_2025_07 if u["type"] in ("phuong", "xa", "dac_khu")] == []
    wards_only = {"version": "2025-07", "q": "thac gian", "type": "phuong,xa"}
    assert client.get("/api/v1/units", wards_only).json() == {
        "count": 0, "limit": 100, "offset": 0, "next": None, "items": [],
    }
    in_2025_01 = client.get("/api/v1/units", {"version": "2025-01", "q": "thac gian"}).json()["items"]
    assert ("20218", "Phường Thạc Gián") in [(u["code"], u["name"]) for u in in_2025_01]
    assert client.get("/api/v1/units", {"version": "2025-01", "q": "thac gian", "type": "phuong"}).json() == {
        "count": 1, "limit": 100, "offset": 0, "next": None,
        "items": [{
            "version": "2025-01", "code": "20218", "name": "Phường Thạc Gián", "type": "phuong",
            "parent_code": "491", "latitude": 16.060001, "longitude": 108.211054,
            "valid_from": "2025-01-01", "valid_to": "2025-06-30",
        }],
    }
    # Diacritics and capitals in the query are folded too.
    found = client.get("/api/v1/units", {"version": "2024", "q": "Thạc  GIÁN", "type": "phuong"}).json()
    assert [(u["version"], u["code"]) for u in found["items"]] == [("2024", "20221")]


def test_default_version_is_the_one_in_force(client):
    body = client.get("/api/v1/units", {"q": "thanh khe"}).json()
    assert {u["version"] for u in body["items"]} == {"2025-07"}
    assert ("20209", "Phường Thanh Khê") in {(u["code"], u["name"]) for u in body["items"]}


def test_children_of_a_district_in_tree_order_with_paging(client):
    body = client.get("/api/v1/units", {"version": "2025-01", "parent": "491", "type": "phuong"}).json()
    assert body["count"] == 6
    assert [u["code"] for u in body["items"]] == ["20206", "20207", "20209", "20215", "20218", "20224"]
    assert {u["parent_code"] for u in body["items"]} == {"491"}
    page = client.get("/api/v1/units", {"version": "2025-01", "parent": "491", "type": "phuong",
                                        "limit": 2, "offset": 4}).json()
    assert page["count"] == 6
    assert (page["limit"], page["offset"]) == (2, 4)
    assert [u["code"] for u in page["items"]] == ["20218", "20224"]


def test_limit_is_bounded(client):
    assert client.get("/api/v1/units", {"limit": 0}).status_code == 422
    response = client.get("/api/v1/units", {"limit": 100000})
    assert response.status_code == 400
    assert response.json() == {"detail": (
        "Tối đa 1.000 dòng mỗi lần (tham số limit = 100.000): hãy giảm limit và đọc tiếp theo liên kết 'next'. "
        "Gửi mã truy cập (Authorization: Bearer <mã>) hoặc đăng nhập để đọc tới 5.000 dòng mỗi lần.")}

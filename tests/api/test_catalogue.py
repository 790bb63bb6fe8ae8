"""The indicator catalogue through /api/v1/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_count_indicator(client):
    body = client.get("/api/v1/indicators").json()
    by_code = {i["code"]: i for i in body}
    assert by_code["XHS-06"] == {
        "code": "XHS-06", "name_vi": "Số tài khoản định danh điện tử đã kích hoạt",
        "name_en": "Electronic identity accounts activated", "pillar": "XHS",
        "pillar_name_vi": "Xã hội số", "unit_of_measure": "tài khoản", "kind": "count", "direction": "up",
        "over_time": "stock", "numerator": None, "denominator": None, "reported": "XHS-06",
        "over_hierarchy": "sum", "factor": 1.0, "decimals": 0, "legal_basis": "Đề án 06",
        "reference_target": "", "is_local": False,
    }


def test_a_rate_indicator_names_its_elements(client):
    by_code = {i["code"]: i for i in client.get("/api/v1/indicators", {"pillar": "CQS"}).json()}
    rate = by_code["CQS-03"]
    assert (rate["kind"], rate["factor"], rate["decimals"], rate["reported"]) == ("rate", 100.0, 1, "CQS-03")
    assert rate["numerator"] and rate["denominator"]
    assert rate["over_hierarchy"] == "none"
    assert rate["reference_target"] == "65 (Đà Nẵng 2022)"
    assert {i["pillar"] for i in by_code.values()} == {"CQS"}
    elements = {e["code"] for e in client.get("/api/v1/data-elements").json()}
    assert {rate["numerator"], rate["denominator"], rate["reported"]} <= elements


def test_data_elements(client):
    body = client.get("/api/v1/data-elements").json()
    assert [e["code"] for e in body] == sorted(e["code"] for e in body)
    assert {e["code"]: e for e in body}["XHS-05"] == {
        "code": "XHS-05", "name_vi": "Số hồ sơ định danh điện tử đã thu nhận",
        "name_en": "Electronic identity applications collected", "value_type": "integer",
        "unit_of_measure": "hồ sơ", "over_time": "stock", "over_hierarchy": "sum",
        "description": "Số lượng của chỉ tiêu XHS-05",
    }


def test_openapi_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/v1/versions", "/api/v1/units", "/api/v1/units/{version}/{code}", "/api/v1/indicators",
        "/api/v1/data-elements", "/api/v1/values",
    }
    unit_detail = schema["paths"]["/api/v1/units/{version}/{code}"]["get"]
    assert set(unit_detail["responses"]) == {"200", "404"}
    assert {"UnitDetailOut", "ValuePage", "IndicatorOut", "ErrorOut"} <= set(schema["components"]["schemas"])

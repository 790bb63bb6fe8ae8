"""/api/v1/analytics/values: JSON and CSV."""

from __future__ import annotations

import pytest


pytestmark = pytest.mark.django_db


@pytest.mark.demo
def test_the_thanh_khe_2024_figure_with_its_wards_total(client):
    response = client.get("/api/v1/analytics/values", {"data": "XHS-06", "units": "491", "periods": "2024",
                                                       "hierarchy": "2024"})
    assert response.status_code == 200
    assert response.json() == {"count": 1, "limit": 1000, "next": None, "rows": [{
        "data": "XHS-06", "unit": "491", "unit_name": "Quận Thanh Khê", "version": "2024", "period": "2024",
        "value": 133713.0, "numerator": None, "denominator": None, "qualifier": "exact", "completeness": 1.0,
        "reported": 1, "expected": 1, "estimated": False, "illustrative": False, "own_value": 133713.0,
        "children_value": 133713.0, "differs": False, "notes": [],
    }]}


def test_a_rate_for_every_ward_of_a_district_as_csv(client):
    response = client.get("/api/v1/analytics/values", {"data": "KTS-11", "units": "491", "periods": "2024",
                                                       "hierarchy": "2024", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("data,unit,unit_name,version,period,value,numerator,denominator,qualifier")
    assert lines[1].startswith("KTS-11,491,Quận Thanh Khê,2024,2024,100.0,12.0,12.0,exact,1.0,1,1,False,False")


def test_bad_requests_say_what_is_wrong(client):
    response = client.get("/api/v1/analytics/values", {"data": "XHS-99", "units": "491", "periods": "2024",
                                                       "hierarchy": "2024"})
    assert (response.status_code, response.json()) == (400, {"detail": "Không có chỉ tiêu hay yếu tố dữ liệu mã 'XHS-99'."})
    response = client.get("/api/v1/analytics/values", {"data": "XHS-06", "units": "491", "periods": "2024"})
    assert response.json() == {"detail": "Không có đơn vị mã '491' trong phiên bản 2025-07."}

"""Figures through /api/v1/values, written as every channel writes them: through chiso.values.actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, do_delete_value, do_set_values
from chiso.values.models import Channel, DataValue, Qualifier
from tests.conftest import unit

pytestmark = pytest.mark.django_db

MARK = "api-test"  # source of the figures these tests write, so demo figures do not get in the way


def _when(value: DataValue) -> str:
    return DjangoJSONEncoder().default(value.updated_at)


@pytest.fixture
def figures():
    xhs05, xhs06 = DataElement.objects.get(code="XHS-05"), DataElement.objects.get(code="XHS-06")
    thanh_khe, thac_gian = unit("2024", "491"), unit("2024", "20221")
    year = Period.parse("2024")
    do_set_values([
        ValueEntry(xhs06, thanh_khe, year, Decimal("151234"), source=MARK),
        ValueEntry(xhs05, thanh_khe, year, Decimal("160000"), Qualifier.APPROXIMATE, source=MARK,
                   comment="số làm tròn"),
        ValueEntry(xhs06, thanh_khe, Period.parse("2024Q3"), Decimal("140001"), source=MARK),
        ValueEntry(xhs06, thac_gian, year, Decimal("12345"), source=MARK, is_illustrative=True),
    ], acting_user=None, channel=Channel.API)
    return {(v.data_element.code, v.unit.code, v.period): v
            for v in DataValue.objects.filter(source=MARK).select_related("data_element", "unit")}


def test_values_of_a_unit_for_a_year(admin_client, figures):
    response = admin_client.get("/api/v1/values", {"unit": "491", "version": "2024", "data": "XHS-06,XHS-05",
                                             "period": "2024"})
    assert response.status_code == 200
    assert response.json() == {
        "count": 2, "limit": 100, "offset": 0, "next": None,
        "items": [
            {"data_element": "XHS-05", "unit": "491", "version": "2024", "period": "2024", "value": 160000.0,
             "qualifier": "approximate", "source": MARK, "comment": "số làm tròn", "is_illustrative": False,
             "updated_at": _when(figures[("XHS-05", "491", "2024")])},
            {"data_element": "XHS-06", "unit": "491", "version": "2024", "period": "2024", "value": 151234.0,
             "qualifier": "exact", "source": MARK, "comment": "", "is_illustrative": False,
             "updated_at": _when(figures[("XHS-06", "491", "2024")])},
        ],
    }


def test_every_period_when_none_is_given_and_periods_are_read_leniently(admin_client, figures):
    body = admin_client.get("/api/v1/values", {"unit": "491", "version": "2024", "data": "XHS-06"}).json()
    mine = [(v["period"], v["value"]) for v in body["items"] if v["source"] == MARK]
    assert mine == [("2024", 151234.0), ("2024Q3", 140001.0)]
    body = admin_client.get("/api/v1/values", {"unit": "491", "version": "2024", "data": "XHS-06",
                                         "period": " 2024q3"})
    assert [(v["period"], v["value"]) for v in body.json()["items"]] == [("2024Q3", 140001.0)]


def test_all_units_of_a_version(admin_client, figures):
    body = admin_client.get("/api/v1/values", {"version": "2024", "data": "XHS-06", "period": "2024",
                                         "limit": 1000}).json()
    mine = [(v["unit"], v["value"], v["is_illustrative"]) for v in body["items"] if v["source"] == MARK]
    assert mine == [("491", 151234.0, False), ("20221", 12345.0, True)]  # tree order: district, then ward


def test_deleted_values_are_not_listed(admin_client, figures):
    do_delete_value(figures[("XHS-05", "491", "2024")], acting_user=None, channel=Channel.API,
                    reason="nhập nhầm")
    body = admin_client.get("/api/v1/values", {"unit": "491", "version": "2024", "data": "XHS-05",
                                         "period": "2024"})
    assert body.json() == {"count": 0, "limit": 100, "offset": 0, "next": None, "items": []}


def test_a_unit_is_looked_up_in_the_version_asked(admin_client, figures):
    body = admin_client.get("/api/v1/values", {"unit": "491", "version": "2025-01", "data": "XHS-06",
                                         "period": "2024"})
    assert body.status_code == 200
    assert [v for v in body.json()["items"] if v["source"] == MARK] == []


def test_bad_requests_say_why_in_vietnamese(admin_client):
    response = admin_client.get("/api/v1/values", {"unit": "491", "version": "2024", "period": "2024-13"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "Kỳ báo cáo không hợp lệ: '2024-13' (tháng phải từ 01 đến 12)."
    )
    response = admin_client.get("/api/v1/values", {"unit": "491", "version": "2024", "data": "XHS-06,NOPE-1"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có yếu tố dữ liệu mã NOPE-1."}
    response = admin_client.get("/api/v1/values", {"unit": "99999", "version": "2024"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị mã '99999' trong phiên bản 2024."}


def test_the_public_sees_only_figures_of_approved_reports(client):
    """The demo's real 2024 figures of Thanh Khê are in an approved report; a figure in none is hidden."""
    do_set_values([ValueEntry(DataElement.objects.get(code="XHS-06"), unit("2024", "491"), Period.parse("2024Q3"),
                              Decimal(1), source=MARK)], acting_user=None, channel=Channel.API)
    body = client.get("/api/v1/values", {"unit": "491", "version": "2024", "data": "XHS-06,XHS-05"}).json()
    assert [(v["data_element"], v["value"], v["source"]) for v in body["items"]] == [
        ("XHS-05", 166039.0, 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'),
        ("XHS-06", 133713.0, 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'),
    ]

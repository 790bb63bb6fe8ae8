"""Parameters that answered 500 (issue 8, defect 9; issue 14): each is now a 400 or 422 saying, in
Vietnamese, what was wrong and what to send instead."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/values"])
def test_an_offset_beyond_any_database_integer_is_refused(client, path):
    response = client.get(path, {"offset": HUGE})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Tham số không hợp lệ.",
        "problems": ["Tham số 'offset': phải nhỏ hơn hoặc bằng 1000000000."],
    }


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/values"])
def test_an_offset_that_is_not_a_number_is_refused(client, path):
    response = client.get(path, {"offset": "mười"})
    assert response.status_code == 422
    assert response.json() == {"detail": "Tham số không hợp lệ.",
                               "problems": ["Tham số 'offset': phải là số nguyên."]}


def test_analytics_with_a_comma_for_periods(client):
    response = client.get("/api/v1/analytics/values", {"data": "XHS-06", "units": "491", "periods": ",",
                                                       "hierarchy": "2024"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Thiếu tham số 'periods': ghi ít nhất một kỳ, cách nhau bằng dấu phẩy "
                                         "(ví dụ 2024,2024Q3,2024-07)."}


def test_analytics_with_no_parameters_at_all(client):
    response = client.get("/api/v1/analytics/values")
    assert response.status_code == 400
    assert response.json() == {"detail": "Thiếu tham số 'data': ghi ít nhất một mã chỉ tiêu hoặc yếu tố dữ liệu, "
                                         "cách nhau bằng dấu phẩy (ví dụ XHS-04,XHS-06)."}


def test_analytics_with_empty_parameters(client):
    response = client.get("/api/v1/analytics/values", {"data": "", "units": "", "periods": ""})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Thiếu tham số 'data'")
    response = client.get("/api/v1/analytics/values", {"data": "XHS-06", "units": " , ", "periods": "2024"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Thiếu tham số 'units': ghi ít nhất một mã đơn vị, cách nhau bằng dấu "
                                         "phẩy (ví dụ 491; 48/children; 48/level-3)."}


def test_the_engine_answers_no_rows_for_no_periods():
    from chiso.analytics.queries import evaluate
    from tests.conftest import unit

    assert evaluate(["XHS-06"], [unit("2024", "491")], []) == []


@pytest.mark.parametrize("text", ["2024\n", "2024\r\nSet-Cookie: x=1", "\n2024"])
def test_a_newline_in_the_history_exports_period_is_refused(client, officer_thac_gian, text):
    client.force_login(officer_thac_gian)
    response = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv", {"tu": text})
    assert response.status_code == 400
    assert response.content.decode() == ("Tham số 'tu' chứa ký tự xuống dòng hoặc ký tự điều khiển: ghi kỳ như "
                                         "2024, 2024Q3 hoặc 2024-07.")
    response = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.xlsx", {"tu": "2024", "den": text})
    assert response.status_code == 400
    assert "Tham số 'den' chứa ký tự xuống dòng" in response.content.decode()


def test_the_export_file_name_uses_the_periods_as_read(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = client.get("/nhap-lieu/lich-su/2024/20221/tai-ve.csv", {"tu": " 2024q3 ", "den": "2024-12"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lich-su-2024-20221-2024Q3-2024-12.csv"'


@pytest.mark.parametrize("year", [100, 3000])
def test_a_plan_year_the_calendar_cannot_hold_is_refused(client, year):
    """Found by the schemathesis run: year=100 reached Period.of_month and answered 500."""
    response = client.get("/api/v1/analytics/targets", {"unit": "491", "year": year, "hierarchy": "2024"})
    assert response.status_code == 422
    bound = "lớn hơn hoặc bằng 1900" if year < 1900 else "nhỏ hơn hoặc bằng 2100"
    assert response.json() == {"detail": "Tham số không hợp lệ.", "problems": [f"Tham số 'year': phải {bound}."]}

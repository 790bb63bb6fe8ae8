"""Bounded work per request (issue 8, defect 4 and item 3): rows per answer are capped (lower for anonymous
callers), counted before anything is computed, paged with ``next``; anonymous callers are rate limited."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from chiso.api import analytics as analytics_api
from chiso.api.auth import create_token
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db

THANH_KHE_WARDS = {"data": "XHS-06,XHS-05", "units": "491/children", "periods": "2024,2024Q3", "hierarchy": "2024"}


@pytest.fixture
def token(db) -> str:
    return create_token(_user("t_integrator", "viewer", unit("2024", "48")), "LGSP")[1]


def _follow(client: Client, path: str, params: dict, **headers) -> list[dict]:
    """Every page, following ``next``."""
    pages = [client.get(path, params, **headers).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"], **headers).json())
    return pages


def _cells(codes: list[str], spec: str, periods: list[str]) -> int:
    from chiso.analytics.queries import resolve_units
    from chiso.units.models import HierarchyVersion

    return len(codes) * len(resolve_units(spec, HierarchyVersion.objects.get(name="2024"))) * len(periods)


@pytest.mark.demo
def test_analytics_pages_beyond_the_anonymous_cap_and_the_pages_add_up_to_the_whole(client, admin_client,
                                                                                     monkeypatch):
    whole = admin_client.get("/api/v1/analytics/values", THANH_KHE_WARDS).json()
    assert whole["next"] is None and whole["limit"] == 5000
    assert whole["count"] == len(whole["rows"]) == _cells(["XHS-06", "XHS-05"], "491/children", ["2024", "2024Q3"])
    published = client.get("/api/v1/analytics/values", THANH_KHE_WARDS).json()  # a visitor reads published figures
    assert published["count"] == whole["count"]  # the same cells (their drafts of 12/2024 aside)
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "7")
    pages = _follow(client, "/api/v1/analytics/values", THANH_KHE_WARDS)
    assert [len(p["rows"]) for p in pages] == [7] * (whole["count"] // 7) + ([whole["count"] % 7] if whole["count"] % 7 else [])
    assert {(p["count"], p["limit"]) for p in pages} == {(whole["count"], 7)}
    assert [r for p in pages for r in p["rows"]] == published["rows"]


def test_a_limit_above_the_cap_is_refused_before_anything_is_computed(client, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("evaluate ran")

    monkeypatch.setattr(analytics_api, "evaluate", must_not_run)
    response = client.get("/api/v1/analytics/values", {**THANH_KHE_WARDS, "limit": 1001})
    assert response.status_code == 400
    assert response.json() == {"detail": (
        "Tối đa 1.000 dòng mỗi lần (tham số limit = 1.001): hãy giảm limit và đọc tiếp theo liên kết 'next'. "
        "Gửi mã truy cập (Authorization: Bearer <mã>) hoặc đăng nhập để đọc tới 5.000 dòng mỗi lần.")}


def test_the_attack_request_computes_only_one_page(client, monkeypatch):
    """Every indicator × every ward of the city × 36 months: 1.000 rows, and about that many cells computed."""
    computed = []
    real = analytics_api.evaluate

    def counting(codes, units, periods, **kwargs):
        computed.append(len(codes) * len(units) * len(periods))
        return real(codes, units, periods, **kwargs)

    monkeypatch.setattr(analytics_api, "evaluate", counting)
    from chiso.indicators.models import Indicator

    codes = list(Indicator.objects.order_by("code").values_list("code", flat=True))
    months = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)]
    started = time.monotonic()
    response = client.get("/api/v1/analytics/values", {"data": ",".join(codes), "units": "48/level-3",
                                                       "periods": ",".join(months), "hierarchy": "2024"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == _cells(codes, "48/level-3", months)
    assert len(body["rows"]) == 1000
    assert 1000 <= sum(computed) <= 3000
    assert time.monotonic() - started < 20
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
    assert client.get(body["next"]).json()["rows"][0]["data"] == codes[1000 // (len(months) * 56)]
    assert cursor


def test_a_token_or_a_login_gets_the_higher_cap(client, admin_client, token, monkeypatch):
    monkeypatch.setenv("CHISO_API_MAX_ROWS", "30")
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "10")
    assert len(client.get("/api/v1/analytics/values", THANH_KHE_WARDS).json()["rows"]) == 10
    with_token = client.get("/api/v1/analytics/values", THANH_KHE_WARDS, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (len(with_token.json()["rows"]), with_token.json()["limit"]) == (30, 30)
    assert len(admin_client.get("/api/v1/analytics/values", THANH_KHE_WARDS).json()["rows"]) == 30
    assert client.get("/api/v1/units", {"limit": 30}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.get("/api/v1/units", {"limit": 30}).status_code == 400


def test_a_token_that_is_not_valid_is_refused_on_reads_too(client):
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer chiso_khong-co")
    assert (response.status_code, response.json()) == (401, {"detail": "Mã truy cập không hợp lệ hoặc đã bị thu hồi."})


def test_a_cursor_is_checked(client, monkeypatch):
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "7")
    first = client.get("/api/v1/analytics/values", THANH_KHE_WARDS).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    altered = client.get("/api/v1/analytics/values", {**THANH_KHE_WARDS, "cursor": cursor[:-2] + "xx"})
    assert (altered.status_code, altered.json()) == (400, {
        "detail": "Tham số 'cursor' không hợp lệ: dùng nguyên liên kết 'next' của trang trước."})
    other = client.get("/api/v1/analytics/values", {**THANH_KHE_WARDS, "periods": "2024", "cursor": cursor})
    assert (other.status_code, other.json()) == (400, {
        "detail": "Tham số 'cursor' thuộc một truy vấn khác: giữ nguyên các tham số khác của liên kết 'next'."})


def test_the_csv_streams_one_page_and_links_the_next(client, monkeypatch):
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "7")
    response = client.get("/api/v1/analytics/values", {**THANH_KHE_WARDS, "format": "csv"})
    assert response.status_code == 200 and response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 7
    assert response["X-Total-Count"] == str(_cells(["XHS-06", "XHS-05"], "491/children", ["2024", "2024Q3"]))
    assert response["Link"].startswith("<http://testserver/api/v1/analytics/values?") and \
        response["Link"].endswith('>; rel="next"')


def test_unit_lists_page_with_next(client):
    params = {"version": "2025-01", "parent": "491", "type": "phuong", "limit": 4}
    pages = _follow(client, "/api/v1/units", params)
    assert [[u["code"] for u in p["items"]] for p in pages] == [["20206", "20207", "20209", "20215"],
                                                               ["20218", "20224"]]
    assert urlsplit(pages[0]["next"]).path == "/api/v1/units"
    assert "offset" not in parse_qs(urlsplit(pages[0]["next"]).query)  # the next link carries a cursor
    assert client.get("/api/v1/units", {**params, "offset": 4}).json()["items"] == pages[1]["items"]


def test_catalogue_lists_are_capped_with_a_link_header(client, monkeypatch):
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "5")
    from chiso.indicators.models import Indicator

    response = client.get("/api/v1/indicators")
    assert len(response.json()) == 5
    assert response["X-Total-Count"] == str(Indicator.objects.count())
    assert 'cursor=' in response["Link"] and response["Link"].endswith('>; rel="next"')
    last = client.get("/api/v1/indicators", {"offset": Indicator.objects.count() - 2})
    assert len(last.json()) == 2 and "Link" not in last


def test_anonymous_callers_are_rate_limited_and_token_holders_are_not(client, token, monkeypatch):
    monkeypatch.setenv("CHISO_API_ANONYMOUS_RATE", "3/min")
    assert [client.get("/api/v1/versions").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/versions")
    assert refused.status_code == 429
    assert refused.json() == {"detail": (
        "Quá nhiều yêu cầu: khách chưa đăng nhập được gọi tối đa 3/min. Hãy chờ rồi thử lại, hoặc gửi mã truy "
        "cập (Authorization: Bearer <mã>).")}
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert [client.get("/api/v1/versions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
            for _ in range(5)] == [200] * 5

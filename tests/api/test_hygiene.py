"""API hygiene (issue 10, item 5): lists page with an opaque cursor, GET answers carry an ETag and answer 304,
429 always says how long to wait, and every error is JSON with a Vietnamese ``detail``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from chiso.accounts.tokens import create_token
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(db) -> str:
    return create_token(_user("t_integrator", "viewer", unit("2024", "48")), "LGSP")[1]


def _walk(client: Client, path: str, params: dict) -> list[dict]:
    pages = [client.get(path, params).json()]
    while pages[-1]["next"]:
        assert "offset" not in parse_qs(urlsplit(pages[-1]["next"]).query)
        pages.append(client.get(pages[-1]["next"]).json())
    return pages


@pytest.mark.parametrize(("path", "params", "key"), [
    ("/api/v1/units", {"version": "2024", "parent": "491"}, "code"),
    ("/api/v1/values", {"version": "2024", "unit": "20221", "period": "2024-12"}, None),
])
def test_cursor_paging_walks_a_list_to_its_end_with_no_duplicates_or_gaps(client, path, params, key):
    whole = client.get(path, params).json()
    assert whole["next"] is None and whole["count"] > 7
    pages = _walk(client, path, {**params, "limit": 3})
    assert [len(p["items"]) for p in pages] == [3] * (whole["count"] // 3) + (
        [whole["count"] % 3] if whole["count"] % 3 else [])
    walked = [item for p in pages for item in p["items"]]
    assert walked == whole["items"]
    assert [p["offset"] for p in pages] == list(range(0, whole["count"], 3))


def test_a_cursor_belongs_to_its_query_and_is_not_mixed_with_offset(client):
    first = client.get("/api/v1/units", {"version": "2024", "parent": "491", "limit": 3}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    other = client.get("/api/v1/units", {"version": "2024", "parent": "492", "cursor": cursor})
    assert (other.status_code, other.json()) == (400, {
        "detail": "Tham số 'cursor' thuộc một truy vấn khác: giữ nguyên các tham số khác của liên kết 'next'."})
    both = client.get("/api/v1/units", {"version": "2024", "parent": "491", "cursor": cursor, "offset": 3})
    assert (both.status_code, both.json()) == (400, {
        "detail": "Dùng 'cursor' hoặc 'offset', không dùng cả hai: liên kết 'next' chỉ mang 'cursor'."})
    forged = client.get("/api/v1/units", {"version": "2024", "parent": "491", "cursor": "3"})
    assert (forged.status_code, forged.json()) == (400, {
        "detail": "Tham số 'cursor' không hợp lệ: dùng nguyên liên kết 'next' của trang trước."})


def test_the_catalogue_link_header_carries_a_cursor_to_the_end(client, monkeypatch):
    whole = [i["code"] for i in client.get("/api/v1/indicators").json()]
    assert len(whole) > 20 and len(set(whole)) == len(whole)
    monkeypatch.setenv("CHISO_API_ANONYMOUS_MAX_ROWS", "20")
    codes, response = [], client.get("/api/v1/indicators")
    while True:
        codes += [i["code"] for i in response.json()]
        if "Link" not in response:
            break
        response = client.get(response["Link"][1:].split(">;")[0])
    assert codes == whole


def test_a_list_answers_with_an_etag_and_304_when_it_has_not_changed(client):
    params = {"version": "2024", "parent": "491"}
    first = client.get("/api/v1/units", params)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and len(etag) == 34
    again = client.get("/api/v1/units", params, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert client.get("/api/v1/units", params, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get("/api/v1/units", {"version": "2024", "parent": "492"})["ETag"] != etag


def test_the_etag_changes_when_a_figure_does(client, admin_client):
    from tests.collection.test_entry_support import put

    params = {"version": "2024", "unit": "20221", "period": "2024-12"}
    before = admin_client.get("/api/v1/values", params)["ETag"]
    put("XHS-14", 987654, period="2024-12")
    after = admin_client.get("/api/v1/values", params, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_a_token_over_its_rate_gets_429_with_retry_after(client, token, monkeypatch):
    monkeypatch.setenv("CHISO_TOKEN_RATE", "2/min")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert [client.get("/api/v1/versions", **auth).status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/versions", **auth)
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Quá nhiều yêu cầu: mỗi mã truy cập được gọi tối đa 2/min. Hãy chờ số "
                                        "giây trong tiêu đề Retry-After rồi thử lại."}
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = create_token(_user("t_other", "viewer", unit("2024", "48")), "khác")[1]
    assert client.get("/api/v1/versions", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_an_address_over_its_rate_gets_retry_after_even_when_the_rate_was_lowered(client, monkeypatch):
    monkeypatch.setenv("CHISO_API_ANONYMOUS_RATE", "5/min")
    assert {client.get("/api/v1/versions").status_code for _ in range(4)} == {200}
    monkeypatch.setenv("CHISO_API_ANONYMOUS_RATE", "2/min")
    refused = client.get("/api/v1/versions")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Quá nhiều yêu cầu: khách chưa đăng nhập được gọi tối đa 2/min.")


@pytest.mark.parametrize("path", ["/api/v1/khong-co", "/api/v1/units/2024/20221/khong-co", "/api/v1/"])
def test_an_unknown_api_path_is_a_json_404_in_vietnamese(client, path):
    response = client.get(path)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": f"Không có địa chỉ API '{path}': xem danh sách địa chỉ tại /api/v1/docs "
                                         "(OpenAPI: /api/v1/openapi.json)."}


def test_a_method_a_path_does_not_take_is_a_json_405(client):
    response = client.delete("/api/v1/units")
    assert (response.status_code, response["Content-Type"]) == (405, "application/json")
    assert response.json() == {"detail": "Địa chỉ '/api/v1/units' không nhận phương thức DELETE: dùng GET."}
    assert response["Allow"] == "GET"


def test_a_known_not_found_keeps_its_own_detail(client):
    response = client.get("/api/v1/units/2024/99999")
    assert response.status_code == 404 and "99999" in response.json()["detail"]

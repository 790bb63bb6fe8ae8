"""Every read path and write path of the registers checks access: public kinds for everyone, the households without
a smartphone only for the ward (and above); writes only by the ward's officers, through the same actions."""

from __future__ import annotations

import html
import io
import json

import pytest
from openpyxl import load_workbook

from chiso.api.auth import create_token
from chiso.registers.actions import do_add_entry
from chiso.registers.files import export_workbook, headers
from chiso.registers.kinds import MARKET
from chiso.registers.models import Entry, EntryEvent
from tests.conftest import unit
from tests.registers.conftest import MARCH
from tests.registers.helpers import stored

pytestmark = pytest.mark.django_db
BASE = "/so-theo-doi/2025-07/20209/"


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')[1]}"}


@pytest.fixture
def registers(officer_thanh_khe):  # type: ignore[no-untyped-def]
    ward = unit("2025-07", "20209")
    market = do_add_entry("cho", ward, "Chợ Hà Thân", {"cashless": True, "traders": 120}, acting_user=officer_thanh_khe,
                          effective_on=MARCH)
    thon = do_add_entry("ho-chua-co-dtdm", ward, "Tổ dân phố 5", {"ethnic_group": "kinh", "households": 80,
                                                                  "without_smartphone": 6},
                        acting_user=officer_thanh_khe, effective_on=MARCH)
    return market, thon


def test_pages_show_public_registers_to_everyone_and_private_ones_to_the_ward_only(
        client, registers, officer_thanh_khe, officer_hai_chau):
    market, thon = registers
    page = client.get(BASE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sổ theo dõi của Phường Thanh Khê" in text and "Hộ chưa có điện thoại thông minh" not in text
    markets = client.get(BASE + "cho/").content.decode()
    assert "Chợ Hà Thân" in markets and "KTS-11.TS" in markets and "Thanh toán không dùng tiền mặt" in markets
    assert client.get(f"/so-theo-doi/muc/{market.pk}/").status_code == 200
    for who in (None, officer_hai_chau):
        if who is not None:
            client.force_login(who)
        assert client.get(BASE + "ho-chua-co-dtdm/").status_code == 404
        assert client.get(f"/so-theo-doi/muc/{thon.pk}/").status_code == 404
        book = load_workbook(io.BytesIO(client.get(BASE + "tai-ve.xlsx").content))
        assert book["Hộ chưa có ĐTTM"].max_row == 1 and book["Chợ"]["E2"].value == "Chợ Hà Thân"
    client.force_login(officer_thanh_khe)
    assert "Tổ dân phố 5" in client.get(BASE + "ho-chua-co-dtdm/").content.decode()
    entry = client.get(f"/so-theo-doi/muc/{thon.pk}/").content.decode()
    assert "Số hộ chưa có điện thoại thông minh" in entry and "t_officer_thanh_khe" in entry
    assert client.get("/so-theo-doi/2025-07/99999/").status_code == 404
    assert client.get(BASE + "khong-co/").status_code == 404


def test_an_upload_by_another_ward_is_refused_and_writes_nothing(client, registers, officer_hai_chau):
    market, _ = registers
    content = export_workbook([Entry.objects.get(pk=market.pk)])
    book = load_workbook(io.BytesIO(content))
    book["Chợ"]["F2"] = "không"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "so.xlsx"
    client.force_login(officer_hai_chau)
    before = EntryEvent.objects.count()
    answer = client.post("/so-theo-doi/2025-07/20242/nhap/", {"tep": out})
    assert answer.status_code == 400
    assert ('Trang "Chợ", dòng 2, cột "Mã đơn vị": Bạn không có quyền ghi sổ theo dõi của Phường Thanh Khê'
            in html.unescape(answer.content.decode()))
    assert EntryEvent.objects.count() == before
    assert headers(MARKET)[0] == "Mã mục"


def test_the_api_reads_by_the_same_rule(client, registers, officer_thanh_khe, officer_hai_chau):
    market, thon = registers
    listed = client.get("/api/v1/registers/units/2025-07/20209/cho")
    assert listed.status_code == 200
    assert [(e["name"], e["attributes"]["cashless"], e["revision"]) for e in listed.json()] == [
        ("Chợ Hà Thân", True, 1)]
    assert client.get("/api/v1/registers/units/2025-07/20209/ho-chua-co-dtdm").status_code == 404
    private = "/api/v1/registers/units/2025-07/20209/ho-chua-co-dtdm"
    assert client.get(private, **bearer(officer_hai_chau)).status_code == 404
    assert client.get(f"/api/v1/registers/entries/{thon.pk}", **bearer(officer_hai_chau)).status_code == 404
    mine = client.get(f"/api/v1/registers/entries/{thon.pk}", **bearer(officer_thanh_khe))
    assert mine.status_code == 200
    assert [(h["action"], h["changed_by"]) for h in mine.json()["history"]] == [("add", "t_officer_thanh_khe")]
    kinds = client.get("/api/v1/registers/kinds").json()
    assert [(k["code"], [f["element"] for f in k["feeds"]]) for k in kinds][:2] == [
        ("cho", ["KTS-11.MS", "KTS-11.TS", "TIEUTHUONG-PM"]), ("truong", ["XHS-15.MS", "XHS-15.TS"])]


def _send(client, method: str, url: str, body: dict, user=None):  # type: ignore[no-untyped-def]
    extra = bearer(user) if user is not None else {}
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **extra)


def test_the_api_writes_through_the_actions(client, registers, officer_thanh_khe, officer_hai_chau):
    market, thon = registers
    ward = unit("2025-07", "20209")
    body = {"kind": "cho", "version": "2025-07", "unit": "20209", "name": "Chợ Thanh Khê",
            "attributes": {"cashless": "có", "traders_in_database": 40}, "effective_on": "2026-04-01"}
    assert _send(client, "post", "/api/v1/registers/entries", body).status_code == 401
    refused = _send(client, "post", "/api/v1/registers/entries", body, officer_hai_chau)
    assert (refused.status_code, refused.json()["kind"]) == (403, "forbidden")
    created = _send(client, "post", "/api/v1/registers/entries", body, officer_thanh_khe)
    assert created.status_code == 201
    assert [stored(c, ward, "2026-04") for c in ("KTS-11.MS", "KTS-11.TS", "TIEUTHUONG-PM")] == [2, 2, 40]
    bad = _send(client, "post", "/api/v1/registers/entries", body | {"name": "Chợ khác",
                                                                     "attributes": {"cashless": "hơi hơi"}},
                officer_thanh_khe)
    assert bad.status_code == 400
    assert bad.json() == {"detail": "Thanh toán không dùng tiền mặt: 'hơi hơi' không hợp lệ — ghi 'có' hoặc 'không'.",
                          "kind": "invalid", "field": "cashless"}
    url = f"/api/v1/registers/entries/{market.pk}"
    assert _send(client, "patch", url, {"attributes": {"cashless": False}}, officer_hai_chau).status_code == 403
    assert _send(client, "patch", f"/api/v1/registers/entries/{thon.pk}", {"name": "x"}, officer_hai_chau
                 ).status_code == 404
    changed = _send(client, "patch", url, {"attributes": {"cashless": False}, "effective_on": "2026-05-01",
                                           "revision": 1}, officer_thanh_khe)
    assert (changed.status_code, changed.json()["revision"]) == (200, 2)
    stale = _send(client, "patch", url, {"attributes": {"cashless": True}, "revision": 1}, officer_thanh_khe)
    assert (stale.status_code, stale.json()["kind"]) == (409, "conflict")
    assert [stored("KTS-11.TS", ward, m) for m in ("2026-04", "2026-05")] == [2, 1]
    no_reason = _send(client, "post", url + "/retire", {"reason": " "}, officer_thanh_khe)
    assert (no_reason.status_code, no_reason.json().get("field")) == (400, "reason"), no_reason.json()
    retired = _send(client, "post", url + "/retire", {"reason": "Giải tỏa", "effective_on": "2026-06-01"},
                    officer_thanh_khe)
    assert (retired.status_code, retired.json()["active"]) == (200, False)
    assert [c["channel"] for c in client.get(url).json()["history"]] == ["api", "api", "web"]


def test_attacks_get_a_refusal_not_a_server_error(client, officer_thanh_khe):
    assert client.get("/api/v1/registers/entries/99999999999999999999999").status_code == 404
    assert client.get("/so-theo-doi/muc/99999999999999999999999/").status_code == 404
    body = {"kind": "ocop", "version": "2025-07", "unit": "20209", "name": "Bánh\x00 khô mè",
            "attributes": {"producer": "=cmd|' /C calc'!A0\x00", "platforms": ["Shopee\x00", {"x": 1}],
                           "stars": "1e999999999"}}
    huge = _send(client, "post", "/api/v1/registers/entries", body, officer_thanh_khe)
    assert (huge.status_code, huge.json()["field"]) == (400, "stars")
    made = _send(client, "post", "/api/v1/registers/entries", body | {"attributes": body["attributes"] | {"stars": 4}},
                 officer_thanh_khe)
    assert made.status_code == 201
    assert (made.json()["name"], made.json()["attributes"]) == (
        "Bánh khô mè", {"producer": "=cmd|' /C calc'!A0", "platforms": ["Shopee", "{'x': 1}"], "stars": 4})
    other = _send(client, "post", "/api/v1/registers/entries", body | {"unit": "20242", "attributes": {}},
                  officer_thanh_khe)
    assert other.status_code == 403


def test_the_pages_speak_english_to_whoever_chose_it(client, registers):
    client.cookies["django_language"] = "en"
    page = client.get(BASE).content.decode()
    assert "Registers of Phường Thanh Khê" in page and "Download (XLSX)" in page

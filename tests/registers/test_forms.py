"""The web forms for one entry: add, change, retire through the actions; errors at their field; only the ward's
officers get a form (another ward's officer and a viewer get a 404 on GET and POST and see no link)."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.registers.actions import do_add_entry, do_change_entry
from chiso.registers.models import Entry, EntryEvent
from tests.conftest import _user, unit
from tests.registers.conftest import MARCH
from tests.registers.helpers import stored

pytestmark = pytest.mark.django_db
BASE = "/so-theo-doi/2025-07/20209/"
ADD = BASE + "cho/them/"


@pytest.fixture
def market(officer_thanh_khe):  # type: ignore[no-untyped-def]
    return do_add_entry("cho", unit("2025-07", "20209"), "Chợ Hà Thân", {"cashless": False, "traders": 120},
                        acting_user=officer_thanh_khe, effective_on=MARCH)


@pytest.fixture
def ward_viewer(db):  # type: ignore[no-untyped-def]
    return _user("t_viewer_thanh_khe", "viewer", unit("2025-07", "20209"))


def test_an_officer_adds_a_market_through_the_form_and_the_figures_follow(client, officer_thanh_khe):
    client.force_login(officer_thanh_khe)
    form = client.get(ADD)
    assert form.status_code == 200
    text = form.content.decode()
    assert "Thêm chợ vào sổ của Phường Thanh Khê" in text and 'name="a-cashless"' in text
    answer = client.post(ADD, {"ten": "  Chợ  Tân Lập ", "a-cashless": "có", "a-traders": "1.889",
                               "a-traders_in_database": "", "hieu-luc": "2026-03-10", "ly-do": "Mở sổ"})
    assert answer.status_code == 302 and answer["Location"] == BASE + "cho/"
    entry = Entry.objects.get()
    assert (entry.name, entry.attributes, entry.effective_on) == (
        "Chợ Tân Lập", {"cashless": True, "traders": 1889, "traders_in_database": None}, MARCH)
    event = EntryEvent.objects.get()
    assert (event.action, event.channel, event.reason, event.changed_by) == ("add", "web", "Mở sổ", officer_thanh_khe)
    ward = unit("2025-07", "20209")
    assert [stored(c, ward, "2026-03") for c in ("KTS-11.MS", "KTS-11.TS")] == [1, 1]
    assert stored("KTS-11.TS", ward, "2026-02") is None
    page = client.get(BASE + "cho/").content.decode()
    assert "Đã thêm &#x27;Chợ Tân Lập&#x27; vào sổ." in page


def test_errors_stand_at_their_field_and_nothing_is_written(client, officer_thanh_khe):
    client.force_login(officer_thanh_khe)
    cases = [
        ({"ten": "", "a-cashless": "có"}, "f-ten", "Cần ghi tên của mục (ví dụ: Chợ Thạc Gián)."),
        ({"ten": "Chợ A", "a-cashless": ""}, "f-a-cashless", "Thanh toán không dùng tiền mặt: cần ghi thanh toán "
                                                             "không dùng tiền mặt."),
        ({"ten": "Chợ A", "a-cashless": "có", "a-traders": "1e999999999"}, "f-a-traders",
         "Số hộ tiểu thương: số hộ tiểu thương từ 0 đến 10.000.000 (đang ghi 1e999999999)."),
        ({"ten": "Chợ A", "a-cashless": "có", "a-traders": "5", "a-traders_in_database": "9"},
         "f-a-traders_in_database", "không được lớn hơn"),
        ({"ten": "Chợ A", "a-cashless": "có", "hieu-luc": "31/02/2026"}, "f-hieu-luc",
         "Ngày &#x27;31/02/2026&#x27; không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 10/03/2026."),
        ({"ten": "Chợ A", "a-cashless": "có", "hieu-luc": "2099-01-01"}, "f-hieu-luc",
         "Ngày hiệu lực 01/01/2099 sau hôm nay: ghi khi việc đã xảy ra."),
    ]
    for data, field, message in cases:
        answer = client.post(ADD, data)
        assert answer.status_code == 200, data
        text = answer.content.decode()
        at = text.index(f'id="{field}"')
        error = text.index('class="error"')
        assert at < error < text.index("</div>", at), (data, text[at:at + 600])  # the message is in the field's box
        assert message in text, (data, message)
        assert 'aria-invalid="true"' in text[at:error]
    assert Entry.objects.count() == EntryEvent.objects.count() == 0
    typed = client.post(ADD, {"ten": "Chợ giữ nguyên", "a-cashless": "có", "a-traders": "abc"}).content.decode()
    assert 'value="Chợ giữ nguyên"' in typed and 'value="abc"' in typed  # what was typed is kept


def test_change_with_the_revision_check_and_retire_with_a_reason(client, officer_thanh_khe, market):
    client.force_login(officer_thanh_khe)
    url = f"/so-theo-doi/muc/{market.pk}/sua/"
    form = client.get(url).content.decode()
    assert 'value="Chợ Hà Thân"' in form and 'value="120"' in form and 'name="lan-sua" value="1"' in form
    do_change_entry(market, acting_user=officer_thanh_khe, attributes={"traders": 130},
                    effective_on=date(2026, 4, 1))  # someone else, meanwhile
    stale = client.post(url, {"ten": "Chợ Hà Thân", "a-cashless": "có", "a-traders": "120", "lan-sua": "1",
                              "hieu-luc": "2026-05-02"})
    assert stale.status_code == 200
    assert "đã được sửa sau khi bạn mở (bạn thấy lần sửa 1, nay là lần sửa 2). Chưa lưu gì" in stale.content.decode()
    market.refresh_from_db()
    assert market.attributes["cashless"] is False and market.revision == 2
    saved = client.post(url, {"ten": "Chợ Hà Thân", "a-cashless": "có", "a-traders": "130", "lan-sua": "2",
                              "hieu-luc": "02/05/2026", "ly-do": "Lắp mã QR"})
    assert saved.status_code == 302 and saved["Location"] == f"/so-theo-doi/muc/{market.pk}/"
    market.refresh_from_db()
    assert (market.attributes["cashless"], market.revision, str(market.effective_on)) == (True, 3, "2026-05-02")
    ward = unit("2025-07", "20209")
    assert [stored("KTS-11.TS", ward, m) for m in ("2026-04", "2026-05", "2026-12")] == [0, 1, 1]
    history = client.get(f"/so-theo-doi/muc/{market.pk}/").content.decode()
    assert "Thanh toán không dùng tiền mặt: không → có" in history and "Lắp mã QR" in history
    retire = f"/so-theo-doi/muc/{market.pk}/thoi-theo-doi/"
    no_reason = client.post(retire, {"ly-do": " ", "hieu-luc": "2026-08-01", "lan-sua": "3"})
    assert no_reason.status_code == 200
    text = no_reason.content.decode()
    assert text.index('id="f-ly-do"') < text.index("Cần ghi lý do thôi theo dõi (ví dụ: chợ đã giải tỏa).")
    early = client.post(retire, {"ly-do": "Giải tỏa", "hieu-luc": "2026-04-01", "lan-sua": "3"}).content.decode()
    assert "trước lần ghi trước của mục này (02/05/2026)" in early
    done = client.post(retire, {"ly-do": "Chợ đã giải tỏa", "hieu-luc": "2026-08-01", "lan-sua": "3"})
    assert done.status_code == 302
    market.refresh_from_db()
    assert (market.active, market.revision) == (False, 4)
    assert [stored("KTS-11.MS", ward, m) for m in ("2026-07", "2026-08", "2026-12")] == [1, 0, 0]
    assert client.get(url).status_code == 404 and client.get(retire).status_code == 404


def test_only_the_wards_officers_get_a_form(client, market, officer_hai_chau, ward_viewer):
    urls = [ADD, f"/so-theo-doi/muc/{market.pk}/sua/", f"/so-theo-doi/muc/{market.pk}/thoi-theo-doi/"]
    data = {"ten": "Chợ lạ", "a-cashless": "có", "ly-do": "x", "lan-sua": "1", "hieu-luc": "2026-05-02"}
    for url in urls:
        assert client.get(url)["Location"].startswith("/nhap-lieu/dang-nhap/?next=")
        assert client.post(url, data).status_code == 302
    for who in (officer_hai_chau, ward_viewer):
        client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
            assert client.post(url, data).status_code == 404, (who, url)
        assert "/them/" not in client.get(BASE + "cho/").content.decode()
        entry_page = client.get(f"/so-theo-doi/muc/{market.pk}/").content.decode()
        assert "/sua/" not in entry_page and "/thoi-theo-doi/" not in entry_page
    market.refresh_from_db()
    assert (market.name, market.active, market.revision, Entry.objects.count()) == ("Chợ Hà Thân", True, 1, 1)
    assert client.get("/so-theo-doi/2025-07/20209/ho-chua-co-dtdm/them/").status_code == 404


def test_the_forms_speak_english_to_whoever_chose_it(client, officer_thanh_khe, market):
    client.force_login(officer_thanh_khe)
    client.cookies["django_language"] = "en"
    form = client.get(ADD).content.decode()
    assert "Effective date" in form and "Cashless payment" in form and "Add to the register" in form
    bad = client.post(ADD, {"ten": "Chợ A", "a-cashless": "có", "hieu-luc": "xx"}).content.decode()
    assert "Date &#x27;xx&#x27; is not valid: write day/month/year, for example 10/03/2026." in bad
    assert "Edit this entry" in client.get(f"/so-theo-doi/muc/{market.pk}/").content.decode()


def test_the_registers_are_reachable_from_the_header_and_an_officer_finds_its_own(client, officer_thanh_khe):
    home = client.get("/").content.decode()
    assert '<a href="/so-theo-doi/">Sổ theo dõi</a>' in home
    assert "Sổ của đơn vị bạn" not in client.get("/so-theo-doi/").content.decode()
    client.force_login(officer_thanh_khe)
    index = client.get("/so-theo-doi/").content.decode()
    mine = index[index.index("Sổ của đơn vị bạn"):index.index("Các loại sổ")]
    assert '<a href="/so-theo-doi/2025-07/20209/">Phường Thanh Khê</a>' in mine and "20242" not in mine
    assert 'href="/so-theo-doi/" aria-current="page"' in index

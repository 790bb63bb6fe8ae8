"""Broken validation rules and figures far from a unit's past, in English for whoever chose English (the language
cookie) and in Vietnamese, exactly as before, for everyone else: on the entry grid's cells (as stored and as typed)
and on the review page. The English sentence is built from the same facts, with the English names of the figures;
numbers stay written the Vietnamese way."""

from __future__ import annotations

from html import unescape

import pytest

from tests.collection.test_entry_support import ENTRY_URLS, english, grid_url, put, vietnamese
from tests.conftest import _user, unit

pytestmark = [pytest.mark.django_db, ENTRY_URLS]

ACTIVATED, ACTIVATED_VI = "Electronic identity accounts activated", "Số tài khoản định danh điện tử đã kích hoạt"
COLLECTED, COLLECTED_VI = "Electronic identity applications collected", "Số hồ sơ định danh điện tử đã thu nhận"


def note(kind: str, sentence: str) -> str:
    return f'<p class="note note-{kind}">{sentence}</p>'


def page(client) -> str:
    return unescape(client.get(grid_url()).content.decode())


def checked(client, code: str, typed: str) -> str:
    """The cell's state as typed (the htmx check)."""
    return unescape(client.post(grid_url(suffix=f"kiem-tra/{code}/"), {f"v-{code}": typed}).content.decode())


def test_a_broken_rule_is_said_in_english_on_its_cell(client, officer_thac_gian):
    put("XHS-05", 100, user=officer_thac_gian)
    put("XHS-06", 120, user=officer_thac_gian)  # more accounts activated than applications: an error
    client.force_login(officer_thac_gian)
    html = page(english(client))
    assert html.count(note("error", f"{ACTIVATED} (120) must not be greater than {COLLECTED} (100).")) == 1
    assert "không được lớn hơn" not in html
    html = page(vietnamese(client))
    assert html.count(note("error", f"{ACTIVATED_VI} (120) không được lớn hơn {COLLECTED_VI} (100).")) == 1
    assert "must not be greater than" not in html


def test_a_rule_broken_as_typed_is_said_in_english_with_vietnamese_numbers(client, officer_thac_gian):
    put("XHS-05", 1000, user=officer_thac_gian)
    client.force_login(officer_thac_gian)
    html = checked(english(client), "XHS-06", "1.200")
    assert note("error", f"{ACTIVATED} (1.200) must not be greater than {COLLECTED} (1.000).") in html
    html = checked(vietnamese(client), "XHS-06", "1.200")
    assert note("error", f"{ACTIVATED_VI} (1.200) không được lớn hơn {COLLECTED_VI} (1.000).") in html


def test_a_broken_warning_rule_is_said_in_english(client, officer_thac_gian):
    put("XHS-05", 100, user=officer_thac_gian)
    put("DS", 80, user=officer_thac_gian)  # 100 applications for 80 residents: a warning
    client.force_login(officer_thac_gian)
    assert note("warning", f"{COLLECTED} (100) is greater than Population (80): this is unusual — check it; if it "
                           "is right, write an explanation when submitting the report.") in page(english(client))
    assert note("warning", f"{COLLECTED_VI} (100) lớn hơn Dân số (80): thường không như vậy — kiểm tra lại; nếu "
                           "đúng, ghi giải trình khi gửi báo cáo.") in page(vietnamese(client))


def test_a_figure_far_from_the_wards_past_is_said_in_english(client, officer_thac_gian):
    past = {"2020-12": 70, "2021-01": 72, "2021-02": 75, "2021-03": 71, "2021-04": 74}
    for period, value in past.items():
        put("XHS-14", value, period=period)
    client.force_login(officer_thac_gian)
    html = checked(english(client), "XHS-14", "2.909")
    assert 'data-level="outlier"' in html
    assert note("outlier", "This figure is about 40 times the ward's usual level (about 72): check it again; if it "
                           "is right, it can still be saved.") in html
    html = checked(vietnamese(client), "XHS-14", "2.909")
    assert note("outlier", "Số này gấp khoảng 40 lần mức thường thấy của phường (khoảng 72): hãy kiểm tra lại; nếu "
                           "đúng vẫn lưu được.") in html


def test_an_outlier_on_the_review_page_is_said_in_english(client, monkeypatch):
    from chiso.collection.approval import sheet
    from chiso.collection.validation import Outlier

    far = Outlier("DS", 40043.3, "gấp khoảng 40 lần mức thường thấy của tổ dân phố (khoảng 10)",
                  "about 40 times the residential group's usual level (about 10)")
    monkeypatch.setattr(sheet, "outliers", lambda unit, period, values: {"DS": far} if "DS" in values else {})
    client.force_login(_user("t_approver_thanh_khe", "approver", unit("2024", "491")))
    url = "/nhap-lieu/duyet/2024/TDP-TG-01/BC-THANG-TDP/2024-12/"
    html = unescape(english(client).get(url).content.decode())
    assert "<li>Population: 402 — about 40 times the residential group's usual level (about 10).</li>" in html
    assert "gấp khoảng" not in html
    html = unescape(vietnamese(client).get(url).content.decode())
    assert "<li>Dân số: 402 — gấp khoảng 40 lần mức thường thấy của tổ dân phố (khoảng 10).</li>" in html

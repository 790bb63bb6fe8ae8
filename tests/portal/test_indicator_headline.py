"""The indicator page as Open SDG's and beyond (issue #11 item 7): the headline figure with its status and
target, the scope named, the metadata in tabs, a ward mapped and ranked among its neighbours; in English the
field values are English (item 8)."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from chiso.indicators.models import Indicator
from chiso.portal import queries
from chiso.portal.templatetags import vn
from tests.portal.helpers import page_text, put, unit

pytestmark = pytest.mark.django_db

WARD = "/chi-tieu/CQS-14/?v=2024&don-vi=20218"  # phường Vĩnh Trung (2024)


@pytest.fixture
def score():
    from chiso.portal import dashboard

    ward = unit("2024", "20218")
    month = dashboard.as_of(ward)
    put(ward, "CQS-14", str(month), "87.6549")
    put(unit("2024", "20203"), "CQS-14", str(month), "50")  # phường Tam Thuận; 3 wards of the small world too
    queries.clear_memo()
    return month


def _chart(text: str) -> dict:
    return json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', text, re.S).group(1))


def test_the_headline_shows_the_figure_the_status_and_the_target(client, score):
    text = page_text(client, WARD)
    headline = text.split('<section class="headline', 1)[1].split("</section>", 1)[0]
    assert '<span class="value">87,65</span> <span class="uom">điểm</span>' in headline
    indicator = Indicator.objects.get(code="CQS-14")
    if indicator.reference_target:
        assert "mục tiêu" in headline and "mức tham chiếu" in headline
    else:
        assert '<span class="status status-no_target">Chưa có mục tiêu</span>' in headline
    assert f"Xếp thứ 1/5 phường của Quận Thanh Khê (tháng {score.start.month:02d}/{score.year})." in headline


def test_the_scope_is_named_and_the_map_and_ranking_are_the_wards_neighbours(client, score):
    text = page_text(client, WARD)
    assert "Phạm vi: <strong>Phường Vĩnh Trung</strong>, số liệu đến tháng" in text
    assert '<option value="48">Toàn thành phố</option>' in text
    assert '<option value="20218" selected>Phường Vĩnh Trung</option>' in text
    assert "Bản đồ phường, xã của Quận Thanh Khê" in text and "Phường Vĩnh Trung được đánh dấu viền đỏ." in text
    assert re.search(r'<tr class="is-scope">\s*<td class="num" data-value="1">1/5 phường</td>\s*'
                     r'<td data-value="Phường Vĩnh Trung">', text)
    points = _chart(page_text(client, "/chi-tieu/XHS-06/?v=2024&don-vi=20209"))["points"]
    assert [p[0] for p in points if p[6]] == ["Phường Xuân Hà"]  # the ward ringed among its neighbours
    assert len(points) > 1
    city = page_text(client, "/chi-tieu/CQS-14/?v=2024")
    assert "Phạm vi: <strong>toàn thành phố</strong> (Thành phố Đà Nẵng)" in city
    assert not any(p[6] for p in _chart(city)["points"])


def test_the_metadata_is_in_four_tabs(client):
    text = page_text(client, "/chi-tieu/CQS-03/?v=2024")
    tabs = re.findall(r'<button type="button" role="tab" id="(tab-[a-z-]+)"', text)
    assert tabs == ["tab-dinh-nghia", "tab-cach-tinh", "tab-nguon", "tab-trach-nhiem"]
    assert "<dt>Công thức</dt><dd><code>CQS-03.TS</code> ÷ <code>CQS-03.MS</code> × 100</dd>" in text
    assert "<dt>Căn cứ</dt><dd>QĐ 766/QĐ-TTg</dd>" in text
    assert re.search(r"<dt>Đơn vị báo cáo</dt><dd>[^<]*\(biểu mẫu <code>BC-CDS-THANG-XA</code>\)", text)
    assert "<dt>Cơ quan công bố</dt><dd>Sở Khoa học và Công nghệ thành phố Đà Nẵng</dd>" in text


def test_in_english_the_field_values_are_english(client):
    client.cookies["django_language"] = "en"
    text = page_text(client, "/chi-tieu/XHS-06/?v=2024&don-vi=491")
    assert "<dt>Type</dt><dd>Count</dd>" in text and "<dt>Direction</dt><dd>Higher is better</dd>" in text
    assert "<dt>Unit of measure</dt><dd>accounts</dd>" in text
    assert "<dt>Over time</dt><dd>Level at a date (last value of the period)</dd>" in text
    assert re.search(r'<h2 id="xep-hang">Ranking of \d+ wards of Quận Thanh Khê \(12/2024\)</h2>', text)
    assert "Scope: <strong>Quận Thanh Khê</strong>" in text


def test_the_english_filters():
    ward, indicator = unit("2024", "20221"), Indicator.objects.get(code="XHS-06")
    with translation.override("en"):
        assert (vn.shown(ward, "type"), vn.shown(indicator, "kind"), vn.uom(indicator)) == ("Ward", "Count", "accounts")
        assert [vn.qualifier_word(q) for q in ("exact", "approximate", "at_least", "at_most")] == [
            "", "about", "over", "at most"]
    with translation.override("vi"):
        assert (vn.shown(ward, "type"), vn.shown(indicator, "kind"), vn.uom(indicator)) == ("Phường", "Số lượng",
                                                                                          "tài khoản")

"""The unit page's plan: targets with status, progress, forecast, peers; children table; report buttons."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from chiso.indicators.models import Indicator
from chiso.plans.actions import do_set_target
from tests.portal.helpers import page_text, unit

pytestmark = pytest.mark.django_db


def _card(text: str, code: str) -> str:
    match = re.search(rf'<article class="card[^"]*" aria-labelledby="card-dv-{re.escape(code)}">.*?</article>', text, re.S)
    assert match, f"no card for {code}"
    return match.group(0)


@pytest.mark.demo
def test_a_unit_with_a_plan_shows_each_target_with_status_progress_forecast_and_peers(client):
    text = page_text(client, "/don-vi/2024/492/")  # quận Hải Châu: KTS-09 50%, KTS-12 35% in 2024
    assert "Kế hoạch năm 2024: tiến độ từng chỉ tiêu" in text
    assert "Số liệu đến tháng 12/2024." in text
    card = _card(text, "KTS-09")  # a stock: judged on its level at 31/12/2024, the month of its date
    assert '<span class="value">75,5%</span>\n    <span class="card-period">tháng 12/2024</span>' in card
    assert "mục tiêu 50,0% đến 31/12/2024" in card and "(kế hoạch của đơn vị)" in card
    # the year is over: a final verdict and no forecast (was "Đã đạt mục tiêu" and "Dự báo đến 31/12/2024")
    assert '<span class="status status-achieved">Đạt</span>' in card
    assert "Dự báo" not in card
    assert "Xếp thứ 3/6 quận trong Thành phố Đà Nẵng (tháng 12/2024); trung vị 75,2%" in card
    assert '<span class="count">2</span> <span class="status status-achieved">Đạt</span>' in text
    assert "KTS-12" in text and "CQS-03" not in text.split('id="so-lieu"')[0].split('id="ke-hoach-tien-do"')[1]


def test_a_unit_without_targets_is_compared_with_reference_targets(client):
    text = page_text(client, "/don-vi/2024/20221/")
    assert "Chỉ tiêu chính năm 2024 so với mức tham chiếu" in text
    assert "Đơn vị chưa khai báo chỉ tiêu kế hoạch cho năm này" in text
    assert "(mức tham chiếu: QĐ 766/QĐ-TTg)" in _card(text, "CQS-03")


def test_a_target_set_now_shows_on_the_page_at_once(client, city_admin):
    ward = unit("2024", "20221")
    do_set_target(ward, 2024, Indicator.objects.get(code="XHS-01"), Decimal("99"), acting_user=city_admin)
    text = page_text(client, "/don-vi/2024/20221/")
    assert "Kế hoạch năm 2024: tiến độ từng chỉ tiêu" in text
    assert "mục tiêu 99,0% đến 31/12/2024" in _card(text, "XHS-01")


@pytest.mark.demo
def test_the_year_can_be_chosen_and_a_bad_year_is_404(client):
    assert "Chỉ tiêu chính năm 2023 so với mức tham chiếu" in page_text(client, "/don-vi/2024/20221/?nam=2023")
    assert "Số liệu đến tháng 12/2023." in page_text(client, "/don-vi/2024/20221/?nam=2023")
    assert client.get("/don-vi/2024/20221/?nam=abc").status_code == 404


def test_children_are_in_a_sortable_table_with_one_headline_indicator_per_pillar(client):
    text = page_text(client, "/don-vi/2024/491/")
    table = text.split('id="truc-thuoc"', 1)[1].split("</table>", 1)[0]
    assert '<table class="data sortable">' in table
    headers = re.findall(r'data-sort="number" title="[^"]+">([^<]+)</button>', table)
    assert headers == ["CQS-03", "KTS-01", "XHS-01"]
    assert len(re.findall(r"<tr><td data-value=", table)) == 10
    assert re.search(r'<td class="num" data-value="[\d.]+">\d+,\d%', table)


def test_the_report_buttons_read_the_code_in_the_units_version(client):
    text = page_text(client, "/don-vi/2024/491/")
    assert 'href="/bao-cao/2024/491/2024.pdf"' in text
    assert 'href="/bao-cao/2024/491/2024.xlsx"' in text
    assert "/bao-cao/2024/491/2025.pdf" not in text  # 491 ended on 31/12/2024


def test_history_across_the_reorganisation_is_on_both_sides(client):
    old = page_text(client, "/don-vi/2024/20221/")
    assert "Phường Thạc Gián trở thành" in old
    assert '<a href="/don-vi/2025-01/20218/">Phường Thạc Gián</a>' in old
    today = page_text(client, "/don-vi/2025-07/20209/")
    assert "Phường Thanh Khê hình thành từ" in today
    # today's ward has figures back to 2022, re-expressed from its predecessors
    assert "Chỉ tiêu chính năm 2025 so với mức tham chiếu" in today

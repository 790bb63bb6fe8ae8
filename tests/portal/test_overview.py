"""The overview: the city's headline indicators against targets, status counts, laggards, changes."""

from __future__ import annotations

import re

import pytest

from tests.portal.helpers import page_text

pytestmark = pytest.mark.django_db


def _card(text: str, code: str) -> str:
    match = re.search(rf'<article class="card[^"]*" aria-labelledby="card-tq-{re.escape(code)}">.*?</article>', text, re.S)
    assert match, f"no card for {code}"
    return match.group(0)


@pytest.mark.demo
def test_it_shows_the_three_pillars_with_headline_indicators_of_today(client):
    text = page_text(client, "/")
    assert "Chuyển đổi số Thành phố Đà Nẵng: tổng quan" in text
    assert "Số liệu đến tháng 10/2025, theo danh mục đơn vị 2025-07." in text
    assert re.findall(r'<h2 id="tru-cot-\w+">([^<]+)</h2>', text) == [
        "Chính quyền số (CQS)", "Kinh tế số (KTS)", "Xã hội số (XHS)"]
    online = _card(text, "CQS-03")
    # a rate of flows judged on the year: 2025 to date (January–October), the month shown beside it
    assert '<span class="value">80,4%</span>\n    <span class="card-period">năm 2025 đến tháng 10/2025</span>' in online
    assert "<li>Tháng 10/2025: 83,7%</li>" in online
    assert '<span class="status status-target_achieved">Đã đạt mục tiêu</span>' in online
    assert "mục tiêu 65,0% đến 31/12/2025" in online and "mức tham chiếu: QĐ 766/QĐ-TTg" in online
    assert "+0,9 điểm % so với 09/2025" in online
    assert 'class="badge badge-illustrative"' in online
    assert '<svg class="spark"' in online and 'role="img" aria-label="Tỷ lệ hồ sơ thủ tục hành chính' in online
    digitised = _card(text, "CQS-12")
    assert '<span class="status status-acceleration_needed">Cần tăng tốc</span>' in digitised
    assert "đạt 82% mục tiêu" in digitised  # 81,8 of 100 over the year to date (was 85: October alone)


@pytest.mark.demo
def test_it_counts_targets_per_status(client):
    text = page_text(client, "/")
    counts = dict((label, int(n)) for n, label in re.findall(
        r'<li class="status-count status-\w+"><span class="count">(\d+)</span> <span class="status status-\w+">([^<]+)</span>',
        text))
    assert counts == {"Đã đạt mục tiêu": 8, "Đúng tiến độ": 0, "Cần tăng tốc": 4, "Tiến bộ hạn chế": 0,
                      "Đi xuống": 0, "Chưa đánh giá được": 0}


@pytest.mark.demo
def test_it_lists_the_units_that_lag_most_and_what_changed_since_last_month(client):
    text = page_text(client, "/")
    laggards = text.split('id="cham"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r'<a href="/don-vi/2025-07/\d+/">', laggards)) == 10
    assert "Thay đổi so với tháng trước (09/2025)" in text
    changes = text.split('id="thay-doi"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col" class="num">09/2025</th><th scope="col" class="num">10/2025</th>' in changes


@pytest.mark.demo
def test_as_it_was_in_2024_the_city_is_read_at_the_end_of_2024_with_its_district_plans(client):
    text = page_text(client, "/?v=2024")
    assert "Số liệu đến tháng 12/2024, theo danh mục đơn vị 2024." in text
    assert "Đang xem theo danh mục cũ" in text
    assert "Chỉ tiêu kế hoạch năm 2024 của các đơn vị" in text
    assert re.search(r'<a href="/don-vi/2024/492/\?nam=2024">Quận Hải Châu</a>: <span class="status '
                     r'status-achieved">2 đạt</span>', text)  # the plan year 2024 is over: final
    assert "/don-vi/2024/20221/" in text or "/don-vi/2024/" in text.split('id="cham"', 1)[1]


def test_an_unknown_version_is_404(client):
    assert client.get("/?v=1999").status_code == 404


def test_the_overview_reuses_computed_figures_until_a_figure_changes(client, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(45):
        assert client.get("/").status_code == 200

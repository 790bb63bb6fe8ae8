"""Issue 14 item 7, honest numbers: counts re-expressed through split shares are whole and marked
"ước tính" on every surface; a series that crosses a change of the map says so at the break.

Phường Thanh Khê of today (2025-07, 20209) read for 12/2024 is nine 2024 wards plus 26,12% of phường
Hòa Minh: 128.040,612 accounts exactly, shown as 128.041 (ước tính).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from chiso.analytics.queries import evaluate
from chiso.engine.periods import Period
from chiso.units import queries as units
from tests.portal.helpers import page_text, unit

pytestmark = pytest.mark.django_db

THANH_KHE_NOW = ("2025-07", "20209")


def _rows(codes, period):
    rows = evaluate(codes, [unit(*THANH_KHE_NOW)], [Period.parse(period)], published_only=True)
    return {r.data: r for r in rows}


@pytest.mark.demo
def test_a_count_re_expressed_through_a_split_share_is_a_whole_number_marked_estimated():
    rows = _rows(["XHS-06", "XHS-14", "KTS-03", "XHS-01"], "2024-12")
    assert [(c, rows[c].value, rows[c].estimated) for c in ("XHS-06", "XHS-14", "KTS-03")] == [
        ("XHS-06", Decimal("128041"), True), ("XHS-14", Decimal("1055"), True), ("KTS-03", Decimal("221"), True)]
    rate = rows["XHS-01"]  # a rate: its numerator and denominator are counts too
    assert (rate.value, rate.numerator, rate.denominator, rate.estimated) == (
        Decimal("82.0"), Decimal("123175"), Decimal("150145"), True)


@pytest.mark.demo
def test_a_flow_over_a_year_is_rounded_once_at_the_end():
    row = _rows(["XHS-14"], "2024")["XHS-14"]
    assert (row.value, row.estimated) == (Decimal("11239"), True)


@pytest.mark.demo
def test_a_figure_of_the_unit_itself_is_not_estimated():
    row = _rows(["XHS-06"], "2025-07")["XHS-06"]
    assert (row.value, row.estimated) == (Decimal("148151"), False)


@pytest.mark.demo
def test_the_api_gives_the_whole_number_and_says_estimated(client):
    response = client.get("/api/v1/analytics/values", {"data": "XHS-06,XHS-01", "units": "20209",
                                                       "periods": "2024-12", "hierarchy": "2025-07"})
    assert response.status_code == 200
    rows = {r["data"]: r for r in response.json()["rows"]}
    assert (rows["XHS-06"]["value"], rows["XHS-06"]["estimated"]) == (128041.0, True)
    assert (rows["XHS-01"]["numerator"], rows["XHS-01"]["denominator"]) == (123175.0, 150145.0)


@pytest.mark.demo
def test_the_indicator_page_shows_the_whole_number_marked_estimated_by_year_and_month(client):
    text = page_text(client, "/chi-tieu/XHS-06/?v=2025-07&don-vi=20209")
    assert re.search(r'<tr><td>Năm 2024</td><td class="num">128.041</td><td><span class="badge '
                     r'badge-illustrative">minh họa</span> <span class="badge">ước tính</span>', text)
    assert re.search(r'<tr><td>12/2024</td><td class="num">128.041</td><td><span class="badge '
                     r'badge-illustrative">minh họa</span> <span class="badge">ước tính</span></td></tr>', text)
    assert "128.040" not in text and "104.230,404" not in text


@pytest.mark.demo
def test_the_unit_page_marks_the_re_expressed_figure_estimated(client):
    text = page_text(client, "/don-vi/2025-07/20209/?nam=2024")
    cards = re.findall(r"<article class=\"card.*?</article>", text, re.S)
    people = [c for c in cards if "<code>XHS-01</code>" in c]  # from counts re-expressed through shares
    assert len(people) == 1
    assert '<span class="value">82,0%</span>' in people[0] and ">ước tính</span>" in people[0]


def test_the_map_change_of_1_7_2025_is_found_for_the_city_in_either_version():
    for version in ("2025-07", "2024"):
        changes = units.map_changes(unit(version, "48"), date(2022, 1, 1), date(2025, 12, 31))
        assert [(c.day, c.version.name, c.previous.name, len(c.joined)) for c in changes] == [
            (date(2025, 7, 1), "2025-07", "2025-01", 78)], version
        assert [u.name for u in changes[0].examples] == ["Phường Bàn Thạch", "Phường Tam Kỳ", "Phường Hương Trà"]


def test_merges_and_splits_inside_the_city_are_no_break():
    assert units.map_changes(unit(*THANH_KHE_NOW), date(2022, 1, 1), date(2025, 12, 31)) == []
    assert units.map_changes(unit("2025-07", "48"), date(2022, 1, 1), date(2025, 6, 30)) == []


def test_the_city_chart_is_marked_at_the_break_with_a_note_under_it(client):
    text = page_text(client, "/chi-tieu/XHS-06/")
    assert ('<p class="note chart-break">Từ 01/07/2025 (danh mục 2025-07), Thành phố Đà Nẵng gồm thêm 78 đơn vị '
            "không có ở danh mục 2025-01 (Phường Bàn Thạch, Phường Tam Kỳ, Phường Hương Trà, …): số liệu trước và "
            "sau mốc này không cùng phạm vi, không so sánh trực tiếp được (đường chấm trên biểu đồ).</p>") in text
    assert "chart-break" not in page_text(client, "/chi-tieu/XHS-06/?v=2025-07&don-vi=20209")


def test_the_report_chart_of_a_count_ticks_in_whole_numbers():
    from chiso.portal.svg import line_chart, ticks

    assert ticks(1.8, 3.2, whole=True) == [2, 3] and ticks(0.0, 9.0, whole=True) == [0, 3, 6, 9]
    svg = line_chart([2.0, 3.0, 2.5], ["01/2025", "02/2025", "03/2025"], label="KTS-03", fmt=lambda v: f"{v:g}",
                     whole=True)
    assert re.findall(r'text-anchor="end" fill="#525a63">([^<]+)</text>', svg) == ["2", "3"]
    fractional = line_chart([2.0, 3.0], ["01/2025", "02/2025"], label="KTS-03", fmt=lambda v: f"{v:.2f}")
    assert "2.36" not in svg and len(re.findall(r'text-anchor="end" fill="#525a63"', fractional)) == 5

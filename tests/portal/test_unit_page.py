"""The unit page: facts, breadcrumb, successions, children, latest figures with sources, plans.

Figures a test writes go on phường Ba Đình (Hà Nội, 2025-07), where the demo writes none.
"""

from __future__ import annotations

import re

import pytest

from chiso.indicators.models import DataElement
from chiso.plans.models import Plan
from tests.portal.helpers import BA_DINH, page_text, put, unit

pytestmark = pytest.mark.django_db

BA_DINH_URL = "/don-vi/2025-07/00004/"
ARTICLE = 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'
REPORT = "Báo cáo của UBND phường Ba Đình, 12/2025"


@pytest.fixture
def ba_dinh():
    return unit(*BA_DINH)


def _row(text: str, code: str) -> str:
    """The table row of one data element."""
    match = re.search(rf"<tr[^>]*>\s*<td><code>{re.escape(code)}</code>.*?</tr>", text, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def test_unknown_unit_or_version_is_404(client):
    assert client.get("/don-vi/2024/99999/").status_code == 404
    assert client.get("/don-vi/1999/491/").status_code == 404
    assert client.get("/don-vi/2025-07/491/").status_code == 404  # 491 was a district; none in 2025-07


def test_it_shows_the_units_facts_and_breadcrumb(client):
    text = page_text(client, "/don-vi/2024/20221/")
    assert "<h1>Phường Thạc Gián</h1>" in text
    assert re.search(
        r'<a href="/don-vi/\?v=2024">Phiên bản 2024</a></li>\s*<li><a href="/don-vi/2024/48/">Thành phố Đà '
        r'Nẵng</a></li><li><a href="/don-vi/2024/491/">Quận Thanh Khê</a></li>\s*'
        r'<li aria-current="page">Phường Thạc Gián</li>',
        text,
    )
    assert "<dt>Loại</dt><dd>Phường</dd>" in text
    assert "<dt>Mã</dt><dd>20221</dd>" in text
    assert "đến 31/12/2024" in text
    assert "Đơn vị theo danh mục cũ, có hiệu lực đến 31/12/2024." in text


def test_a_unit_of_today_has_no_past_notice_and_shows_coordinates(client, ba_dinh):
    text = page_text(client, BA_DINH_URL)
    assert "từ 01/07/2025 đến nay" in text
    assert "danh mục cũ" not in text
    assert re.search(r"vĩ độ \d+,\d+; kinh độ \d+,\d+", text)


def test_a_unit_of_the_past_links_to_its_successors_with_population_share(client):
    text = page_text(client, "/don-vi/2024/20200/")  # Hòa Minh, split on 1/1/2025
    assert "Phường Hòa Minh trở thành" in text
    assert '<a href="/don-vi/2025-01/20206/">Phường Thanh Khê Tây</a>' in text
    assert "26,12% dân số chuyển sang" in text
    assert "Tách (một phần)" in text
    assert "từ 01/01/2025" in text


def test_a_unit_of_today_lists_its_predecessors_and_the_reused_code(client):
    text = page_text(client, "/don-vi/2025-07/20209/")
    assert "Phường Thanh Khê hình thành từ" in text
    for code, name in [
        ("20209", "Phường Xuân Hà"),
        ("20218", "Phường Thạc Gián"),
        ("20215", "Phường Chính Gián"),
    ]:
        assert f'<a href="/don-vi/2025-01/{code}/">{name}</a>' in text
    assert "Sáp nhập (toàn bộ)" in text
    assert "Mã 20209 ở các phiên bản khác" in text
    assert '<a href="/don-vi/2024/20209/">Phường Xuân Hà</a> <span class="meta">phiên bản 2024</span>' in text


def test_it_lists_children_with_their_counts(client):
    text = page_text(client, "/don-vi/2024/491/")
    assert "Đơn vị trực thuộc (10)" in text
    assert '<a href="/don-vi/2024/20221/">Phường Thạc Gián</a>' in text
    assert "Phường · mã 20221 · 6 trực thuộc" in text  # three tổ dân phố, three khu dân cư


def test_a_unit_without_figures_says_so(client, ba_dinh):
    text = page_text(client, BA_DINH_URL)
    assert "Chưa có số liệu nào của đơn vị này." in text
    assert 'id="nguon"' not in text


def test_figures_show_in_vietnamese_format_with_qualifier_period_and_source(client, ba_dinh):
    put(ba_dinh, "XHS-06", "2025-09", "120000", source=REPORT)
    put(ba_dinh, "XHS-06", "2025", "133713", source=ARTICLE)
    put(ba_dinh, "XHS-05", "2025", "166039", source=ARTICLE)
    put(ba_dinh, "XHS-11", "2025", "3500", qualifier="at_least", source=ARTICLE)
    put(ba_dinh, "CQS-03", "2025-12-01", "91.5", source=REPORT)
    put(ba_dinh, "CQS-14", "2025Q3", "25", qualifier="approximate", source=REPORT)
    put(ba_dinh, "CQS-08", "2025-11", "10", qualifier="at_most")
    text = page_text(client, BA_DINH_URL)

    accounts = _row(text, "XHS-06")
    assert '<span class="value">133.713</span> <span class="uom">tài khoản</span>' in accounts
    assert "Số tài khoản định danh điện tử đã kích hoạt" in accounts
    assert '<td class="period">Năm 2025</td>' in accounts
    assert '<a class="footnote-ref" href="#nguon-2" title="' + ARTICLE + '"' in accounts
    assert "120.000" not in text  # an earlier period is not the latest

    assert '<span class="value">166.039</span>' in _row(text, "XHS-05")
    assert '<span class="value">hơn 3.500</span>' in _row(text, "XHS-11")
    rate = _row(text, "CQS-03")
    assert '<span class="value">91,5%</span>' in rate
    assert "Ngày 01/12/2025" in rate
    assert 'title="Nguồn: ' + REPORT + '"' in rate
    assert '<span class="value">gần 25</span>' in _row(text, "CQS-14")
    assert "Quý III/2025" in _row(text, "CQS-14")
    no_source = _row(text, "CQS-08")
    assert '<span class="value">không quá 10</span>' in no_source
    assert "chưa ghi nguồn" in no_source

    # Sources: numbered in order of first appearance (CQS first, then XHS), listed once at the bottom.
    assert f'<li id="nguon-1">{REPORT}</li><li id="nguon-2">{ARTICLE}</li>' in text
    assert "badge-illustrative" not in text and "is-illustrative" not in text


def test_figures_are_grouped_by_pillar_with_other_elements_last(client, ba_dinh):
    DataElement.objects.create(
        code="ZZ-KHAC",
        name_vi="Yếu tố không chỉ tiêu nào dùng",
        name_en="Unused",
        value_type="integer",
        over_time="stock",
        over_hierarchy="sum",
    )
    put(ba_dinh, "ZZ-KHAC", "2025", "7")
    put(ba_dinh, "XHS-06", "2025", "2")
    put(ba_dinh, "KTS-11.MS", "2025", "4")
    headings = re.findall(r'<h3 id="tru-cot-[^"]+">([^<]+)</h3>', page_text(client, BA_DINH_URL))
    assert headings == ["Kinh tế số (KTS)", "Xã hội số (XHS)", "Khác"]


def test_illustrative_figures_are_marked_and_explained_and_the_real_one_stays_visible(client, ba_dinh):
    put(ba_dinh, "XHS-06", "2025-08", "5151", source=ARTICLE)
    put(ba_dinh, "XHS-06", "2025-12", "7313", illustrative=True, source="Số liệu minh họa")
    text = page_text(client, BA_DINH_URL)
    row = _row(text, "XHS-06")
    assert 'class="is-illustrative"' in row
    assert '<span class="value">7.313</span>' in row
    assert '<span class="badge badge-illustrative"' in row and ">minh họa</span>" in row
    assert "Số liệu thật gần nhất: <strong>5.151</strong> (Tháng 8/2025)" in row
    assert "Số liệu minh họa do chương trình sinh ra, không phải số liệu thật." in text


def test_plans_are_listed(client, ba_dinh):
    Plan.objects.create(
        unit=ba_dinh,
        year=2025,
        stated_total=28,
        statement="28 chỉ tiêu: 13 XHS + 11 CQS + 4 KTS",
        source="Nghị quyết của phường",
    )
    text = page_text(client, BA_DINH_URL)
    assert "Kế hoạch chuyển đổi số" in text
    assert "<strong>Năm 2025</strong>" in text
    assert "28 chỉ tiêu theo văn bản" in text
    assert "<blockquote>28 chỉ tiêu: 13 XHS + 11 CQS + 4 KTS</blockquote>" in text
    assert "Nguồn: Nghị quyết của phường" in text


def test_the_page_needs_few_queries_however_many_figures(client, ba_dinh):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(BA_DINH_URL).status_code == 200
        return len(context)

    put(ba_dinh, "XHS-05", "2025", "1", source="XHS-05")
    one = queries()
    for code in ["XHS-06", "XHS-11", "CQS-03", "CQS-14", "KTS-11.MS", "KTS-11.TS", "DS"]:
        put(ba_dinh, code, "2025", "1", source=code)
    # ≤ 56 (was 45): + the report coverage (assignments, approved reports) of each engine call and of the
    # last complete month (issue 14 item 4), + the plan-page and status reads added beside it
    assert queries() == one <= 56


# --- the real figures of the demo (facts_danang.csv), as the demo builder loads them ---


def test_thanh_khe_2024_shows_its_real_figures_with_their_source(client):
    text = page_text(client, "/don-vi/2024/491/")
    accounts = _row(text, "XHS-06")
    assert '<span class="value">133.713</span>' in accounts
    assert '<td class="period">Năm 2024</td>' in accounts
    footnote = re.search(r'href="#nguon-(\d+)" title="(.*?)" aria-label=', accounts)
    assert footnote.group(2).startswith('Bài báo "Đẩy mạnh chuyển đổi số')
    assert f'<li id="nguon-{footnote.group(1)}">Bài báo "Đẩy mạnh chuyển đổi số' in text
    assert '<span class="value">166.039</span>' in _row(text, "XHS-05")
    assert "minh họa" not in accounts
    assert "28 chỉ tiêu theo văn bản" in text


def test_thac_gian_2024_keeps_its_real_2023_figures_in_view(client):
    """The demo's illustrative months run to 12/2024; the real 2023 figures stay on show beside them."""
    text = page_text(client, "/don-vi/2024/20221/")
    for code, real in [("XHS-06", "5.151"), ("DS", "11.597")]:
        row = _row(text, code)
        assert 'class="is-illustrative"' in row
        assert f"Số liệu thật gần nhất: <strong>{real}</strong> (Năm 2023)" in row
        footnote = re.search(r'\(Năm 2023\) <a class="footnote-ref" href="#nguon-(\d+)"', row).group(1)
        assert f'<li id="nguon-{footnote}">Bài báo "Chuyển đổi số từ cơ sở"' in text
    assert "Số liệu minh họa do chương trình sinh ra, không phải số liệu thật." in text

"""The indicator page: definition, series, yearly table, map data, ranking, real figures; CSV and XLSX."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.portal.helpers import page_text

pytestmark = pytest.mark.django_db

ARTICLE = 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'
THANH_KHE_2024 = "/chi-tieu/XHS-06/?v=2024&don-vi=491"


def test_it_shows_the_definition_and_metadata(client):
    text = page_text(client, "/chi-tieu/CQS-03/")
    assert "<h1><code>CQS-03</code> Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến</h1>" in text
    assert "<dt>Công thức</dt><dd><code>CQS-03.TS</code> ÷ <code>CQS-03.MS</code> × 100</dd>" in text
    assert "<dt>Chiều</dt><dd>Càng cao càng tốt</dd>" in text
    assert "<dt>Căn cứ</dt><dd>QĐ 766/QĐ-TTg</dd>" in text
    assert "<dt>Đơn vị tính</dt><dd>%</dd>" in text
    assert "Tử số: <code>CQS-03.TS</code>" in text
    assert "không lấy trung bình các tỷ lệ" in text


@pytest.mark.demo
def test_the_real_yearly_figure_shows_with_its_source_and_months_are_marked_illustrative(client):
    text = page_text(client, THANH_KHE_2024)
    years = text.split('id="bang-nam"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>Năm 2024</td><td class=\"num\">133.713</td><td></td>", years)
    assert re.search(r"<td>Năm 2023</td><td class=\"num\">100.815</td><td><span class=\"badge badge-illustrative\">", years)
    real = text.split('id="so-lieu-that"', 1)[1]
    assert "Quận Thanh Khê</a> · <code>XHS-06</code> · Năm 2024: <strong>133.713</strong>" in real
    assert f"Nguồn: {ARTICLE}" in real


@pytest.mark.demo
def test_every_ward_is_ranked_and_placed_on_the_map(client):
    response = client.get(THANH_KHE_2024)
    text = response.content.decode()
    ranking = text.split('id="xep-hang"', 1)[1].split("</table>", 1)[0]
    assert '<h2 id="xep-hang">Xếp hạng 10 phường của Quận Thanh Khê (tháng 12/2024)</h2>' in text
    assert re.search(r'<td class="num" data-value="1">1/10 phường</td>\s*<td data-value="Phường Vĩnh Trung">', ranking)
    assert "19.212" in ranking
    data = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', text, re.S).group(1))
    assert len(data["points"]) == 6 and data["percent"] is False
    name, lon, lat, value, illustrative, estimated, is_scope = data["points"][0]
    assert is_scope is False  # the scope is the district: none of its wards is ringed
    assert (name, value, illustrative, estimated) == ("Phường Xuân Hà", 19103.0, True, False)
    assert 108 < lon < 109 and 15 < lat < 17
    assert "4 đơn vị chưa có tọa độ nên không có trên bản đồ: Phường Vĩnh Trung" in html_text(text)
    assert data["series"][-1] == ["2024-12", 133713.0, True, False]  # period, value, illustrative, estimated
    assert (data["decimals"], data["count"], data["breaks"]) == (0, True, [])
    assert "không vẽ ranh giới" in html_text(text)
    assert 'src="/static/vendor/echarts/echarts.min.js"' in text


def html_text(text: str) -> str:
    import html

    return html.unescape(text)


@pytest.mark.demo
def test_the_csv_downloads_are_the_years_the_months_and_the_wards_each_in_its_own_file(client):
    response = client.get("/chi-tieu/XHS-06/tai-ve.csv?v=2024&don-vi=491")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chiso-XHS-06-2024-491-theo-nam.csv"'
    lines = response.content.decode("utf-8").split("\r\n")
    assert lines[0] == ("\ufeffMã chỉ tiêu;Mã đơn vị;Đơn vị;Danh mục đơn vị;Kỳ;Giá trị (tài khoản);Độ chính xác;"
                        "Số liệu minh họa;Ước tính")
    assert "XHS-06;491;Quận Thanh Khê;2024;Năm 2024;133713;Chính xác;;" in lines
    months = client.get("/chi-tieu/XHS-06/tai-ve.csv?v=2024&don-vi=491&bang=theo-thang").content.decode("utf-8-sig")
    assert "XHS-06;491;Quận Thanh Khê;2024;Tháng 1/2022;51099;Chính xác;có;" in months.split("\r\n")
    wards = client.get("/chi-tieu/XHS-06/tai-ve.csv?v=2024&don-vi=491&bang=theo-don-vi").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(wards), delimiter=";"))
    assert len(rows) == 10 and (rows[0]["Hạng"], rows[0]["Đơn vị"], rows[0]["Giá trị (tài khoản)"]) == (
        "1", "Phường Vĩnh Trung", "19212")


def test_the_xlsx_download_has_the_three_tables_and_the_sources(client):
    from openpyxl import load_workbook

    response = client.get("/chi-tieu/XHS-06/tai-ve.xlsx?v=2024&don-vi=491")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="chiso-XHS-06-2024-491.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Theo năm", "Theo tháng", "Theo phường, xã", "Nguồn"]
    sheet = book["Theo năm"]
    assert sheet["A1"].value == "XHS-06 – Số tài khoản định danh điện tử đã kích hoạt: Quận Thanh Khê, theo năm"
    year = [row for row in sheet.iter_rows(min_row=6, values_only=True) if row[4] == "Năm 2024"][0]
    assert year == ("XHS-06", "491", "Quận Thanh Khê", "2024", "Năm 2024", 133713, "Chính xác", None, None)
    sources = [row for row in book["Nguồn"].iter_rows(min_row=6, values_only=True)]
    assert ("491", "Quận Thanh Khê", "XHS-06", "Năm 2024", 133713, "Chính xác", ARTICLE) in sources


def test_unknown_indicator_unit_version_or_format_is_404(client):
    assert client.get("/chi-tieu/NOPE/").status_code == 404
    assert client.get("/chi-tieu/XHS-06/?v=1999").status_code == 404
    assert client.get("/chi-tieu/XHS-06/?v=2025-07&don-vi=491").status_code == 404
    assert client.get("/chi-tieu/XHS-06/tai-ve.pdf").status_code == 404


def test_the_indicator_list_links_every_indicator_by_pillar(client):
    text = page_text(client, "/chi-tieu/")
    assert '<a href="/chi-tieu/XHS-06/"><code>XHS-06</code> Số tài khoản định danh điện tử đã kích hoạt</a>' in text
    assert len(re.findall(r'<a href="/chi-tieu/[^/]+/"><code>', text)) == 56

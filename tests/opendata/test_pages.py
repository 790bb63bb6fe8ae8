"""The "Dữ liệu mở" pages: the list with search and filters, a dataset's page, the downloads; public, in
Vietnamese first and in English through the language switch."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest

from chiso.opendata import catalogue
from tests.opendata.helpers import Status, report, write

pytestmark = pytest.mark.django_db


def listed(html: str) -> list[str]:
    return re.findall(r'<h2 class="dataset-title"><a href="/du-lieu-mo/([^/]+)/">', html)


def test_the_list_shows_every_dataset_and_marks_illustrative_ones(client):
    html = client.get("/du-lieu-mo/").content.decode()
    assert listed(html) == [d.id for d in catalogue.datasets()]
    assert '<a href="/du-lieu-mo/" aria-current="page">Dữ liệu mở</a>' in html
    for d in catalogue.datasets():  # in the small world cqs-03-2023 is vnmedia.vn's real figure: no label
        item = html.split(f'href="/du-lieu-mo/{d.id}/"', 1)[1].split("</li>", 1)[0]
        assert ('<span class="badge badge-illustrative">minh họa</span>' in item) == d.illustrative, d.id
    assert catalogue.dataset("cqs-01-2024").illustrative
    assert '<a href="/du-lieu-mo/tat-ca.zip" download>Tải tất cả (ZIP, CSV)</a>' in html


def test_the_list_searches_text_and_filters_pillar_and_year(client):
    html = client.get("/du-lieu-mo/", {"q": "dinh danh"}).content.decode()
    assert {s.rsplit("-", 1)[0] for s in listed(html)} == {"xhs-04", "xhs-05", "xhs-06"}
    html = client.get("/du-lieu-mo/", {"tru-cot": "KTS", "nam": "2024"}).content.decode()
    assert listed(html) == [f"kts-{n:02d}-2024" for n in range(1, 13)]
    assert '<option value="KTS" selected>' in html and '<option value="2024" selected>' in html
    html = client.get("/du-lieu-mo/", {"q": "định danh", "tru-cot": "CQS"}).content.decode()
    assert listed(html) == [] and "Không có tập dữ liệu nào khớp với điều kiện lọc." in html


def test_the_dataset_page_shows_metadata_method_and_files_with_sizes(client):
    html = client.get("/du-lieu-mo/cqs-01-2024/").content.decode()
    assert "<h1>CQS-01 Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình – năm 2024</h1>" in html
    assert '<dt>Chỉ tiêu</dt><dd><a href="/chi-tieu/CQS-01/">CQS-01</a> (%)</dd>' in html
    assert "<dt>Tần suất cập nhật</dt><dd>hằng tháng</dd>" in html
    assert "Công thức: (Số TTHC cung cấp DVCTT toàn trình) ÷ (Tổng số TTHC) × 100" in html
    assert '<span class="badge badge-illustrative">minh họa</span>' in html
    size = len(client.get("/du-lieu-mo/cqs-01-2024/phuong-xa.csv").content)
    assert ('<a href="/du-lieu-mo/cqs-01-2024/phuong-xa.csv">CSV</a>' in html
            and f'<td class="num">{size:,}</td>'.replace(",", ".") in html)


def test_the_pages_read_in_english(client):
    html = client.get("/du-lieu-mo/cqs-01-2024/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>CQS-01 Share of administrative procedures offered as full online public services – 2024</h1>" in html
    assert "<dt>Update frequency</dt><dd>monthly</dd>" in html and "<h2>Downloads</h2>" in html
    html = client.get("/du-lieu-mo/", {"tru-cot": "KTS", "nam": "2024"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Open data</h1>" in html and "12 datasets" in html


def test_downloads_are_files_of_published_figures(client):
    response = client.get("/du-lieu-mo/cqs-01-2024/phuong-xa.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cqs-01-2024-phuong-xa.csv"'
    assert response.content.startswith("\ufeffMã đơn vị,".encode())
    assert client.get("/du-lieu-mo/cqs-01-2024/phuong-xa.csv?lang=en").content.startswith(b"\xef\xbb\xbfUnit code,")
    assert client.get("/du-lieu-mo/cqs-01-2024/thanh-pho.json")["Content-Type"] == "application/json; charset=utf-8"
    assert client.get("/du-lieu-mo/cqs-01-2024/thanh-pho.xlsx").content[:2] == b"PK"


def test_what_is_not_published_is_not_found(client, officer_thac_gian):
    write("XHS-06", "20221", "2021-06", "4321")  # a draft: no dataset of 2021
    assert client.get("/du-lieu-mo/xhs-06-2021/").status_code == 404
    assert client.get("/du-lieu-mo/xhs-06-2021/phuong-xa.csv").status_code == 404
    client.force_login(officer_thac_gian)  # the ward's own officer, who may read the draft elsewhere: not here
    assert client.get("/du-lieu-mo/xhs-06-2021/phuong-xa.csv").status_code == 404
    assert "xhs-06-2021" not in client.get("/du-lieu-mo/", {"q": "xhs-06"}).content.decode()
    client.logout()
    report("20221", "2021-06", Status.APPROVED)
    assert client.get("/du-lieu-mo/xhs-06-2021/phuong-xa.csv").content.decode("utf-8-sig").splitlines()[1:] == [
        "20221,Phường Thạc Gián,2024,2021-06,4321,,,Chính xác,không,Báo cáo đã duyệt của đơn vị"]
    for path in ("/du-lieu-mo/khong-co-2024/", "/du-lieu-mo/cqs-01-2024/to-dan-pho.csv",
                 "/du-lieu-mo/cqs-01-2024/phuong-xa.pdf", "/du-lieu-mo/cqs-01-2024/xa.csv"):
        assert client.get(path).status_code == 404, path


def test_the_bulk_download_is_a_zip_of_every_csv(client):
    response = client.get("/du-lieu-mo/tat-ca.zip")
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))) as archive:
        assert "README.txt" in archive.namelist() and "cqs-01-2024-phuong-xa.csv" in archive.namelist()

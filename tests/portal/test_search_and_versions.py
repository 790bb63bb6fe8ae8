"""Search across units and indicators without diacritics; the hierarchy-version switch on every page."""

from __future__ import annotations

import pytest

from tests.portal.helpers import page_text

pytestmark = pytest.mark.django_db


def test_search_finds_units_and_indicators_typed_without_diacritics(client):
    text = page_text(client, "/tim-kiem/?q=thac+gian")
    assert '<a href="/don-vi/2024/20221/">Phường Thạc Gián</a>' in text
    assert '<a href="/don-vi/2025-01/20218/">Phường Thạc Gián</a>' in text
    text = page_text(client, "/tim-kiem/?q=tai+khoan+dinh+danh")
    assert '<a href="/chi-tieu/XHS-06/"><code>XHS-06</code> Số tài khoản định danh điện tử đã kích hoạt</a>' in text
    assert "Không có đơn vị nào có tên chứa «tai khoan dinh danh»." in text
    assert '<a href="/chi-tieu/CQS-03/">' in page_text(client, "/tim-kiem/?q=cqs-03")


def test_search_says_so_when_nothing_matches(client):
    text = page_text(client, "/tim-kiem/?q=xyzxyz")
    assert "Không có chỉ tiêu nào có mã hoặc tên chứa «xyzxyz»." in text
    assert "Không có đơn vị nào có tên chứa «xyzxyz»." in text


def test_every_page_has_the_search_box_and_the_version_switch(client):
    for url in ["/", "/don-vi/", "/don-vi/2024/491/", "/chi-tieu/XHS-06/", "/tim-kiem/?q=a"]:
        text = page_text(client, url)
        assert 'action="/tim-kiem/" method="get" role="search"' in text, url
        assert 'action="/phien-ban/" method="get"' in text, url
        assert '<option value="2024"' in text and "2025-07 – đơn vị hiện nay" in text, url
    assert '<option value="2024" selected>2024 – như đến 31/12/2024</option>' in page_text(client, "/don-vi/2024/491/")


def test_switching_version_keeps_the_page_and_maps_a_unit_to_what_it_became(client):
    assert client.get("/phien-ban/?v=2024&next=/").url == "/?v=2024"
    assert client.get("/phien-ban/?v=2024&next=/chi-tieu/XHS-06/%3Fv%3D2025-07").url == "/chi-tieu/XHS-06/?v=2024"
    # a ward of 2024 merged whole into one ward of 1/2025
    assert client.get("/phien-ban/?v=2025-01&next=/don-vi/2024/20221/").url == "/don-vi/2025-01/20218/"
    # today's phường Thanh Khê came from several wards: a page lists them
    text = page_text(client, "/phien-ban/?v=2024&next=/don-vi/2025-07/20209/")
    assert "Phường Thanh Khê (danh mục 2025-07) tương ứng với các đơn vị sau ở danh mục 2024:" in text
    assert '<a href="/don-vi/2024/20221/">Phường Thạc Gián</a>' in text
    assert '<a href="/don-vi/2024/20209/">Phường Xuân Hà</a>' in text


def test_the_switch_never_redirects_elsewhere_and_rejects_unknown_versions(client):
    assert client.get("/phien-ban/?v=2024&next=https://example.com/").url == "/?v=2024"
    assert client.get("/phien-ban/?v=1999&next=/").status_code == 404

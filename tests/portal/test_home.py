"""The unit tree page (/don-vi/): unit tree of a hierarchy version, version switch, search, base layout."""

from __future__ import annotations

import re

import pytest

from tests.portal.helpers import page_text

pytestmark = pytest.mark.django_db


def test_it_shows_todays_national_version_by_default_with_only_da_nang_open(client):
    text = page_text(client, "/don-vi/")
    assert "Cây đơn vị, phiên bản 2025-07" in text
    assert '<a href="/don-vi/2025-07/48/">Thành phố Đà Nẵng</a>' in text
    assert '<a href="/don-vi/2025-07/20209/">Phường Thanh Khê</a>' in text
    # Hà Nội is listed, closed: its 126 wards load on opening, a plain link without JavaScript.
    assert '<a href="/don-vi/2025-07/01/">Thành phố Hà Nội</a>' in text
    assert 'hx-get="/don-vi/2025-07/01/truc-thuoc/"' in text
    assert "Xem 126 đơn vị trực thuộc Thành phố Hà Nội" in text
    assert "/don-vi/2025-07/00004/" not in text  # phường Ba Đình, Hà Nội
    assert len(re.findall(r'href="/don-vi/', text)) < 200


def test_open_chooses_the_province_to_expand(client):
    text = page_text(client, "/don-vi/?v=2025-07&open=01")
    assert '<a href="/don-vi/2025-07/00004/">Phường Ba Đình</a>' in text
    assert "/don-vi/2025-07/20209/" not in text


def test_the_version_switch_shows_what_code_20209_means_in_each_version(client):
    assert '<a href="/don-vi/2024/20209/">Phường Xuân Hà</a>' in page_text(client, "/don-vi/?v=2024")
    assert '<a href="/don-vi/2025-07/20209/">Phường Thanh Khê</a>' in page_text(client, "/don-vi/?v=2025-07")


def test_a_city_version_shows_its_whole_tree_down_to_residential_groups(client):
    text = page_text(client, "/don-vi/?v=2024")
    assert '<a href="/don-vi/2024/491/">Quận Thanh Khê</a>' in text
    assert "Quận · mã 491 · 10 trực thuộc" in text
    assert '<a href="/don-vi/2024/TDP-TG-01/">Tổ dân phố 1 (Thạc Gián)</a>' in text
    assert "74 đơn vị." in text  # with the demo's three khu dân cư of Thạc Gián


def test_each_version_shows_its_label_and_validity_in_vietnamese_dates(client):
    text = page_text(client, "/don-vi/?v=2025-01")
    assert "01/01/2025 – 30/06/2025" in text
    assert "… – 31/12/2024" in text
    assert "01/07/2025 – nay" in text
    assert re.search(r'<a href="\?v=2025-01" aria-current="true"', text)


def test_an_unknown_version_is_404(client):
    assert client.get("/don-vi/?v=1999").status_code == 404


def test_search_finds_names_typed_without_diacritics_in_every_version(client):
    text = page_text(client, "/don-vi/?q=thac+gian")
    assert '<a href="/don-vi/2024/20221/">Phường Thạc Gián</a>' in text
    assert '<a href="/don-vi/2025-01/20218/">Phường Thạc Gián</a>' in text
    assert "Không có đơn vị nào" not in text


def test_search_says_so_when_nothing_matches(client):
    assert "Không có đơn vị nào có tên chứa «xyzxyz»." in page_text(client, "/don-vi/?q=xyzxyz")


def test_the_children_fragment_lists_a_provinces_units(client):
    text = page_text(client, "/don-vi/2025-07/01/truc-thuoc/")
    assert '<a href="/don-vi/2025-07/00004/">Phường Ba Đình</a>' in text
    assert "<html" not in text
    assert client.get("/don-vi/2025-07/nope/truc-thuoc/").status_code == 404


def test_the_layout_is_vietnamese_self_contained_and_switches_language(client):
    text = page_text(client, "/don-vi/")
    assert '<html lang="vi">' in text
    assert "chiso</span><span" in text and "Chỉ số chuyển đổi số" in text
    assert '<a href="/admin/">Quản trị</a>' in text
    assert 'action="/ngon-ngu/" method="get"' in text
    assert '<option value="en"' in text and '<option value="vi" selected' in text
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in text
    assert 'class="skip-link" href="#noi-dung"' in text
    assert not re.search(r'(src|href|action)="(https?:)?//', text), "no external resources"


@pytest.mark.demo
def test_an_english_browser_gets_the_english_page_with_english_numbers(client):
    text = client.get("/don-vi/?v=2024", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert re.search(r'<html lang="(\w+)">', text).group(1) == "en"
    assert "Unit tree, version 2024" in text and "74 units." in text
    overview = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Digital transformation in Thành phố Đà Nẵng: overview" in overview
    assert '<span class="value">80.4%</span>' in overview and "Target achieved" in overview  # the year to date
    assert '<span class="card-period">2025 to October 2025</span>' in overview


def test_the_national_tree_costs_a_handful_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):  # + the version switch in the layout
        assert client.get("/don-vi/").status_code == 200


def test_the_main_navigation_leads_officers_to_entry_and_signed_in_users_to_plans(client, officer_thac_gian):
    nav = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
    anonymous = nav.search(page_text(client, "/")).group(0)
    assert re.findall(r'<a href="([^"?]*)', anonymous) == ["/", "/don-vi/", "/chi-tieu/", "/xep-hang/", "/du-lieu-mo/",
                                                          "/so-theo-doi/", "/nhap-lieu/", "/admin/"]
    assert ">Nhập liệu</a>" in anonymous and "Kế hoạch" not in anonymous
    client.force_login(officer_thac_gian)
    signed_in = nav.search(page_text(client, "/ke-hoach/")).group(0)
    assert '<a href="/ke-hoach/" aria-current="page">Kế hoạch</a>' in signed_in
    assert re.findall(r'<a href="([^"?]*)', signed_in)[5:10] == ["/so-theo-doi/", "/tinh-hinh/", "/nhap-lieu/",
                                                                "/nhap-lieu/tai-len/", "/ke-hoach/"]
    english = nav.search(client.get("/don-vi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()).group(0)
    assert ">Data entry</a>" in english and ">Plans</a>" in english and ">Rankings</a>" in english
    assert ">Open data</a>" in english

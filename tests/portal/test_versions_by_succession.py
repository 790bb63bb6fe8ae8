"""Issue 14 item 8: switching the hierarchy version carries a unit over by the successions, never by its
bare code. Code 20209 was phường Xuân Hà in 2024 and is phường Thanh Khê from 1/7/2025."""

from __future__ import annotations

import re

import pytest

from chiso.units import queries as units
from tests.portal.helpers import page_text, unit

pytestmark = pytest.mark.django_db

THANH_KHE_PAGE = "/chi-tieu/XHS-06/?v=2025-07&don-vi=20209"
TK_2024 = ["Phường Hòa Minh", "Phường Tam Thuận", "Phường Thanh Khê Tây", "Phường Thanh Khê Đông", "Phường Xuân Hà",
           "Phường Tân Chính", "Phường Chính Gián", "Phường Vĩnh Trung", "Phường Thạc Gián", "Phường Hòa Khê"]


def _choices(text: str) -> list[tuple[str, str]]:
    listed = text.split('<ul class="unit-list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', listed)


def test_counterparts_follow_the_successions_both_ways():
    thanh_khe = unit("2025-07", "20209")
    assert [u.name for u in units.counterparts(thanh_khe, unit("2024", "48").version)] == TK_2024
    assert [(u.code, u.name) for u in units.counterparts(unit("2024", "20209"), thanh_khe.version)] == [
        ("20209", "Phường Thanh Khê")]
    assert [(u.code, u.name) for u in units.counterparts(unit("2024", "20221"), unit("2025-01", "48").version)] == [
        ("20218", "Phường Thạc Gián")]


def test_thanh_khe_switched_to_2024_offers_its_predecessors_never_xuan_ha_alone(client):
    response = client.get("/phien-ban/", {"v": "2024", "next": THANH_KHE_PAGE})
    assert response.status_code == 200  # a choice, not a redirect to ?v=2024&don-vi=20209 (Xuân Hà)
    text = page_text(client, "/phien-ban/?v=2024&next=/chi-tieu/XHS-06/%3Fv%3D2025-07%26don-vi%3D20209")
    assert "Phường Thanh Khê (danh mục 2025-07) tương ứng với các đơn vị sau ở danh mục 2024:" in text
    choices = _choices(text)
    assert [name for _, name in choices] == TK_2024
    assert ("/chi-tieu/XHS-06/?v=2024&don-vi=20209", "Phường Xuân Hà") in choices
    assert ("/chi-tieu/XHS-06/?v=2024&don-vi=20221", "Phường Thạc Gián") in choices
    assert '<a href="/chi-tieu/XHS-06/?v=2024">Xem toàn thành phố theo danh mục 2024</a>' in text
    assert f'<a href="{THANH_KHE_PAGE}">Quay lại Phường Thanh Khê</a>' in text


def test_thanh_khe_switched_to_1_2025_offers_the_five_wards_it_was_made_of(client):
    text = page_text(client, "/phien-ban/?v=2025-01&next=/chi-tieu/XHS-06/%3Fdon-vi%3D20209")
    assert _choices(text) == [(f"/chi-tieu/XHS-06/?v=2025-01&don-vi={code}", name) for code, name in [
        ("20206", "Phường Thanh Khê Tây"), ("20207", "Phường Thanh Khê Đông"), ("20209", "Phường Xuân Hà"),
        ("20215", "Phường Chính Gián"), ("20218", "Phường Thạc Gián")]]


def test_a_ward_of_2024_switched_forward_lands_on_the_unit_it_became(client):
    page = "/chi-tieu/XHS-06/?v=2024&don-vi=20221"  # phường Thạc Gián, 2024
    assert client.get("/phien-ban/", {"v": "2025-01", "next": page}).url == "/chi-tieu/XHS-06/?v=2025-01&don-vi=20218"
    assert client.get("/phien-ban/", {"v": "2025-07", "next": page}).url == "/chi-tieu/XHS-06/?v=2025-07&don-vi=20209"
    download = "/chi-tieu/XHS-06/tai-ve.csv?v=2024&don-vi=20221"
    assert client.get("/phien-ban/", {"v": "2025-01", "next": download}).url == (
        "/chi-tieu/XHS-06/tai-ve.csv?v=2025-01&don-vi=20218")


def test_xuan_ha_of_2024_is_carried_into_thanh_khe_not_kept_by_its_code(client):
    # same code, different unit: the redirect is to the unit Xuân Hà merged into, found by succession
    url = client.get("/phien-ban/", {"v": "2025-07", "next": "/chi-tieu/XHS-06/?v=2024&don-vi=20209"}).url
    assert url == "/chi-tieu/XHS-06/?v=2025-07&don-vi=20209"
    assert units.counterparts(unit("2024", "20209"), unit("2025-07", "48").version)[0].pk == unit("2025-07", "20209").pk


def test_the_unit_page_switch_still_lists_choices_and_links_unit_pages(client):
    text = page_text(client, "/phien-ban/?v=2024&next=/don-vi/2025-07/20209/")
    assert ("/don-vi/2024/20209/", "Phường Xuân Hà") in _choices(text)
    assert '<a href="/don-vi/2025-07/20209/">Quay lại Phường Thanh Khê</a>' in text


def test_a_page_without_a_unit_just_changes_version(client):
    assert client.get("/phien-ban/", {"v": "2024", "next": "/chi-tieu/XHS-06/?v=2025-07"}).url == (
        "/chi-tieu/XHS-06/?v=2024")


def test_the_unit_tree_opened_on_a_unit_opens_on_its_counterpart(client):
    assert client.get("/phien-ban/", {"v": "2025-07", "next": "/don-vi/?v=2024&open=20221"}).url == (
        "/don-vi/?open=20209&v=2025-07")  # Thạc Gián (2024) is part of today's Thanh Khê
    # today's Thanh Khê came from wards of two 2024 districts (Hòa Minh was in Liên Chiểu): the city holds them
    assert client.get("/phien-ban/", {"v": "2024", "next": "/don-vi/?v=2025-07&open=20209"}).url == (
        "/don-vi/?open=48&v=2024")
    assert client.get("/phien-ban/", {"v": "2024", "next": "/don-vi/?v=2025-07&open=99999"}).url == "/don-vi/?v=2024"

"""The plan page: who sees it, who writes through it, what it shows (checks, minimums, history)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.indicators.models import Indicator
from chiso.plans.actions import do_assign_minimum
from chiso.plans.models import Target, TargetHistory, TargetScope
from tests.conftest import unit

pytestmark = pytest.mark.django_db

THAC_GIAN = "/ke-hoach/2024/20221/2024/"
TAN_CHINH = "/ke-hoach/2024/20212/2024/"
THANH_KHE = "/ke-hoach/2024/491/2024/"


def _post(client, url, headers=None, **data):  # type: ignore[no-untyped-def]
    return client.post(url, {"indicator": "CQS-03", "value": "80", "target_date": "", "reason": "", **data},
                       headers=headers or {})


def test_it_needs_a_login(client):
    response = client.get(THAC_GIAN)
    assert (response.status_code, response["Location"]) == (302, f"/nhap-lieu/dang-nhap/?next={THAC_GIAN}")


def test_it_is_a_404_to_a_ward_officer_of_another_ward(client, officer_tan_chinh):
    client.force_login(officer_tan_chinh)
    assert client.get(THAC_GIAN).status_code == 404
    assert _post(client, THAC_GIAN + "chi-tieu/").status_code == 404
    assert not Target.objects.filter(plan__unit=unit("2024", "20221")).exists()


def test_cam_les_published_plan_is_flagged(client, city_admin):
    client.force_login(city_admin)
    html = client.get("/ke-hoach/2024/495/2024/").content.decode()
    assert "Kế hoạch chuyển đổi số năm 2024" in html and "Quận Cẩm Lệ" in html
    assert "<li>Trụ cột KTS được ghi 2 lần trong văn bản (12 và 3 chỉ tiêu).</li>" in html
    assert "Văn bản ghi: 23 chỉ tiêu (12 KTS + 3 KTS + 8 XHS)" in html


def test_a_ward_officer_sets_its_target_through_the_page(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    response = _post(client, THAC_GIAN + "chi-tieu/", value="82,5", reason="KH 12/KH-UBND", revision="")
    assert (response.status_code, response["Location"]) == (302, THAC_GIAN)
    target = Target.objects.get(plan__unit=unit("2024", "20221"), indicator__code="CQS-03")
    assert (target.value, target.history.get().reason, target.history.get().channel) == (
        Decimal("82.5"), "KH 12/KH-UBND", "web")
    html = client.get(THAC_GIAN).content.decode()
    assert "Đã lưu: chỉ tiêu CQS-03 = 82,5%, thời hạn 31/12/2024." in html
    assert '<span class="value">82,5%</span>' in html and "KH 12/KH-UBND" in html


def test_htmx_gets_the_plan_part_back(client, city_admin):
    client.force_login(city_admin)
    response = _post(client, THAC_GIAN + "chi-tieu/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="ke-hoach"')
    assert "Đã lưu: chỉ tiêu CQS-03 = 80%" in html and "<html" not in html


def test_refused_forbidden_another_wards_target(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    assert client.get(TAN_CHINH).status_code == 404
    assert _post(client, TAN_CHINH + "chi-tieu/").status_code == 404  # outside its scope: as if it did not exist
    assert _post(client, THANH_KHE + "chi-tieu/").status_code == 404
    assert not Target.objects.filter(plan__unit__code__in=["20212", "491"], indicator__code="CQS-03").exists()


def test_refused_forbidden_a_ward_officer_assigning_minimums(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    assert _post(client, THANH_KHE + "muc-toi-thieu/").status_code == 404  # its own minimum is the district's
    response = _post(client, THAC_GIAN + "muc-toi-thieu/")  # the minimums of its residential groups
    assert response.status_code == 403
    assert "Bạn không có quyền giao mức tối thiểu cho các đơn vị trực thuộc Phường Thạc Gián" in \
        response.content.decode()
    assert not Target.objects.filter(scope=TargetScope.CHILDREN_MINIMUM, plan__year=2024,
                                     indicator__code="CQS-03").exists()
    assert "Giao mức tối thiểu</summary>" not in client.get(THAC_GIAN).content.decode()


def test_refused_forbidden_a_viewer_cannot_write(client, viewer):
    client.force_login(viewer)
    html = client.get(THAC_GIAN).content.decode()
    assert "Bạn chỉ được xem kế hoạch này." in html and "Thêm chỉ tiêu" not in html
    assert _post(client, THAC_GIAN + "chi-tieu/").status_code == 403
    assert _post(client, THANH_KHE + "muc-toi-thieu/").status_code == 403
    assert not TargetHistory.objects.exclude(channel="demo").exists()


def test_refused_values_keep_what_was_typed(client, city_admin):
    client.force_login(city_admin)
    response = _post(client, THAC_GIAN + "chi-tieu/", value="1.5")
    html = response.content.decode()
    assert response.status_code == 400 and "Giá trị mục tiêu: Số không hợp lệ: &#x27;1.5&#x27;" in html
    response = _post(client, THAC_GIAN + "chi-tieu/", value="120")
    assert response.status_code == 400
    assert "tỷ lệ phải từ 0 đến 100 (%), nhận được 120." in response.content.decode()
    assert 'value="120"' in response.content.decode()


def test_a_conflict_is_a_409_naming_the_change(client, city_admin):
    client.force_login(city_admin)
    _post(client, THAC_GIAN + "chi-tieu/", value="80", revision="0")
    _post(client, THAC_GIAN + "chi-tieu/", value="81", revision="1")
    response = _post(client, THAC_GIAN + "chi-tieu/", value="85", revision="1")
    assert response.status_code == 409
    assert "người khác đã sửa sau khi bạn xem (lần sửa 1, nay là 2)" in response.content.decode()


def test_minimums_show_below_and_above(client, city_admin, officer_thac_gian):
    cqs03 = Indicator.objects.get(code="CQS-03")
    do_assign_minimum(unit("2024", "491"), 2024, cqs03, Decimal("65"), acting_user=city_admin)
    client.force_login(city_admin)
    _post(client, THAC_GIAN + "chi-tieu/", value="70")
    html = client.get(THANH_KHE).content.decode()
    assert "Mức tối thiểu giao cho 10 đơn vị trực thuộc" in html
    assert "1/10 đơn vị đã đặt chỉ tiêu đạt mức" in html and "9 đơn vị chưa đạt" in html
    client.force_login(officer_thac_gian)
    html = client.get(THAC_GIAN).content.decode()
    assert "Tối thiểu 65% <span class=\"meta\">do Quận Thanh Khê giao</span>" in html
    response = _post(client, THAC_GIAN + "chi-tieu/", value="60", revision="1")
    assert response.status_code == 400
    assert "60% thấp hơn mức tối thiểu 65% do Quận Thanh Khê giao. Hãy đặt ít nhất 65%." in response.content.decode()


def test_the_start_page_lists_the_users_units(client, officer_thac_gian):
    client.force_login(officer_thac_gian)
    html = client.get("/ke-hoach/?v=2024").content.decode()
    assert f'href="{THAC_GIAN}"' in html and "/ke-hoach/2024/20212/" not in html


def test_a_minimum_without_a_target_is_a_check(client, city_admin):
    do_assign_minimum(unit("2024", "491"), 2024, Indicator.objects.get(code="XHS-01"), Decimal("80"),
                      acting_user=city_admin)
    client.force_login(city_admin)
    _post(client, THAC_GIAN + "chi-tieu/", value="70", target_date="30/9/2024")
    target = Target.objects.get(plan__unit=unit("2024", "20221"), indicator__code="CQS-03")
    assert target.target_date.isoformat() == "2024-09-30"
    html = client.get(THAC_GIAN).content.decode()
    assert ("<li>Chỉ tiêu XHS-01: Quận Thanh Khê giao mức tối thiểu 80 nhưng kế hoạch chưa đặt chỉ tiêu "
            "này.</li>") in html
    response = _post(client, THAC_GIAN + "chi-tieu/", value="70", target_date="31/13/2024")
    assert response.status_code == 400
    assert "Thời hạn &#x27;31/13/2024&#x27; không phải ngày: ghi ngày/tháng/năm, ví dụ 31/12/2024." in \
        response.content.decode()

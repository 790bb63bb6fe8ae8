"""«Tình hình đơn vị» (analytics.situation, portal/views/situation.py): the targets that will be missed in their
exact order with their forecasts in words, the units below that lag, what changed since last month, the reports
waiting for whom, the what-if boxes; who reads which figures; where a user lands after login.

The world is tests/portal/situation_world.py: Thành phố Hà Nội (2025-07) and three of its wards, six published
months on straight lines ending at the month the portal reads, 2026 targets six months later."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import RoleAssignment
from chiso.analytics import situation
from chiso.collection.models import Form, Submission
from chiso.collection.workflow import do_transition
from chiso.indicators.models import DataElement
from chiso.portal import queries
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from tests.conftest import _user
from tests.conftest import unit as unit_2024
from tests.portal import situation_world as world
from tests.portal.helpers import unit

pytestmark = pytest.mark.django_db

PAGE = "/tinh-hinh/2025-07/01/"


@pytest.fixture
def hanoi():
    month, deadline, targets = world.build()
    return unit(*world.HANOI), month, deadline, targets


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _risk_lines(text: str) -> list[str]:
    """The at-risk list as lines: "CODE · unit | sentence", in page order."""
    items = re.findall(r'<li class="at-risk-item.*?</li>', text, re.S)
    lines = []
    for item in items:
        title = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(r'<p class="at-risk-title">(.*?)</p>', item,
                                                                       re.S).group(1))).strip()
        sentence = re.search(r'<strong class="at-risk-sentence">(.*?)</strong>', item).group(1)
        lines.append(f"{title} | {sentence}")
    return lines


def test_the_targets_that_will_be_missed_come_furthest_behind_first(hanoi):
    city, month, deadline, _ = hanoi
    judged = situation.judged_under(city, 2026, month, queries.figures)
    assert len(judged) == 5
    risks = situation.at_risk(judged)
    assert [(r.unit.code, r.target.indicator.code, r.share, round(r.expected, 6), round(r.missing, 6))
            for r in risks] == [
        ("01", "XHS-06", 52.5, 2100.0, 1900.0),
        ("00004", "XHS-06", 70.0, 2100.0, 900.0),
        ("00004", "XHS-01", 85.0, 51.0, 9.0),
        ("00008", "XHS-01", 90.0, 72.0, 8.0),
    ]  # Giảng Võ's XHS-01 (forecast 81 for 80) is met, so not listed
    day = deadline.strftime("%d/%m/%Y")
    assert [r.sentence() for r in risks] == [
        f"dự kiến đạt 2.100 vào {day}, thiếu 1.900",
        f"dự kiến đạt 2.100 vào {day}, thiếu 900",
        f"dự kiến đạt 51% vào {day}, thiếu 9 điểm %",
        f"dự kiến đạt 72% vào {day}, thiếu 8 điểm %",
    ]
    assert risks[2].sentence("en") == f"expected to reach 51% by {day}, 9 points short"


def test_the_units_below_that_lag_and_the_pace_they_miss(hanoi):
    city, month, _, _ = hanoi
    risks = situation.at_risk(situation.judged_under(city, 2026, month, queries.figures))
    lagging = situation.lagging_children(city, risks)
    assert [(c.unit.code, len(c.items), c.worst.target.indicator.code) for c in lagging] == [
        ("00004", 2, "XHS-06"), ("00008", 1, "XHS-01")]
    gaps = situation.pace_gaps(city, risks, queries.figures)
    assert [g.risk.target.indicator.code for g in gaps] == ["XHS-06"]
    assert [(s.unit.name, s.unit.pace, round(s.needed, 2), round(s.change, 2)) for s in gaps[0].split.behind] == [
        ("Phường Ba Đình", 100.0, 416.67, 316.67)]  # (4.000 − 1.500) / 6 months, all of it Ba Đình's


def test_the_page_lists_them_in_that_order_with_what_changed_and_the_what_if(client, hanoi):
    _, month, deadline, targets = hanoi
    text = _text(client.get(PAGE))
    day = deadline.strftime("%d/%m/%Y")
    assert _risk_lines(text) == [
        f"XHS-06 Số tài khoản định danh điện tử đã kích hoạt | dự kiến đạt 2.100 vào {day}, thiếu 1.900",
        f"XHS-06 Số tài khoản định danh điện tử đã kích hoạt · Phường Ba Đình | dự kiến đạt 2.100 vào {day}, thiếu 900",
        f"XHS-01 Tỷ lệ dân số trưởng thành có điện thoại thông minh · Phường Ba Đình | dự kiến đạt 51% vào {day}, "
        "thiếu 9 điểm %",
        f"XHS-01 Tỷ lệ dân số trưởng thành có điện thoại thông minh · Phường Ngọc Hà | dự kiến đạt 72% vào {day}, "
        "thiếu 8 điểm %",
    ]
    assert "Chỉ tiêu có nguy cơ không đạt: 4" in text
    assert f"Thay đổi so với tháng {month.previous().start.month}/{month.previous().year}" in text
    assert "1.400 → <strong>1.500</strong>" in text and "58,0% → <strong>60,0%</strong>" in text
    assert "để đạt 4.000, 1/1 đơn vị trực thuộc phải tăng tốc" in text
    for key in (("01", "XHS-06"), ("00004", "XHS-06"), ("00004", "XHS-01"), ("00008", "XHS-01")):
        assert f'id="kich-ban-{targets[key].id}"' in text  # a what-if box for each target at risk
    assert f'id="kich-ban-{targets[("00025", "XHS-01")].id}"' not in text
    assert "Việc đang chờ ai" not in text  # anonymous: the report workflow is not public
    assert "Chỉ tính số liệu đã công bố" in text


def test_a_scenario_run_from_the_page_moves_the_date(client, hanoi):
    city, month, deadline, targets = hanoi
    target = targets[("00004", "XHS-01")]
    url = f"/don-vi/2025-07/00004/kich-ban/{target.id}/"
    trend = _text(client.get(url, {"toc-do": "1"}, HTTP_HX_REQUEST="true"))
    faster = _text(client.get(url, {"toc-do": "3"}, HTTP_HX_REQUEST="true"))
    due = f"tháng {deadline.month}/{deadline.year}"
    assert f"Đạt 60 vào tháng {world.later(month, 15).start.month}/{world.later(month, 15).year}, sau hạn {due}." \
        in trend
    assert f"Đạt 60 vào tháng {world.later(month, 5).start.month}/{world.later(month, 5).year}, trước hạn {due}." \
        in faster


def test_english_when_chosen(client, hanoi):
    _, _, deadline, _ = hanoi
    client.cookies["django_language"] = "en"
    text = _text(client.get(PAGE))
    assert "Targets at risk of being missed: 4" in text
    assert f"expected to reach 51% by {deadline.strftime('%d/%m/%Y')}, 9 points short" in text
    assert "dự kiến" not in text


def _drafts_and_reports(hanoi) -> tuple[User, User, User]:
    """Ngọc Hà's last month reopened and redrawn as a draft (70 instead of 60), waiting for Ngọc Hà; Giảng Võ's
    last month reopened and submitted again, waiting for Hà Nội's approval. Returns the officers of Ngọc Hà and
    Ba Đình and a viewer of Hà Nội."""
    city, month, _, _ = hanoi
    planner = User.objects.get(username="t_ke_hoach_ha_noi")
    officers = {code: _user(f"t_officer_{code}", "reporter", unit("2025-07", code)) for code in world.WARDS}
    form = Form.objects.get(code="TEST-PORTAL")
    for code in ("00008", "00025"):
        report = Submission.objects.get(form=form, unit=unit("2025-07", code), period=str(month))
        do_transition(report, "reopen", acting_user=planner, reason="Số liệu tháng này cần rà lại")
    do_set_values([ValueEntry(data_element=DataElement.objects.get(code="XHS-01"), unit=unit("2025-07", "00008"),
                              period=month, value=Decimal("70"))], acting_user=officers["00008"], channel=Channel.WEB)
    report = Submission.objects.get(form=form, unit=unit("2025-07", "00025"), period=str(month))
    do_transition(report, "submit", acting_user=officers["00025"])
    viewer = _user("t_viewer_ha_noi", "viewer", city)
    return officers["00008"], officers["00004"], viewer


def test_a_viewer_and_the_public_see_published_figures_only(client, hanoi):
    _, _, _, _ = hanoi
    ngoc_ha, _, viewer = _drafts_and_reports(hanoi)
    for reader in (None, viewer):
        if reader is not None:
            client.force_login(reader)
        text = _text(client.get(PAGE))
        assert "70,0%" not in text  # Ngọc Hà's draft
        assert "thiếu 8 điểm %" in text  # Ngọc Hà still forecast at 72% from its published months
    client.force_login(ngoc_ha)
    own = _text(client.get(PAGE))
    assert "<strong>70,0%</strong>" in own  # its own draft, in what changed since last month
    assert "Gồm cả số liệu chưa công bố" in own
    assert "thiếu 8 điểm %" not in own  # with the draft Ngọc Hà's trend reaches 80: no longer at risk
    assert "Chỉ tiêu có nguy cơ không đạt: 3" in own


def test_a_ward_officer_cannot_read_another_wards_drafts_or_reports(client, hanoi):
    _, ba_dinh_officer = _drafts_and_reports(hanoi)[:2]
    client.force_login(ba_dinh_officer)
    text = _text(client.get("/tinh-hinh/2025-07/00008/"))
    assert "70,0%" not in text and "thiếu 8 điểm %" in text
    assert "Việc đang chờ ai" not in text and "cần rà lại" not in text


def test_the_reports_waiting_are_grouped_by_who_must_act(client, hanoi):
    _, _, viewer = _drafts_and_reports(hanoi)
    client.force_login(viewer)
    text = _text(client.get(PAGE))
    section = text[text.index("Việc đang chờ ai"):]
    assert re.findall(r'<h3 class="waiting-who">(.*?)</h3>', section) == [
        "Chờ Thành phố Hà Nội phê duyệt: 1 báo cáo đã gửi",
        "Chờ Phường Ngọc Hà sửa và gửi lại: 1 báo cáo bị trả lại",
    ]
    assert "lý do trả lại: Số liệu tháng này cần rà lại" in section
    assert "<li>Biểu mẫu thử · Phường Giảng Võ · " in section  # the form's name, not its code


def test_thac_gian_cannot_open_tan_chinhs_reports(client, officer_thac_gian, officer_tan_chinh):
    page = "/tinh-hinh/2024/20212/"
    client.force_login(officer_thac_gian)
    assert "Việc đang chờ ai" not in _text(client.get(page))
    assert situation.waiting(unit_2024("2024", "20212"), officer_thac_gian) is None
    assert situation.figures_for(officer_thac_gian, queries.figures) is not queries.figures
    client.force_login(officer_tan_chinh)
    assert "Việc đang chờ ai" in _text(client.get(page))


def test_an_unknown_unit_or_year_is_404(client):
    assert client.get("/tinh-hinh/2025-07/khong-co/").status_code == 404
    assert client.get(PAGE + "?nam=abc").status_code == 404


# -- where a user lands -----------------------------------------------------------------------------------

def _login(client, username: str):
    return client.post("/nhap-lieu/dang-nhap/", {"username": username, "password": "pw-for-tests"})


def test_a_viewer_lands_on_the_situation_of_their_unit(client, viewer):
    response = _login(client, "t_viewer")
    assert (response.status_code, response["Location"]) == (302, "/tinh-hinh/")
    assert client.get("/tinh-hinh/")["Location"] == "/tinh-hinh/2024/48/"
    text = _text(client.get("/tinh-hinh/2024/48/"))
    assert "<h1>Tình hình đơn vị: Thành phố Đà Nẵng</h1>" in text
    assert 'href="/tinh-hinh/" aria-current="page">Tình hình đơn vị</a>' in text  # the header link


def test_an_officer_still_lands_on_the_entry_pages_and_next_wins(client, officer_thac_gian):
    assert _login(client, "t_officer_thac_gian")["Location"] == "/nhap-lieu/"
    client.logout()
    response = client.post("/nhap-lieu/dang-nhap/?next=/chi-tieu/", {"username": "t_officer_thac_gian",
                                                                      "password": "pw-for-tests"})
    assert response["Location"] == "/chi-tieu/"


def test_several_units_get_a_chooser_and_no_role_gets_the_city(client):
    several = _user("t_two_units", "viewer", unit_2024("2024", "20221"))
    RoleAssignment.objects.create(user=several, role="viewer", unit=unit_2024("2024", "20212"))
    client.force_login(several)
    text = _text(client.get("/tinh-hinh/"))
    assert re.findall(r'<li><a href="(/tinh-hinh/[^"]+)">', text) == [
        "/tinh-hinh/2024/20212/", "/tinh-hinh/2024/20221/"]
    client.force_login(_user("t_no_role"))
    assert client.get("/tinh-hinh/")["Location"] == "/tinh-hinh/2025-07/48/"
    client.logout()
    assert client.get("/tinh-hinh/")["Location"] == "/tinh-hinh/2025-07/48/"
    assert "Tình hình đơn vị</a>" not in _text(client.get("/chi-tieu/"))  # the header link is for signed-in users


def test_a_city_target_lists_the_ten_units_that_must_speed_up_most():
    from chiso.analytics.scenarios import UnitsSplit
    from chiso.engine.scenarios import UnitPace, UnitShare

    shares = [UnitShare(UnitPace(f"P{i:02d}", 50.0, round(0.1 * i, 1), 1.0), 1.0, 2.0) for i in range(13)]
    shares.append(UnitShare(UnitPace("Nhanh", 50.0, 3.0, 1.0), 1.0, 2.0))  # already faster than asked
    gap = situation.PaceGap(None, UnitsSplit(60.0, shares, {}, True))  # type: ignore[arg-type]
    assert [(s.unit.name, round(s.change, 1)) for s in gap.furthest] == [
        (f"P{i:02d}", round(2.0 - 0.1 * i, 1)) for i in range(10)]
    assert gap.others == 3

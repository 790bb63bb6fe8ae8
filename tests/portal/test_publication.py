"""Public pages keep the last complete month (issue 14, item 4).

On the demo (approved up to 10/2025, 11/2025 submitted, 12/2025 a draft), approving phường Thanh Khê's
12/2025 report alone must not move the city overview to 12/2025 nor publish a city figure made of 1
of the 93 units that must report; the pages say what is missing. At threshold 0 % the month moves and
the partial figure says "1/93 đơn vị đã báo cáo"; approving every unit moves it with no such note.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import RoleAssignment
from chiso.portal.queries import clear_memo, latest_month
from chiso.units.models import Unit
from tests.analytics.test_completeness import approve, approve_all, set_threshold
from tests.portal.helpers import page_text

PENDING = "Tháng 12/2025 chưa công bố: 1/93 đơn vị đã báo cáo."
PARTIAL = "1/93 đơn vị đã báo cáo"


@pytest.fixture
def admin_now(db) -> User:
    user = User.objects.create_user("t_city_admin_now")
    city = Unit.objects.get(version__name="2025-07", code="48")
    RoleAssignment.objects.create(user=user, role="admin", unit=city)
    return user


@pytest.fixture
def thanh_khe_approved(admin_now) -> None:
    ward = Unit.objects.select_related("version").get(version__name="2025-07", code="20209")
    approve(ward, "2025-12", admin_now)


@pytest.fixture(autouse=True)
def fresh_memo():
    clear_memo()  # a threshold change is not in the data stamp (seen within MEMO_SECONDS)
    yield
    clear_memo()


@pytest.mark.demo
def test_the_overview_reads_at_october_on_the_demo(client, db):
    text = page_text(client, "/")
    assert "Số liệu đến tháng 10/2025" in text
    assert "chưa công bố" not in text  # nothing approved after October yet


@pytest.mark.demo
def test_approving_one_ward_does_not_move_the_city_overview(client, thanh_khe_approved):
    assert str(latest_month()) == "2025-10"
    text = page_text(client, "/")
    assert "Số liệu đến tháng 10/2025" in text
    assert [p for p in re.findall(r'class="card-period">([^<]*)<', text) if "12/2025" in p] == []
    assert PENDING in text


@pytest.mark.demo
def test_the_city_unit_and_indicator_pages_say_what_is_missing(client, thanh_khe_approved):
    unit_page = page_text(client, "/don-vi/2025-07/48/")
    assert "Số liệu đến tháng 10/2025." in unit_page and PENDING in unit_page
    indicator = page_text(client, "/chi-tieu/CQS-03/")
    assert "số liệu đến tháng 10/2025" in indicator and PENDING in indicator
    assert "chưa công bố: 0/93 đơn vị đã báo cáo tháng 11/2025" in indicator  # the year 2025 row


@pytest.mark.demo
def test_the_ward_that_reported_shows_no_missing_units(client, thanh_khe_approved):
    text = page_text(client, "/don-vi/2025-07/20209/")
    assert "đơn vị đã báo cáo" not in text


@pytest.mark.demo
def test_at_threshold_zero_the_month_moves_and_the_partial_figure_says_so(client, thanh_khe_approved):
    set_threshold("0")
    assert str(latest_month()) == "2025-12"
    overview = page_text(client, "/")
    assert "Số liệu đến tháng 12/2025" in overview
    assert re.search(f'<span class="badge badge-partial" title="[^"]*">{PARTIAL}</span>', overview)
    indicator = page_text(client, "/chi-tieu/CQS-03/")
    assert "số liệu đến tháng 12/2025" in indicator
    december = re.search(r'<tr><td>12/2025</td><td class="num">([^<]*)</td><td>(.*?)</td></tr>', indicator)
    assert december is not None and december.group(1) == "85,6%", december and december.group(0)
    assert PARTIAL in december.group(2)
    assert PARTIAL in page_text(client, "/don-vi/2025-07/48/")


def test_approving_every_unit_moves_the_month_with_no_partial_note(client, admin_now):
    approve_all("2025-11", admin_now)
    approve_all("2025-12", admin_now)
    text = page_text(client, "/")
    assert "Số liệu đến tháng 12/2025" in text
    assert "đơn vị đã báo cáo" not in text


@pytest.mark.demo
def test_the_public_api_withholds_the_partial_city_total(client, thanh_khe_approved):
    rows = client.get("/api/v1/analytics/values", {"data": "CQS-03", "units": "48,20209",
                                                   "periods": "2025-12"}).json()["rows"]
    city, ward = rows
    assert city["value"] is None
    assert "Chưa công bố: 1/93 đơn vị đã báo cáo (BC-CDS-THANG-XA, kỳ 2025-12; cần ít nhất 100%)." in (
        city["notes"])
    assert ward["value"] == 85.6


def test_the_threshold_is_edited_in_the_admin(client, db):
    staff = User.objects.create_superuser("t_super", password="pw-for-tests")
    client.force_login(staff)
    text = client.get("/admin/collection/form/").content.decode()
    assert 'name="form-0-completeness_threshold"' in text


@pytest.mark.demo
def test_the_english_page_says_it_in_english(client, thanh_khe_approved):
    text = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "12/2025 not yet published: 1/93 units reported." in text

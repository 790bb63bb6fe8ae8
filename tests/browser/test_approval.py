"""The approval matrix in Debian's Chromium: quận Thanh Khê's approver (the demo's ``pheduyet``) opens
/nhap-lieu/duyet/, filters to the district, ticks three of the six tổ dân phố reports of 12/2024 the demo
leaves waiting, approves them at once, and the matrix shows them approved; the review page of a fourth opens
on its checks with the buttons on top. The same pages at 360 px do not scroll sideways.

Fails on any console error, page error, failed request or HTTP status >= 400; screenshots at 1280 and 360 px
go to ``test-artifacts/``.
"""

from __future__ import annotations

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_journeys import _axe  # noqa: E402
from tests.browser.test_ranking import _login  # noqa: E402
from tests.browser.test_smoke import Problems, _page, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]
MATRIX = "/nhap-lieu/duyet/"


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The whole demo (its users), built again if an earlier live-server test emptied the database."""
    with django_db_blocker.unblock():
        ensure_whole_demo()


def test_the_district_approver_filters_and_approves_three_reports(live_server, browser):  # noqa: F811
    from chiso.collection.models import Submission

    base, problems, findings = live_server.url, Problems(), {}
    page = _page(browser, problems, 1280)
    _login(page, base, "pheduyet", MATRIX)
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Duyệt báo cáo")
    expect(page.locator(".lead")).to_contain_text("Chờ bạn duyệt: 6 báo cáo")

    page.get_by_label("Quận, huyện").select_option(label="Quận Thanh Khê")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(base + MATRIX + "?phien_ban=2024&bieu_mau=BC-THANG-TDP&quan=491&nhom=&ky=2024-12"
                                            "&so_ky=6&trang_thai=")
    matrix = page.locator("table.approval-matrix")
    expect(matrix.locator("tbody tr")).to_have_count(6)
    expect(page.locator(".approval-counts li", has_text="Chờ duyệt")).to_contain_text("6")
    _shot(page, "approval-matrix-1280")

    for name in ("Tổ dân phố 1 (Tân Chính)", "Tổ dân phố 2 (Tân Chính)", "Tổ dân phố 3 (Tân Chính)"):
        matrix.locator("tr", has=page.get_by_role("rowheader", name=name)).get_by_label("Chọn").check()
    page.get_by_role("button", name="Duyệt các báo cáo đã chọn").click()
    page.wait_for_load_state("load")
    expect(page.locator(".entry-messages")).to_contain_text("Đã duyệt 3 báo cáo: Tổ dân phố 1 (Tân Chính)")
    expect(page.locator(".approval-counts li", has_text="Chờ duyệt")).to_contain_text("3")
    for name in ("Tổ dân phố 1 (Tân Chính)", "Tổ dân phố 2 (Tân Chính)", "Tổ dân phố 3 (Tân Chính)"):
        row = matrix.locator("tr", has=page.get_by_role("rowheader", name=name))
        expect(row.locator("td").first).to_contain_text("Đã duyệt")  # 12/2024, the newest column first
        expect(row.get_by_label("Chọn")).to_have_count(0)
    expect(matrix.locator("input[name=bao-cao]")).to_have_count(3)
    _shot(page, "approval-matrix-approved-1280")
    _axe(page, "approval-matrix", findings)
    assert sorted(Submission.objects.filter(form__code="BC-THANG-TDP", period="2024-12", status="approved",
                                            unit__version__name="2024").values_list("unit__code", flat=True)) == [
        "TDP-TC-01", "TDP-TC-02", "TDP-TC-03"]

    # The review page of one still waiting: the buttons first, then the checks, the rates, the figures.
    matrix.locator("tr", has=page.get_by_role("rowheader", name="Tổ dân phố 1 (Thạc Gián)")).get_by_role(
        "link", name="Chờ duyệt").click()
    expect(page).to_have_url(base + MATRIX + "2024/TDP-TG-01/BC-THANG-TDP/2024-12/")
    expect(page.get_by_role("button", name="Duyệt", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Kiểm tra quy tắc")).to_be_visible()
    page.wait_for_load_state("load")
    _shot(page, "approval-review-1280")
    _axe(page, "approval-review", findings)
    review_url = page.url

    # A ward's monthly report (approved already): the rates beside last month's, no button to press.
    page.goto(base + MATRIX + "2024/20221/BC-CDS-THANG-XA/2024-12/")
    rate = page.locator("tr", has=page.get_by_role("rowheader", name="Tỷ lệ thủ tục hành chính cung cấp dịch vụ "
                                                                     "công trực tuyến toàn trình"))
    expect(rate).to_contain_text("89 / 109")
    expect(rate).to_contain_text("81,7%")
    expect(page.get_by_role("button", name="Duyệt", exact=True)).to_have_count(0)
    _shot(page, "approval-review-rates-1280")
    page.close()

    _narrow_logged_in(browser, problems, base, base + MATRIX + "?quan=491", "approval-matrix")
    _narrow_logged_in(browser, problems, base, review_url, "approval-review")
    assert problems == []


def _narrow_logged_in(chromium, problems: Problems, base: str, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    narrow = _page(chromium, problems, 360)
    _login(narrow, base, "pheduyet", MATRIX)
    narrow.wait_for_load_state("load")  # the matrix's script loaded before leaving, not aborted
    narrow.goto(url)
    _shot(narrow, f"{name}-360")
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{url} scrolls sideways at 360 px ({width} px)"
    narrow.close()

"""Reading figures out of a report in Debian's Chromium: phường Thanh Khê's officer pastes a paragraph of three
figures for December 2025, accepts two, corrects one, saves, then sees them in the ward's entry grid and, on each
figure's history page, the sentence as its source (December 2025 is a draft: the public unit page shows only
published figures, the officer sees the draft in the grid).

The figures are read by the extraction reader itself (elements, the ward, the month, "hơn" as at least).
Run with the other browser tests: ``pytest -m browser tests/browser`` (a live-server test: marked
``empties_database``, it runs last; the demo is put back after it, tests/browser/conftest.py).
Fails on any console error, page error, failed request or HTTP status >= 400;
screenshots of the review page at 1280 and 360 px go to ``test-artifacts/``.
"""

from __future__ import annotations

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_smoke import Problems, _page, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]
GRID = "/nhap-lieu/2025-07/20209/BC-CDS-THANG-XA/2025-12/"  # phường Thanh Khê, December 2025: a draft in the demo
PARAGRAPH = ("Tính đến tháng 12/2025, phường Thanh Khê đã thu nhận 9.120 hồ sơ định danh điện tử và kích hoạt "
             "8.450 tài khoản định danh điện tử.\nTrong tháng 12/2025, Tổ công nghệ số cộng đồng của phường đã hướng "
             "dẫn hơn 1.200 lượt người dân.")
FIRST = ("Tính đến tháng 12/2025, phường Thanh Khê đã thu nhận 9.120 hồ sơ định danh điện tử và kích hoạt 8.450 "
         "tài khoản định danh điện tử.")
THIRD = "Trong tháng 12/2025, Tổ công nghệ số cộng đồng của phường đã hướng dẫn hơn 1.200 lượt người dân."
SOURCE = "Báo cáo số 98/BC-UBND"


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The whole demo (its officer thanhkhe), built again if an earlier live-server test emptied the database."""
    with django_db_blocker.unblock():
        ensure_whole_demo()


def test_an_officer_reads_a_paragraph_accepts_two_corrects_one_and_sees_them_with_their_sentence(
        live_server, browser):  # noqa: F811
    base, problems = live_server.url, Problems()
    page = _page(browser, problems, 1280)
    page.goto(base + "/doc-bao-cao/")
    expect(page).to_have_url(f"{base}/nhap-lieu/dang-nhap/?next=/doc-bao-cao/")
    page.get_by_label("Tên đăng nhập").fill("thanhkhe")
    page.get_by_label("Mật khẩu").fill("chiso-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đọc số liệu từ báo cáo")

    page.get_by_label("Tên, số văn bản (nguồn)").fill(SOURCE)
    page.get_by_label("Ngày văn bản").fill("2026-01-05")
    expect(page.get_by_label("Đơn vị chính của văn bản")).to_contain_text("Phường Thanh Khê (2025-07)")
    page.get_by_label("Nội dung").fill(PARAGRAPH)
    page.get_by_role("button", name="Đọc số liệu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Duyệt số liệu: {SOURCE}")
    expect(page.locator("#report-text mark")).to_have_text(["9.1201", "8.4502", "1.2003"])
    expect(page.locator("#hinh-3 .reading-value")).to_have_text("hơn 1.200")
    expect(page.locator("#hinh-2 dd code")).to_have_text("XHS-06")
    expect(page.locator("#hinh-3 dl")).to_contain_text("2025-12")
    _shot(page, "extraction-review-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    page.locator("#hinh-2 summary").click()  # the correction fields open, as on a phone
    _shot(page, "extraction-review-360")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the review page scrolls sideways at 360 px ({width} px)"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("#hinh-1").get_by_label("Nhận").check()
    page.locator("#hinh-2").get_by_label("Sửa").check()
    page.locator("#hinh-2").get_by_label("Giá trị").fill("8.500")
    page.locator("#hinh-3").get_by_label("Nhận").check()
    page.get_by_role("button", name="Ghi các số liệu đã nhận").click()

    expect(page.locator("#ket-qua [role=status]")).to_contain_text("Đã ghi 3 số liệu và 0 chỉ tiêu.")
    rows = page.locator("#ket-qua tr.stored-value")
    expect(rows).to_have_count(3)
    expect(page.locator("#report-text mark.is-accept")).to_have_count(3)
    _shot(page, "extraction-stored-1280")

    # The ward's December report (a draft): the officer sees the three figures in the grid ...
    page.goto(base + GRID)
    expect(page.locator('input.cell-input[name="v-XHS-05"]')).to_have_value("9.120")
    expect(page.locator('input.cell-input[name="v-XHS-06"]')).to_have_value("8.500")
    expect(page.locator('input.cell-input[name="v-XHS-14"]')).to_have_value("hơn 1.200")
    # ... and each one's history names the sentence as its source.
    page.go_back()
    for code, shown, sentence in [("XHS-05", "9.120", FIRST), ("XHS-06", "8.500", FIRST),
                                  ("XHS-14", "hơn 1.200", THIRD)]:
        page.locator("#ket-qua tr.stored-value", has=page.locator("code", has_text=code)).get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Lịch sử số liệu {code}")
        expect(page.locator("p", has_text="Hiện nay")).to_contain_text(
            f"Hiện nay: {shown} (lần sửa")
        expect(page.locator("p", has_text="Hiện nay")).to_contain_text(f"nguồn: {SOURCE} (05/01/2026): «{sentence}»")
        page.go_back()
    _shot(page, "extraction-history-1280")
    assert problems == []

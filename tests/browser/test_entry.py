"""Browser test of the entry grid: a ward officer types, pastes a column, sees a check fail, saves, submits.

Run it with the other browser tests, on their own: ``.venv/bin/python -m pytest -m browser tests/browser``.
The live server needs ``django_db(transaction=True)``, after which Django would empty the database;
tests/browser/conftest.py puts the demo back instead (on the in-memory SQLite test database; elsewhere this
module builds the demo again when an earlier browser test left it empty). Never run ``playwright install``:
the test drives /usr/bin/chromium.

A Vietnamese browser (locale vi-VN): the entry pages follow the browser's language like the portal.
Fails on any console error, uncaught page error, failed request or response of status 400 or more.
Screenshots (1280 and 360 px wide) go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from tests.browser.test_smoke import _left_behind  # noqa: E402
from tests.collection.test_entry_support import ENTRY_URLS  # noqa: E402
from tests.conftest import ensure_whole_demo  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
GRID = "/nhap-lieu/2025-07/20209/BC-CDS-THANG-XA/2025-12/"  # phường Thanh Khê, December 2025: a draft in the demo

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True), ENTRY_URLS]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The whole demo (built if the run started from the small world). Its test empties the database, so the
    module is marked ``empties_database`` and runs after every other test (tests/conftest.py)."""
    with django_db_blocker.unblock():
        ensure_whole_demo()


class Problems(list[str]):
    def watch(self, page: Page) -> Page:
        page.on("console", lambda m: self.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: None if _left_behind(r.url, r.failure) else self.append(
            f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        return page


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page: Page, base: str) -> None:
    page.goto(base + GRID)
    expect(page).to_have_url(f"{base}/nhap-lieu/dang-nhap/?next={GRID}")
    page.get_by_label("Tên đăng nhập").fill("thanhkhe")
    page.get_by_label("Mật khẩu").fill("chiso-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + GRID)


def cell(page: Page, code: str):
    return page.locator(f'input.cell-input[name="v-{code}"]')


def state(page: Page, code: str):
    return page.locator(f'tr[data-code="{code}"] .cell-state')


def paste(page: Page, code: str, text: str) -> None:
    """What the browser does when a column copied from Excel is pasted into a cell."""
    cell(page, code).focus()
    cell(page, code).evaluate("""(input, text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)


def test_a_ward_officer_fills_checks_saves_and_submits(live_server, browser: Browser):
    problems = Problems()
    page = problems.watch(browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900}))
    _login(page, live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "vi")  # Vietnamese only, whatever the browser asks
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo CĐS tháng — cấp phường, xã")
    expect(page.locator("#report-status")).to_have_text("Bản nháp")

    # Type a number, Tab goes to the cell below; Esc puts back what was there.
    cell(page, "XHS-14").fill("")
    cell(page, "XHS-14").press_sequentially("1.100")
    page.keyboard.press("Tab")
    expect(cell(page, "XHS-15.MS")).to_be_focused()
    expect(state(page, "XHS-14")).to_have_attribute("data-level", "changed")
    before = cell(page, "XHS-15.MS").input_value()
    page.keyboard.type("999")
    expect(cell(page, "XHS-15.MS")).to_have_value("999")  # moving into a cell selects its text
    page.keyboard.press("Escape")
    expect(cell(page, "XHS-15.MS")).to_have_value(before)
    page.keyboard.press("ArrowUp")
    expect(cell(page, "XHS-14")).to_be_focused()

    # Paste a column from a spreadsheet: it fills this cell and the ones below.
    paste(page, "XHS-05", "186.000\r\n188.000\r\n")
    expect(cell(page, "XHS-05")).to_have_value("186.000")
    expect(cell(page, "XHS-06")).to_have_value("188.000")
    # More accounts activated than applications received: the check fails as soon as it is typed.
    expect(state(page, "XHS-06")).to_have_attribute("data-level", "error")
    expect(state(page, "XHS-06").locator(".note-error")).to_have_text(
        "Số tài khoản định danh điện tử đã kích hoạt (188.000) không được lớn hơn Số hồ sơ định danh điện tử đã thu "
        "nhận (186.000).")
    expect(cell(page, "XHS-06")).to_have_attribute("aria-invalid", "true")
    expect(cell(page, "XHS-06")).to_have_css("background-color", "rgb(253, 236, 234)")  # red, not a changed cell's yellow
    expect(page.locator("#grid-checks")).to_contain_text("1 ô có lỗi (xem lời giải thích ở từng ô):")
    expect(page.locator("#dirty-count")).to_have_text("3 ô đã sửa, chưa lưu")
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_be_disabled()
    _shot(page, "entry-grid-error-1280")

    # A number that does not read is flagged too; then both are put right.
    cell(page, "XHS-06").fill("1.23")
    expect(state(page, "XHS-06")).to_contain_text("không phải số viết kiểu Việt Nam")
    cell(page, "XHS-06").fill("164.000")
    expect(state(page, "XHS-06")).to_have_attribute("data-level", "changed")
    expect(page.locator("#grid-checks")).to_contain_text("Không có lỗi hay cảnh báo.")

    page.get_by_label("Lý do sửa").fill("Số liệu tháng 12 của phường")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".entry-messages")).to_have_text("Đã lưu 3 số liệu.")
    expect(cell(page, "XHS-05")).to_have_value("186.000")
    expect(cell(page, "XHS-14")).to_have_value("1.100")

    # The cell's history: who changed it, old → new, the reason.
    page.locator('tr[data-code="XHS-14"] details.cell-history summary').click()
    history = page.locator('tr[data-code="XHS-14"] .history-body')
    expect(history).to_contain_text("thanhkhe")
    expect(history).to_contain_text("Số liệu tháng 12 của phường")

    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#confirm-submit")).to_contain_text("Gửi báo cáo Tháng 12/2025 của Phường Thanh Khê?")
    page.get_by_role("button", name="Xác nhận gửi").click()
    expect(page.locator(".entry-messages")).to_contain_text("Đã gửi báo cáo")
    expect(page.locator("#report-status")).to_have_text("Đã gửi")
    expect(page.locator("#lock-reason")).to_contain_text("Báo cáo đã gửi, đang chờ cấp trên duyệt")
    expect(cell(page, "XHS-05")).to_have_attribute("readonly", "")
    _shot(page, "entry-grid-submitted-1280")

    narrow = problems.watch(browser.new_page(locale="vi-VN", viewport={"width": 360, "height": 780}))
    _login(narrow, live_server.url)
    narrow.goto(live_server.url + "/nhap-lieu/")
    _shot(narrow, "entry-start-360")
    narrow.goto(live_server.url + GRID.replace("2025-12", "2026-01"))  # not started yet: a draft
    _shot(narrow, "entry-grid-360")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 360, "the page must not scroll sideways"
    # The plan page's start: the version shown is the one selected, and its long label does not widen the page.
    narrow.goto(live_server.url + "/ke-hoach/")
    expect(narrow.locator("#plan-version")).to_have_value("2025-07")
    _shot(narrow, "plan-start-360")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 360, "/ke-hoach/ scrolls sideways"

    assert problems == []

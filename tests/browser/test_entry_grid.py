"""Browser test of the grid laid out like the form: phường Thạc Gián's officer fills an empty month (77 cells)
by keyboard with one bad cell, saves with Ctrl+S: the other 76 are saved, the bad one stays red with its text and
one message; then the report is sent after the confirmation that sums it up. Desktop and 360 px, no console error.

Also counts the keys pressed and the clicks made (``KEYS`` below): the report gives the numbers.
Screenshots go to ``test-artifacts/`` (``CHISO_SHOTS`` overrides the folder).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.test_entry import Problems, cell, demo, state  # noqa: E402, F401
from tests.browser.test_entry import browser as browser  # noqa: E402 - the module's Chromium fixture
from tests.collection.test_entry_support import ENTRY_URLS  # noqa: E402

SHOTS = Path(os.environ.get("CHISO_SHOTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
GRID = "/nhap-lieu/2024/20221/BC-CDS-THANG-XA/2021-05/"  # Thạc Gián, May 2021: no figure, no report yet
BAD = "KTS-11.MS"  # Tổng số chợ: typed as -3, a count cannot be negative

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True), ENTRY_URLS]


class Counted:
    """The keys pressed and the clicks made on a page, counted as the officer would make them."""

    def __init__(self, page: Page):
        self.page, self.keys, self.clicks = page, 0, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1

    def click(self, locator) -> None:  # type: ignore[no-untyped-def]
        locator.click()
        self.clicks += 1


def _values() -> dict[str, str]:
    """A plausible figure for each cell: numerators 10, every other figure 20 or its usual minimum for a phường,
    so no rule is broken and no figure is out of its usual range."""
    from chiso.collection.models import FormElement
    from chiso.indicators.models import Indicator, SanityBound

    numerators = set(Indicator.objects.filter(numerator__isnull=False).values_list("numerator__code", flat=True))
    low = {b.data_element.code: b.low for b in SanityBound.objects.filter(unit_type="phuong").select_related(
        "data_element")}
    found = {}
    for code in FormElement.objects.filter(form__code="BC-CDS-THANG-XA").values_list("data_element__code", flat=True):
        found[code] = "10" if code in numerators else f"{max(Decimal(20), low.get(code) or 0):.0f}"
    return found


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Page, base: str) -> None:
    page.goto(base + GRID)
    page.get_by_label("Tên đăng nhập").fill("thacgian")
    page.get_by_label("Mật khẩu").fill("chiso-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + GRID)


def _checks_answered(page: Page, last: str) -> None:
    """Wait until the cells' checks (sent 350 ms after typing) have all answered, as an officer who glances at the
    cells before saving: on the test's in-memory SQLite a save racing a check can meet "table is locked". The check
    of the cell typed last has answered (its state has a level: every earlier cell's delay is over too), and no
    check is still in flight."""
    expect(state(page, last)).not_to_have_attribute("data-level", "")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_a_ward_officer_fills_a_month_saves_the_good_cells_and_submits(live_server, browser: Browser):
    from chiso.values.models import DataValue, DataValueHistory

    problems = Problems()
    page = problems.watch(browser.new_page(viewport={"width": 1280, "height": 900},
                                           extra_http_headers={"Accept-Language": "vi"}))
    _login(page, live_server.url)
    values = _values()
    assert len(values) == 77

    # Laid out like the form: pillars, then indicators with the denominator above the numerator.
    expect(page.locator("h2.section-title")).to_have_text([
        "Chính quyền số", "Kinh tế số", "Xã hội số"])
    rows = page.locator("tr.grid-row").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert rows.index("CQS-03.MS") + 1 == rows.index("CQS-03.TS")
    assert rows[:5] == ["TTHC", "HS", "HS-GQ", "CBCC", "CQS-01.TS"]  # shared denominators first, "Số liệu chung"

    counted = Counted(page)
    first = page.locator("input.cell-input").first
    counted.click(first)
    inputs = page.locator("input.cell-input").evaluate_all("cells => cells.map(c => c.dataset.code)")
    for code in inputs:
        counted.type("-3" if code == BAD else values[code])
        counted.press("Tab")
    rate = page.locator("output.rate-value[data-num='CQS-03.TS']")
    expect(rate).to_have_text("50,0%")  # 10 of 20, computed as typed
    expect(state(page, BAD)).to_have_attribute("data-level", "error")
    _checks_answered(page, inputs[-1])
    counted.press("Control+s")

    expect(page.locator(".entry-problems")).to_have_text(
        "Đã lưu 76 số liệu; 1 ô chưa lưu, tô đỏ bên dưới: sửa rồi lưu lại.")
    expect(cell(page, BAD)).to_have_value("-3")
    expect(cell(page, BAD)).to_have_attribute("aria-invalid", "true")
    expect(cell(page, BAD)).to_be_focused()  # the cursor is put in the red cell
    expect(state(page, BAD).locator(".note")).to_have_count(1)
    expect(state(page, BAD)).to_have_text("Số đếm không được âm.")
    expect(cell(page, "CQS-03.TS")).to_have_value("10")
    expect(page.locator("#report-status")).to_have_text("Bản nháp")
    stored = DataValue.objects.filter(unit__version__name="2024", unit__code="20221", period="2021-05")
    assert (stored.count(), stored.filter(data_element__code=BAD).exists()) == (76, False)
    assert DataValueHistory.objects.filter(data_value__in=stored).count() == 76
    _shot(page, "grid-partial-save-1280")

    # The officer puts the right number in the red cell and saves again: all 77 are stored.
    counted.press("Control+a")
    counted.type("20")
    expect(state(page, BAD)).to_have_attribute("data-level", "changed")  # its check has answered
    _checks_answered(page, BAD)
    counted.press("Control+s")
    expect(page.locator(".entry-messages")).to_have_text("Đã lưu 1 số liệu.")
    assert stored.count() == 77

    counted.click(page.get_by_role("button", name="Gửi báo cáo"))
    confirm = page.locator("#confirm-submit")
    expect(confirm).to_contain_text("77 / 77 ô đã điền")
    expect(confirm).to_contain_text("0 ô để trống")
    expect(confirm).to_contain_text("0 cảnh báo")
    _shot(page, "grid-confirm-1280")
    counted.click(page.get_by_role("button", name="Xác nhận gửi"))
    expect(page.locator("#report-status")).to_have_text("Đã gửi")
    expect(page.get_by_role("button", name="Rút lại để sửa")).to_be_visible()
    print(f"\nAFTER: {counted.keys} keys, {counted.clicks} clicks for 77 values with one typo, saved and sent")

    narrow = problems.watch(browser.new_page(viewport={"width": 360, "height": 780},
                                             extra_http_headers={"Accept-Language": "vi"}))
    _login(narrow, live_server.url)
    narrow.get_by_role("button", name="Rút lại để sửa").click()
    expect(narrow.locator("#report-status")).to_have_text("Bản nháp")
    cell(narrow, "DS").fill("9.999.999")
    expect(state(narrow, "DS")).to_have_attribute("data-level", "warning")
    expect(state(narrow, "DS")).to_contain_text("9.999.999 lớn bất thường cho một phường")
    _shot(narrow, "grid-360")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 360, "the grid must not scroll sideways"
    # a save leaves the page while the checks of the last cells typed may be in flight: those are aborted, harmlessly
    assert [p for p in problems if not ('/kiem-tra/' in p and 'ERR_ABORTED' in p)] == []

"""Browser test of the register forms: phường Thanh Khê's officer adds a market with cashless payment through the
form and sees the KTS-11.TS figure of the month the register feeds grow by one, and the entry's history row; at
1280 px and at 360 px (one market each), with no console error, failed request or error response.

Run it with the other browser tests, on their own (a live-server test, like every test here):
``.venv/bin/python -m pytest -m browser tests/browser/test_registers.py``. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from django.utils import timezone  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.test_smoke import Problems, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402

MARKETS = "/so-theo-doi/2025-07/20209/cho/"  # phường Thanh Khê (today's map): its officer is ``thanhkhe``

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_whole_demo()


def _figure(page: Page) -> int:
    """The KTS-11.TS figure the register page shows ('–' when none is written yet: no market counted)."""
    text = page.locator(".feeds p").filter(has_text="KTS-11.TS").locator("strong").inner_text().strip()
    return 0 if text == "–" else int(text.replace(".", ""))


def _add_a_market(browser: Browser, base: str, width: int, name: str) -> None:
    problems = Problems()
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  extra_http_headers={"Accept-Language": "vi"})
    page = problems.watch(context.new_page())
    page.goto(base + "/")
    page.locator("header").get_by_role("link", name="Sổ theo dõi").click()  # from the site header (a menu at 360 px)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ theo dõi")
    page.goto(base + MARKETS)
    expect(page.get_by_role("link", name="+ Thêm chợ")).to_have_count(0)  # no form for a visitor
    page.get_by_role("link", name="Đăng nhập (cán bộ)").click()
    page.get_by_label("Tên đăng nhập").fill("thanhkhe")
    page.get_by_label("Mật khẩu").fill("chiso-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + MARKETS)
    month = f"{timezone.localdate():%m/%Y}"
    expect(page.locator(".feeds")).to_contain_text(f"tháng {month}")
    before = _figure(page)

    page.get_by_role("link", name="+ Thêm chợ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm chợ vào sổ của Phường Thanh Khê")
    page.get_by_label("Tên").fill(name)
    page.get_by_label("Thanh toán không dùng tiền mặt").select_option("có")
    page.get_by_label("Số hộ tiểu thương", exact=True).fill("abc")
    page.get_by_role("button", name="Thêm vào sổ").click()  # a bad number: refused at its field, nothing written
    expect(page.locator("#e-a-traders")).to_have_text(
        "Số hộ tiểu thương: 'abc' không phải số nguyên (ví dụ 1.889).")
    expect(page.get_by_label("Tên")).to_have_value(name)
    _shot(page, f"registers-add-error-{width}")
    page.get_by_label("Số hộ tiểu thương", exact=True).fill("1.250")
    page.get_by_label("Ghi chú, nguồn").fill("Chợ mới lắp mã QR")
    page.get_by_role("button", name="Thêm vào sổ").click()

    expect(page).to_have_url(base + MARKETS)
    expect(page.locator(".register-messages")).to_contain_text(f"Đã thêm '{name}' vào sổ.")
    assert _figure(page) == before + 1
    _shot(page, f"registers-kind-{width}")
    page.get_by_role("link", name=name).click()
    row = page.locator(".history li").first
    expect(row).to_contain_text("Thêm")
    expect(row).to_contain_text(f"hiệu lực từ {timezone.localdate():%d/%m/%Y}")
    expect(row).to_contain_text("Thanh toán không dùng tiền mặt: – → có")
    expect(row).to_contain_text("Số hộ tiểu thương: – → 1.250")
    expect(row).to_contain_text("Lý do: Chợ mới lắp mã QR")
    expect(page.get_by_role("link", name="Sửa mục này")).to_be_visible()
    _shot(page, f"registers-entry-{width}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{width} px: the page is {overflow} px wider than the screen"
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_officer_adds_a_cashless_market_and_the_fed_figure_grows_by_one(live_server, browser: Browser):
    _add_a_market(browser, live_server.url, 1280, "Chợ Hà Thân mới")
    _add_a_market(browser, live_server.url, 360, "Chợ Tam Thuận mới")

"""Browser helpers and the walk through the unit tree, in Debian's Chromium through Playwright.

The walk is one step of ``test_journeys.test_main_journeys``.

Run it on its own: ``.venv/bin/python -m pytest -m browser tests/browser`` (the Makefile does).
The live server needs ``django_db(transaction=True)``, after which Django would empty the database; on the
in-memory SQLite test database tests/browser/conftest.py puts the demo, built once per run, back instead, so
every browser test starts from the whole demo. Never run ``playwright install``: the test drives
/usr/bin/chromium.

Fails on any console error, uncaught page error, failed request or response of status 400 or more.
Screenshots (1280 and 360 px wide) go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"



@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _left_behind(url: str, failure: str | None) -> bool:
    """The browser's own fetch of the tab icon, cut off because the page moved on (a form sent at once): not the
    app's failure. Any other aborted request still counts."""
    return url.endswith("/favicon.svg") and "ERR_ABORTED" in (failure or "")


class Problems(list[str]):
    """Everything that went wrong in the browser while a page was open."""

    def watch(self, page: Page) -> Page:
        page.on(
            "console", lambda m: self.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        page.on("pageerror", lambda e: self.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: None if _left_behind(r.url, r.failure) else self.append(
            f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        return page


def _page(browser: Browser, problems: Problems, width: int) -> Page:
    return problems.watch(browser.new_page(locale="vi-VN", viewport={"width": width, "height": 900 if width > 500 else 780}))


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def walk_tree(page: Page, url: str) -> None:
    """The unit tree: open a province (htmx), switch version, follow a district and its footnote."""
    page.goto(url + "/don-vi/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Cây đơn vị, phiên bản 2025-07")).to_be_visible()
    _shot(page, "tree-1280")

    # The national tree: a closed province loads its wards when opened (htmx).
    page.locator("#u-01 > details > summary").click(position={"x": 4, "y": 8})
    expect(page.locator("#u-01").get_by_role("link", name="Phường Ba Đình", exact=True)).to_be_visible()

    # Switch to the 2024 map and follow the link to quận Thanh Khê.
    page.locator('.version-switch a[href="?v=2024"]').click()
    expect(page.get_by_role("heading", name="Cây đơn vị, phiên bản 2024")).to_be_visible()
    expect(page.locator("#u-20209").get_by_role("link", name="Phường Xuân Hà", exact=True)).to_be_visible()
    page.locator("#u-491 > details > summary > a", has_text="Quận Thanh Khê").click()
    expect(page).to_have_url(url + "/don-vi/2024/491/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quận Thanh Khê")

    accounts = page.locator("tr", has=page.locator("code", has_text="XHS-06"))
    expect(accounts.locator(".value")).to_have_text("133.713")
    expect(accounts.locator(".period")).to_have_text("Năm 2024")
    expect(accounts.locator(".footnote-ref")).to_have_attribute(
        "title", 'Bài báo "Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp" (Trần Trúc)'
    )

    # Follow the footnote to the list of sources.
    accounts.locator(".footnote-ref").click()
    expect(page.locator("ol.sources li:target")).to_contain_text("Đẩy mạnh chuyển đổi số")

    # From the 2024 district to what it became on 1/1/2025.
    page.locator(".succession a", has_text="Quận Thanh Khê").first.click()
    expect(page).to_have_url(url + "/don-vi/2025-01/491/")

    # Today's map: code 20209 is now phường Thanh Khê.
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.locator('.version-switch a[href="?v=2025-07"]').click()
    expect(page.locator("#u-20209").get_by_role("link", name="Phường Thanh Khê", exact=True)).to_be_visible()

"""The indicator page in Debian's Chromium (issue #11 items 6–8): the yearly CSV downloaded from the page
starts with a BOM and Vietnamese headers; at 360 px no table cell breaks a word over lines (each cell's
lines are measured against its words), the page never scrolls sideways, the English menu fits; the headline,
its status and the metadata tabs work. Fails on any console error, page error, failed request or HTTP status
>= 400; screenshots at 1280 and 360 px, Vietnamese and English, go to ``test-artifacts/``.
A live-server test: ``empties_database``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_smoke import Problems, _page, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]
WARD = "/chi-tieu/XHS-06/?v=2025-07&don-vi=20209"  # phường Thanh Khê, today
CITY = "/chi-tieu/CQS-03/?v=2025-07"

# For every table cell with text: how many lines it takes and how many words it has. A cell that takes more
# lines than it has words has broken a word (the "N ă m 2 0 2 2" letter-per-line wrapping).
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("table td, table th")) {
    const text = cell.innerText.trim();
    if (!text || cell.getClientRects().length === 0) { continue; }
    const middles = [];  // the vertical middle of every line box of the cell's text
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) { if (r.width > 0) { middles.push(r.top + r.height / 2); } }
    }
    middles.sort((a, b) => a - b);
    let lines = 0, last = -1e9;
    for (const m of middles) { if (m - last > 8) { lines += 1; last = m; } }
    const words = text.split(/\\s+/).length;
    const width = Math.round(cell.getBoundingClientRect().width);
    if (lines > words) { broken.push([text.slice(0, 30), lines, words, width]); }
  }
  return broken;
}"""


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_whole_demo()


def _english(chromium, problems: Problems, width: int):  # type: ignore[no-untyped-def]
    page = chromium.new_page(locale="en-GB", viewport={"width": width, "height": 900},
                            extra_http_headers={"Accept-Language": "en"})
    return problems.watch(page)


def test_the_indicator_page_downloads_and_reads_at_360_px(live_server, browser, tmp_path):  # noqa: F811
    base, problems = live_server.url, Problems()

    page = _page(browser, problems, 1280)
    page.goto(base + WARD)
    expect(page.locator(".scope-line")).to_contain_text("Phạm vi: Phường Thanh Khê")
    expect(page.locator(".headline .value")).not_to_be_empty()
    expect(page.locator(".headline .status")).to_be_visible()
    expect(page.locator("#chart-map svg")).to_have_count(1)
    page.get_by_role("tab", name="Phương pháp tính").click()
    expect(page.locator("#meta-cach-tinh")).to_be_visible()
    expect(page.locator("#meta-dinh-nghia")).to_be_hidden()
    with page.expect_download() as info:
        page.get_by_role("link", name="Theo năm").click()
    download = info.value
    assert download.suggested_filename == "chiso-XHS-06-2025-07-20209-theo-nam.csv"
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf" + "Mã chỉ tiêu;Mã đơn vị;Đơn vị;Danh mục đơn vị;Kỳ;".encode())
    assert "\r\nXHS-06;20209;Phường Thanh Khê;2025-07;Năm 2024;".encode() in content
    _shot(page, "indicator-ward-1280")
    page.goto(base + CITY)
    expect(page.locator(".scope-line")).to_contain_text("Phạm vi: toàn thành phố")
    expect(page.locator("#chart-series svg")).to_have_count(1)
    _shot(page, "indicator-city-1280")
    page.close()

    for lang in ("vi", "en"):
        narrow = _page(browser, problems, 360) if lang == "vi" else _english(browser, problems, 360)
        for path in (WARD, CITY, "/", "/don-vi/2025-07/20209/"):
            narrow.goto(base + path)
            narrow.wait_for_load_state("networkidle")
            assert narrow.evaluate(BROKEN_WORDS) == [], (lang, path)
            width = narrow.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} ({lang}) scrolls sideways at 360 px ({width} px)"
        narrow.goto(base + CITY)
        years = narrow.locator("#bang-nam ~ .table-scroll table tbody tr td:first-child").first
        box = years.bounding_box()
        assert box is not None and box["height"] < 40, box  # "Năm 2022" on one line
        nav = narrow.locator(".site-nav")
        assert nav.evaluate("n => n.scrollWidth <= n.clientWidth + 1")
        _shot(narrow, f"indicator-city-360-{lang}")
        narrow.close()

    wide = _english(browser, problems, 1280)
    wide.goto(base + WARD)
    expect(wide.locator(".scope-line")).to_contain_text("Scope: Phường Thanh Khê")
    expect(wide.locator("#meta-dinh-nghia")).to_contain_text("Count")
    edges = wide.locator(".site-nav a").evaluate_all(
        "links => links.map(a => [a.getClientRects().length, Math.round(a.getBoundingClientRect().right)])")
    assert all(lines == 1 and right <= 1280 for lines, right in edges), edges  # the English menu fits
    _shot(wide, "indicator-ward-1280-en")
    wide.close()
    assert not problems, problems

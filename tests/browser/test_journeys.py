"""The main journeys in Debian's Chromium: overview → district → ward, version switch, an indicator and
its CSV, search without diacritics, the annual report; axe-core accessibility checks on each page.

One test function: the live server needs ``django_db(transaction=True)``; the demo built once per run is
put back after the test (tests/browser/conftest.py). Run on its own:
``pytest -m browser tests/browser``. Fails on any console error, page error, failed request or HTTP
status ≥ 400; screenshots at 1280 and 360 px go to ``test-artifacts/``, axe findings to
``test-artifacts/axe.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_smoke import ARTIFACTS, Problems, _page, _shot, browser, walk_tree  # noqa: E402, F401

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [pytest.mark.browser, pytest.mark.demo, pytest.mark.django_db(transaction=True)]


def _axe(page: Page, name: str, findings: dict[str, object]) -> None:
    """Run axe-core on the page; serious and critical violations fail the test, all are recorded."""
    # Evaluated through DevTools, not added as an inline <script>: the page's CSP (script-src 'self')
    # rightly refuses inline scripts, and the test keeps that CSP on to catch violations.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"]),
                   "targets": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"]]
    findings[name] = violations
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: {json.dumps(serious, ensure_ascii=False, indent=1)}"


def test_main_journeys(live_server, browser, tmp_path):  # noqa: F811
    problems = Problems()
    findings: dict[str, object] = {}
    page = _page(browser, problems, 1280)
    url = live_server.url
    walk_tree(page, url)

    # 1. The overview: pillars, status counts, laggards.
    page.goto(url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chuyển đổi số Thành phố Đà Nẵng: tổng quan")
    expect(page.locator("#card-tq-CQS-03")).to_be_visible()
    expect(page.locator("article[aria-labelledby=card-tq-CQS-03] .value")).to_have_text("80,4%")  # the year 2025 to date (October alone: 83,7%)
    _shot(page, "overview-1280")
    # htmx never evaluates code (the CSP has no 'unsafe-eval'): no hx-on, no js: values, no trigger filters
    assert page.evaluate("[htmx.config.allowEval, htmx.config.allowScriptTags]") == [False, False]
    _axe(page, "overview", findings)

    # 2. Switch to the map as it was in 2024, drill into quận Thanh Khê, then into phường Thạc Gián.
    page.select_option("#version-select", "2024")
    expect(page).to_have_url(url + "/?v=2024")
    expect(page.get_by_text("Số liệu đến tháng 12/2024, theo danh mục đơn vị 2024.")).to_be_visible()
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.locator("#u-491 > details > summary > a", has_text="Quận Thanh Khê").click()
    expect(page).to_have_url(url + "/don-vi/2024/491/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quận Thanh Khê")
    expect(page.locator("tr", has=page.locator("code", has_text="XHS-06")).locator(".value")).to_have_text("133.713")
    # the children's table sorts by a column
    table = page.locator("section[aria-labelledby=truc-thuoc] table")
    table.get_by_role("button", name="XHS-01").click()
    expect(table.locator("thead th").nth(3)).to_have_attribute("aria-sort", "ascending")
    # a final verdict has its colours: Đạt (69,0% of 65,0%) fills its bar in green, as Đã đạt mục tiêu does
    done = page.locator("article[aria-labelledby=card-dv-CQS-03]")
    expect(done.locator(".status")).to_have_text("Đạt")
    expect(done.locator(".progress span")).to_have_css("background-color", "rgb(23, 83, 42)")
    _shot(page, "unit-491-1280")
    _axe(page, "unit-491", findings)
    table.get_by_role("link", name="Phường Thạc Gián", exact=True).click()
    expect(page).to_have_url(url + "/don-vi/2024/20221/")
    expect(page.locator("#card-dv-CQS-03")).to_be_visible()
    _shot(page, "unit-20221-1280")

    # 3. Today's units: Thạc Gián of 2024 went whole into Thạc Gián of 1/2025 (code 20218).
    page.select_option("#version-select", "2025-01")
    expect(page).to_have_url(url + "/don-vi/2025-01/20218/")
    expect(page.get_by_text("Phường Thạc Gián hình thành từ")).to_be_visible()

    # 4. An indicator: chart and map drawn, ranking, CSV download.
    page.goto(url + "/chi-tieu/XHS-06/?v=2024&don-vi=491")
    expect(page.locator("#chart-series svg")).to_be_visible()
    expect(page.locator("#chart-map svg")).to_be_visible()
    expect(page.locator("table.ranking tbody tr").first).to_contain_text("Phường Vĩnh Trung")
    with page.expect_download() as download:
        page.get_by_role("link", name="Theo năm").click()
    saved = tmp_path / "xhs06.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()  # UTF-8 with a BOM, Vietnamese headers
    assert lines[0].startswith("Mã chỉ tiêu;Mã đơn vị;Đơn vị;")
    assert "XHS-06;491;Quận Thanh Khê;2024;Năm 2024;133713;Chính xác;;" in lines
    _shot(page, "indicator-XHS-06-1280")
    _axe(page, "indicator", findings)

    # 5. Search without diacritics from the header.
    page.fill("#site-q", "thac gian")
    page.locator("#site-q").press("Enter")
    expect(page.get_by_role("link", name="Phường Thạc Gián").first).to_be_visible()
    _axe(page, "search", findings)

    # 6. The annual report from the unit page's button.
    page.goto(url + "/don-vi/2024/491/")
    with page.expect_download() as download:
        page.locator("a[href='/bao-cao/2024/491/2024.pdf']").click()
    report = tmp_path / "report.pdf"
    download.value.save_as(report)
    assert report.read_bytes()[:5] == b"%PDF-"

    # 7. English.
    page.goto(url + "/")
    page.select_option("#lang-select", "en")
    page.get_by_role("button", name="Đổi").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("overview")
    expect(page.locator("article[aria-labelledby=card-tq-CQS-03] .value")).to_have_text("80.4%")
    _shot(page, "overview-en-1280")

    # 8. At 360 px: nothing scrolls sideways.
    narrow = _page(browser, problems, 360)
    for name, path in [("overview", "/"), ("unit-491", "/don-vi/2024/491/"),
                       ("indicator-XHS-06", "/chi-tieu/XHS-06/?v=2024&don-vi=491")]:
        narrow.goto(url + path)
        _shot(narrow, f"{name}-360")
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways at 360 px ({width} px)"
    # Today's XHS-06: the year 2025 is withheld with a long note, which wraps; 'Năm 2022' keeps whole words
    narrow.goto(url + "/chi-tieu/XHS-06/")
    expect(narrow.locator(".badge-partial").first).to_contain_text("chưa công bố")
    _shot(narrow, "indicator-XHS-06-now-360")
    year = narrow.get_by_role("cell", name="Năm 2022", exact=True).bounding_box()
    assert year is not None and year["width"] > 40, f"'Năm 2022' is broken letter by letter: {year}"
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 360

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8")
    assert problems == []

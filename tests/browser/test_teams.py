"""Browser test of a community team's phone page: the leader logs an activity while the phone is offline, the log
is kept on the phone and sent once when the connection returns; the ward officer approves it and the ward's
XHS-14 for that month grows by the logged count.

Run with the other browser tests (``-m browser``); starts from the whole demo, which is put back after it
(tests/browser/conftest.py). Fails on any console error, page error, failed request or HTTP status ≥ 400.
Screenshots at 360 and 1280 px go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.test_smoke import Problems, _shot, browser  # noqa: E402, F401
from tests.conftest import ensure_whole_demo  # noqa: E402

PHOTO = Path(__file__).resolve().parents[2] / "chiso" / "teams" / "static" / "teams" / "icon-512.png"
WARD_PAGE = "/to-cns/phuong/2025-07/20209/"
VI = {"extra_http_headers": {"Accept-Language": "vi"}, "locale": "vi-VN"}

pytestmark = [pytest.mark.browser, pytest.mark.empties_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_whole_demo()


def _login(page: Page, base: str, username: str, target: str) -> None:
    page.goto(base + target)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("chiso-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(base + target)


def _ward_figure() -> Decimal | None:
    from chiso.values.models import DataValue

    found = DataValue.objects.filter(unit__version__name="2025-07", unit__code="20209", period="2025-12",
                                     data_element__code="XHS-14", is_deleted=False).first()
    return found.value if found else None


def test_a_log_made_offline_arrives_once_and_counts_when_approved(live_server, browser: Browser):
    from chiso.teams.models import ActivityLog

    base = live_server.url
    before = _ward_figure() or Decimal(0)
    logs_before = ActivityLog.objects.count()
    problems = Problems()
    phone = browser.new_context(viewport={"width": 360, "height": 760}, **VI,
                                has_touch=True, is_mobile=True)
    page = problems.watch(phone.new_page())
    _login(page, base, "totruong", "/to-cns/ghi/")
    expect(page.locator(".team-name")).to_contain_text("Tổ dân phố 1 (Thạc Gián)")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)") is True
    expect(page.locator("#net")).to_have_text("Có mạng")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    _shot(page, "teams-log-360")

    phone.set_offline(True)
    expect(page.locator("#net")).to_contain_text("Mất mạng")
    page.locator("#date").fill("2025-12-20")
    page.locator("#c-huong-dan").fill("6")
    page.get_by_role("button", name="Thêm 1: Lượt người dân được hướng dẫn").click()  # one-handed: + makes it 7
    page.locator("#photo").set_input_files(str(PHOTO))  # a photo of the activity, made smaller on the phone
    page.get_by_role("button", name="Lưu nhật ký").click()
    expect(page.locator("#form-error")).to_contain_text("giấy tờ tùy thân")  # not without saying it is no ID
    page.get_by_label("Ảnh không chụp giấy tờ tùy thân").check()
    page.get_by_role("button", name="Lưu nhật ký").click()
    expect(page.locator("#queue-count")).to_have_text("(1)")
    expect(page.locator("#queue li")).to_contain_text("kèm ảnh")
    expect(page.locator("#queue li")).to_contain_text("Lượt người dân được hướng dẫn: 7")
    _shot(page, "teams-log-offline-360")
    assert ActivityLog.objects.count() == logs_before  # still only on the phone

    phone.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("(0)", timeout=15000)
    expect(page.locator("#sent li").first).to_contain_text("Chờ cán bộ duyệt")
    page.get_by_role("button", name="Gửi ngay").click()  # sending again sends nothing: the queue is empty
    new = list(ActivityLog.objects.filter(team__code="TCN-TDP-TG-01", date="2025-12-20"))
    assert len(new) == 1 and ActivityLog.objects.count() == logs_before + 1
    log = new[0]
    assert {c.data_element.code: c.count for c in log.counts.select_related("data_element")} == {"XHS-14": 7}
    assert log.photo.read(3) == b"\xff\xd8\xff"  # re-encoded as JPEG on the phone, sent after the log
    _shot(page, "teams-log-sent-360")

    office = browser.new_context(viewport={"width": 1280, "height": 900}, **VI)
    officer = problems.watch(office.new_page())
    _login(officer, base, "thanhkhe", WARD_PAGE)
    card = officer.locator(f"#nk-{log.pk}")
    expect(card).to_contain_text("Lượt người dân được hướng dẫn: 7")
    _shot(officer, "teams-ward-1280")
    card.get_by_role("button", name="Duyệt", exact=True).click()
    expect(officer.locator(".entry-messages")).to_contain_text(f"nhật ký #{log.pk}")
    expect(officer.locator(f"#nk-{log.pk}")).to_have_count(0)
    assert _ward_figure() == before + 7

    narrow = problems.watch(browser.new_context(viewport={"width": 360, "height": 760},
                                                **VI).new_page())
    _login(narrow, base, "thanhkhe", WARD_PAGE)
    _shot(narrow, "teams-ward-360")
    narrow.goto(base + "/to-cns/to/TCN-TDP-TG-01/")
    expect(narrow.get_by_role("heading", level=1)).to_contain_text("Tổ dân phố 1 (Thạc Gián)")
    _shot(narrow, "teams-team-360")
    officer.goto(base + "/to-cns/to/TCN-TDP-TG-01/")
    _shot(officer, "teams-team-1280")
    assert problems == []
